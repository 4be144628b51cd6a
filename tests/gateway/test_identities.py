"""The gateway remembers who a sign-in is for a moment, and signs a person's header once
while it is young (gateway/identities.py)."""

from __future__ import annotations

from events.identity import Identity, IdentitySigner
from gateway.identities import SIGNATURE_SECONDS, HeaderSigner, IdentityCache
from tests.gateway.conftest import Clock
from tests.support.identity import SECRET_KEY, someone


class CountingSigner(IdentitySigner):
    def __init__(self) -> None:
        super().__init__(SECRET_KEY)
        self.signed = 0

    def sign(self, identity: Identity) -> str:
        self.signed += 1
        return super().sign(identity)


def test_a_persons_header_is_signed_once_while_it_is_young():
    clock, counting = Clock(), CountingSigner()
    signer = HeaderSigner(counting, clock=clock)
    header = signer.sign(someone())
    clock.passes(SIGNATURE_SECONDS - 1)
    assert signer.sign(someone()) == header
    assert counting.signed == 1
    assert counting.verify(header).person_id == someone().person_id
    clock.passes(1)
    signer.sign(someone())
    assert counting.signed == 2


def test_an_ended_sign_in_is_read_again_every_time():
    cache, reads = IdentityCache(clock=Clock()), []

    def ended() -> None:
        reads.append(1)

    assert cache.get(("sid", "csrf"), ended) is None
    assert cache.get(("sid", "csrf"), ended) is None
    assert len(reads) == 2


def test_a_sign_in_is_read_again_after_its_moment_and_at_once_after_signing_out():
    clock = Clock()
    cache, reads = IdentityCache(seconds=2.0, clock=clock), []

    def open_sign_in() -> Identity:
        reads.append(1)
        return someone()

    for _ in range(3):
        cache.get(("sid", "csrf"), open_sign_in)
    assert len(reads) == 1
    clock.passes(2.0)
    cache.get(("sid", "csrf"), open_sign_in)
    assert len(reads) == 2
    cache.forget("sid")
    cache.get(("sid", "csrf"), open_sign_in)
    assert len(reads) == 3
