"""Who a session is, remembered for a moment, and their signed header, made once a while.

On booking morning a person sends a request every few hundred milliseconds; reading the
sign-in and the person's roles from SQL and signing the header anew for each was a quarter
of the gateway's CPU. So each worker remembers a sign-in's person for `IDENTITY_SECONDS`:
a person who leaves, a revoked role or a sign-out elsewhere takes effect within that bound
(a sign-out through this worker at once). A signed header is reused while it is younger
than `SIGNATURE_SECONDS`, so it still has most of its lifetime when a service checks it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from events.identity import MAX_AGE_SECONDS, Identity, IdentitySigner

IDENTITY_SECONDS = 2.0
"""How long a worker may go on letting in a sign-in that has ended: at most this."""
SIGNATURE_SECONDS = MAX_AGE_SECONDS / 2
"""A reused header is at most this old, so it has half its lifetime left to cross."""
MOST_REMEMBERED = 50_000
"""Beyond this many, the ones past their moment are forgotten (a trust's staff fit)."""

Clock = Callable[[], float]


@dataclass(frozen=True)
class _Remembered:
    identity: Identity | None
    until: float


class IdentityCache:
    """Sign-ins (by session id and CSRF token) to their person, each for a moment."""

    def __init__(self, seconds: float = IDENTITY_SECONDS, clock: Clock = time.monotonic):
        self.seconds, self.clock = seconds, clock
        self._known: dict[tuple[str, str], _Remembered] = {}

    def get(self, key: tuple[str, str], read: Callable[[], Identity | None]) -> Identity | None:
        """The remembered person of `key`, or `read()` when there is none (or it is old).
        An ended sign-in (None) is not remembered: the caller revokes it."""
        now = self.clock()
        known = self._known.get(key)
        if known is not None and known.until > now:
            return known.identity
        identity = read()
        if identity is not None and self.seconds > 0:
            self._forget_old(now)
            self._known[key] = _Remembered(identity, now + self.seconds)
        else:
            self._known.pop(key, None)
        return identity

    def forget(self, session_id: str) -> None:
        """A sign-out: this worker lets the session in no more, from now on."""
        for key in [key for key in self._known if key[0] == session_id]:
            self._known.pop(key, None)

    def _forget_old(self, now: float) -> None:
        if len(self._known) >= MOST_REMEMBERED:
            for key in [key for key, known in self._known.items() if known.until <= now]:
                self._known.pop(key, None)


class HeaderSigner:
    """The identity header of a person, signed once and reused while it is young."""

    def __init__(
        self, signer: IdentitySigner, seconds: float = SIGNATURE_SECONDS, clock: Clock = time.time
    ):
        self.signer, self.seconds, self.clock = signer, seconds, clock
        self._signed: dict[Identity, tuple[str, float]] = {}

    def sign(self, identity: Identity) -> str:
        now = self.clock()
        signed = self._signed.get(identity)
        if signed is not None and signed[1] > now:
            return signed[0]
        header = self.signer.sign(identity)
        if len(self._signed) >= MOST_REMEMBERED:
            self._signed = {key: each for key, each in self._signed.items() if each[1] > now}
        self._signed[identity] = (header, now + self.seconds)
        return header
