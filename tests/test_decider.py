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
