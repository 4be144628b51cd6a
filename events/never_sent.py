"""Whether a request to one of our processes that urllib3 could not complete was ever
written: the gateway's relay and the pages' commands say "nothing was done" only then
(events/unknown_outcome.py has the sentences)."""

from __future__ import annotations

from urllib3.exceptions import ConnectTimeoutError, MaxRetryError


def never_sent(error: BaseException | None) -> bool:
    """A refused connection, a name not found and a connect timeout are all
    ConnectTimeoutError to urllib3 (NewConnectionError is one), alone or as the reason of a
    MaxRetryError: the request was never written. Anything later, it may have been acted
    on."""
    if isinstance(error, MaxRetryError):
        error = error.reason
    return isinstance(error, ConnectTimeoutError)
