"""The session form's optional Network: "Not a network meeting" by default, and a network
that is not one of the trust's is the field's error, with nothing saved."""

from __future__ import annotations

from readmodels.trustdays.tables import pd_sessions
from tests.frontend.test_planning import add_session, count, plan, session_form, slots_of, trust

__all__ = ["trust"]


def test_a_session_is_no_network_meeting_unless_a_network_is_chosen(trust):
    stack, boss, _, _ = trust
    day_id = plan(boss)
    slot_id = slots_of(stack, day_id)["Breakout 1"].slot.slot_id
    form = boss.get(f"/plan/{day_id}/slots/{slot_id}/sessions/new").get_data(as_text=True)
    assert '<label for="session-network_id">Network</label>' in form
    assert '<option value="" selected>Not a network meeting</option>' in form
    assert add_session(boss, day_id, slot_id, session_form("Story time")).status_code == 303
    before = count(stack, pd_sessions)
    unknown = add_session(boss, day_id, slot_id, session_form("Maths", network_id="no-such"))
    assert unknown.status_code == 422
    assert 'id="session-network_id-error"' in unknown.get_data(as_text=True)
    assert count(stack, pd_sessions) == before
    saved = slots_of(stack, day_id)["Breakout 1"].sessions
    assert [s.network_id for s in saved] == [None]
