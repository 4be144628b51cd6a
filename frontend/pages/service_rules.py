"""A form with mistakes is not sent, but its person hears the service's rules for its other
fields at once (a name's length, a link's scheme), not only on the next try: the service
checks the body without running it (`frontend.commands.what_the_service_says`,
`events.check_only`), and its field errors join the page's own.

Of what the service says, only what is about what the page sent counts. A field the page
left out of the body because it could not make it (a date that is not one, and with it the
day's term and booking window; a leader the search did not find) is "missing" to the
service, and the page has already said why at its own field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from marshmallow.fields import Field

from frontend.commands import Refused, what_the_service_says
from frontend.plain_words import plain

MISSING = plain(str(Field.default_error_messages["required"]))
"""What marshmallow says of a required field the body does not have, as the page hears it
(frontend.plain_words)."""


def with_the_services(
    errors: Mapping[str, str],
    command: Callable[[], object],
    at_the_fields: Callable[[Refused], Mapping[str, str]],
) -> dict[str, str]:
    """The form's own `errors` and the service's, at the form's fields (`at_the_fields`),
    for what the page sent and its own checks left alone (its own message wins)."""
    said = what_the_service_says(command)
    sent = _sent(said.fields) if said is not None else {}
    if said is None or not sent:
        return dict(errors)
    return {**at_the_fields(Refused(said.status, said.rule, said.message, sent)), **errors}


def at_the_same_names(refused: Refused) -> dict[str, str]:
    """The service's field errors at the form's fields of the same names; a list's or a
    nested record's at the field that holds it (`options.0.starts` at `options`)."""
    return {name.split(".")[0]: said for name, said in flat(refused.fields).items()}


def flat(fields: Any, path: str = "") -> dict[str, str]:
    """`{"leader": {"name": ["…"]}}` as `{"leader.name": "…"}`."""
    if isinstance(fields, dict):
        return {
            key: said
            for name, inner in fields.items()
            for key, said in flat(inner, f"{path}.{name}" if path else str(name)).items()
        }
    if isinstance(fields, list) and fields and isinstance(fields[0], str):
        return {path: fields[0]}
    return {}


def _sent(fields: Any) -> Any:
    """The field errors without "missing": `{"leader": {"name": [MISSING]}}` is `{}`."""
    if isinstance(fields, dict):
        kept = {name: _sent(inner) for name, inner in fields.items()}
        return {name: inner for name, inner in kept.items() if inner}
    if isinstance(fields, list):
        return [said for said in fields if said != MISSING]
    return fields
