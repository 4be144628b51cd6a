import pytest

from events import Event
from events.testing import scenario
from tests.support.counter import CounterDecider, Increment


def test_increment_from_nothing():
    scenario(CounterDecider()).given().when(Increment(by=2, reason="r")).then(
        Event("TestCounterIncremented", {"by": 2, "reason": "r"})
    )


def test_increment_past_the_limit_is_rejected():
    history = [Event("TestCounterIncremented", {"by": 4, "reason": "r"})]
    scenario(CounterDecider()).given(*history).when(Increment(by=2, limit=5)).then_rejected(
        "counter_limit"
    )


def test_state_folds_the_history():
    history = [Event("TestCounterIncremented", {"by": n, "reason": "r"}) for n in (1, 2, 3)]
    assert scenario(CounterDecider()).given(*history).state() == 6


def test_then_takes_whole_events_or_a_type_alone_and_fails_on_any_difference():
    counter = scenario(CounterDecider()).when(Increment(by=2, reason="r"))
    counter.then("TestCounterIncremented")
    with pytest.raises(AssertionError):
        counter.then(Event("TestCounterIncremented", {"by": 3, "reason": "r"}))
    with pytest.raises(AssertionError):
        counter.then()


def test_then_matching_checks_only_the_data_it_is_given():
    counter = scenario(CounterDecider()).when(Increment(by=2, reason="r"))
    counter.then_matching(Event("TestCounterIncremented", {"by": 2}))
    with pytest.raises(AssertionError):
        counter.then_matching(Event("TestCounterIncremented", {"by": 3}))


def test_then_rejected_checks_the_rule_and_the_status():
    history = [Event("TestCounterIncremented", {"by": 4, "reason": "r"})]
    past_the_limit = scenario(CounterDecider()).given(*history).when(Increment(by=2, limit=5))
    assert past_the_limit.then_rejected("counter_limit", 409).status == 409
    with pytest.raises(AssertionError, match="answered 409, expected 422"):
        past_the_limit.then_rejected("counter_limit", 422)
    with pytest.raises(AssertionError, match="rejected by counter_limit"):
        past_the_limit.then_rejected("another_rule")
