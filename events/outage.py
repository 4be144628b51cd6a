"""One line when NATS goes away and one when it is back, for the processes that follow the
log and retry (the reactor, the projector, the notifications' sender): a traceback on every
retry of an outage hid everything else in the log. Any other failure (a bug, the database)
still logs its traceback each time."""

from __future__ import annotations

import logging

import nats.errors
import nats.js.errors

from events.connection import NotConfirmed

AWAY = (nats.errors.Error, NotConfirmed, ConnectionError, TimeoutError)
"""What NATS being away or out of reach (no quorum, reconnecting, a lost connection) raises."""


def nats_is_away(error: BaseException) -> bool:
    """Whether `error` says NATS is out of reach, not that it refused something."""
    if isinstance(error, nats.js.errors.APIError):  # NATS answered: only "no quorum" is away
        return isinstance(error, nats.js.errors.ServiceUnavailableError)
    return isinstance(error, AWAY)


class Outage:
    """Whether `what` has found NATS away, said once each way in `log`."""

    def __init__(self, log: logging.Logger, what: str):
        self.log, self.what = log, what
        self.away = False

    def failed(self, error: BaseException, doing: str) -> None:
        """`doing` failed with `error`: the first failure of an outage in a line, the next
        ones of the same outage not at all; anything else with its traceback."""
        if not nats_is_away(error):
            self.log.error("%s: %s failed; retrying", self.what, doing, exc_info=error)
        elif not self.away:
            self.away = True
            self.log.warning("%s: NATS is away; retrying (%s)", self.what, _said(error))

    def worked(self) -> None:
        """NATS answered again."""
        if self.away:
            self.away = False
            self.log.warning("%s: NATS is back", self.what)


def _said(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
