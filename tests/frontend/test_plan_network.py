"""The session form's optional Network: "Not a network meeting" by default, and a network
that is not one of the trust's is the field's error, with nothing saved."""

from __future__ import annotations

from readmodels.trustdays.tables import pd_sessions
from tests.frontend.test_planning import add_session, count, plan, session_form, slots_of, trust
from tests.support.meetings import a_network

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


def test_a_session_that_is_a_networks_meeting_keeps_its_network(trust):
    stack, boss, _, ids = trust
    maths = a_network(stack.engine, ids["amy"], name="Primary maths leads")
    a_network(stack.engine, ids["amy"], private=True, name="CEO one-to-one")
    day_id = plan(boss)
    slot_id = slots_of(stack, day_id)["Breakout 1"].slot.slot_id
    form = boss.get(f"/plan/{day_id}/slots/{slot_id}/sessions/new").get_data(as_text=True)
    assert f'<option value="{maths}">Primary maths leads</option>' in form
    assert "CEO one-to-one" not in form
    sent = session_form("Maths network meeting", network_id=maths)
    assert add_session(boss, day_id, slot_id, sent).status_code == 303
    (saved,) = slots_of(stack, day_id)["Breakout 1"].sessions
    assert saved.network_id == maths
    again = boss.get(f"/plan/{day_id}/sessions/{saved.session_id}").get_data(as_text=True)
    assert f'<option value="{maths}" selected>Primary maths leads</option>' in again
