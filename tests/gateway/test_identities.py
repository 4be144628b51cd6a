"""The gateway remembers who a sign-in is for a moment, and signs a person's header once
while it is young (gateway/identities.py)."""

from __future__ import annotations

from sqlalchemy import event

from events.db import migrate
from events.identity import Identity, IdentitySigner, Role
from gateway.identities import SIGNATURE_SECONDS, HeaderSigner, IdentityCache
from readmodels import PACKAGE_DIR
from readmodels.signins import identity_of_sign_in, open_sign_in, revoke_sign_in
from tests.gateway.conftest import Clock
from tests.support.identity import SECRET_KEY, someone
from tests.support.people import enrol


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


def test_a_sign_in_reads_its_person_and_every_role_in_one_statement(engine):
    """readmodels.signins: a row a role, or one with none; a leaver's or a revoked sign-in
    is nobody."""
    migrate(engine, [PACKAGE_DIR])
    lead = enrol(engine, "lead@example.sch.uk", "school_cpd_lead", ("headteacher", "school-a"))
    plain = enrol(engine, "plain@example.sch.uk")
    left = enrol(engine, "left@example.sch.uk", "cpd_manager", status="left")
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    identity = identity_of_sign_in(engine, open_sign_in(engine, lead), "csrf")
    assert identity is not None and identity.person_id == lead
    assert identity.roles == {Role("school_cpd_lead", None), Role("headteacher", "school-a")}
    assert (identity.name, identity.school_id, identity.csrf_token) == (
        "Grace Hopper",
        "school-a",
        "csrf",
    )
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    nobody_special = identity_of_sign_in(engine, open_sign_in(engine, plain), "t")
    assert nobody_special is not None and nobody_special.roles == frozenset()
    assert identity_of_sign_in(engine, open_sign_in(engine, left), "t") is None
    ended = open_sign_in(engine, plain)
    revoke_sign_in(engine, ended)
    assert identity_of_sign_in(engine, ended, "t") is None
