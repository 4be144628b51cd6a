"""What a person reads at the top of an error page, by HTTP status: the frontend's and the
gateway's error pages share these words, so both say the same thing for the same status."""

from __future__ import annotations

TITLES = {
    400: "Not understood",
    401: "Sign in first",
    403: "Not allowed",
    404: "Not found",
    405: "Not done that way",
    409: "Not possible just now",
    413: "Too large",
    422: "Not valid",
    429: "Too many tries",
    500: "Something went wrong",
    502: "Not answering",
    503: "Not available just now",
    504: "Too slow to answer",
}


def title_of(status: int) -> str:
    return TITLES.get(status, "Something went wrong")
