"""What a caller is told when a command's outcome is unknown, or when it was surely not done:
one set of sentences for the services, the gateway and the pages.

What a key promises: a service names a command by the person, the aggregate's subject and
the `Idempotency-Key` (events.decider.command_id), records it as the cause of the command's
events, and answers the same command again with the first outcome instead of deciding again;
what a command creates takes its id from the key (events.made_ids), so a retry names the same
thing. The pages send every form with a key of its own."""

from __future__ import annotations

RETRY_AFTER = "2"
"""Seconds to wait before sending it again: a restarted process or a reconnecting NATS."""

NOT_CONFIRMED = "This could not be confirmed: it may or may not have been done."
WITH_THE_KEY = "Send it again with the same Idempotency-Key: it will be done at most once."
WITHOUT_A_KEY = "Check before sending it again: without an Idempotency-Key it may be done twice."
ON_A_PAGE = (
    "We could not confirm this: it may or may not have been done. "
    "Check the page before trying again."
)
"""The pages' own: a person has no key to think of (static/app.js says the same)."""
A_FAULT_ON_A_PAGE = (
    "Something went wrong on our side, and what you asked may have been done. "
    "Reload the page and check before trying again."
)
"""A bug (500) while a change was being done: anything may be true, so never "nothing"."""
DONE_THEN_A_FAULT = (
    "It is done, but something went wrong on our side before this page could show it. "
    "Reload the page to see it."
)
"""A bug (500) after the change was done: reloading shows it; sending it again is not needed."""
NOTHING_DONE = "Nothing was done; try again."
"""Only when the request never left: the connection could not be made."""


def not_sent(who: str) -> str:
    """`who` (a service, by name) could not be reached: the request never left."""
    return f"{who} is not answering. {NOTHING_DONE}"


def too_many_waiting(who: str) -> str:
    """`who` holds as many requests as it may, the oldest too long: this one was not sent."""
    return f"{who} is not answering the requests it has. {NOTHING_DONE}"


def for_a_client(key: str | None) -> str:
    """The unknown outcome, told to an API client that sent `key` (or none)."""
    return f"{NOT_CONFIRMED} {WITH_THE_KEY if key else WITHOUT_A_KEY}"


def after_a_fault(key: str | None) -> str:
    """A bug (500) while a change was being done, told to an API client that sent `key`."""
    return f"Something went wrong on our side. {for_a_client(key)}"
