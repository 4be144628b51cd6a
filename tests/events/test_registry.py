import pytest

from events import Event, InvalidEvent, Metadata, registry
from tests.support.counter import CounterIncremented  # noqa: F401  (registers the type)


def envelope(version: int, data: dict) -> dict:
    return {
        "id": "0190-test",
        "type": "TestCounterIncremented",
        "version": version,
        "subject": "t.counter.1",
        "occurred_at": "2026-11-02T08:30:00+00:00",
        "actor": "someone@example.org",
        "data": data,
    }


def test_new_event_gets_a_full_envelope():
    wire = registry.envelope(
        Event("TestCounterIncremented", {"by": 2, "reason": "x"}),
        "t.counter.1",
        Metadata(actor="a@b.org", correlation_id="c1", causation_id="k1"),
    )
    assert wire["type"] == "TestCounterIncremented" and wire["version"] == 2
    assert wire["subject"] == "t.counter.1" and wire["actor"] == "a@b.org"
    assert (wire["correlation_id"], wire["causation_id"]) == ("c1", "k1")
    assert wire["occurred_at"].endswith("+00:00")
    assert wire["data"] == {"by": 2, "reason": "x"}


@pytest.mark.parametrize(
    "data",
    [{"by": 0, "reason": "x"}, {"reason": "x"}, {"by": "lots", "reason": "x"}, {"by": 1}],
)
def test_data_that_fails_its_schema_is_refused(data):
    with pytest.raises(InvalidEvent) as refused:
        registry.envelope(Event("TestCounterIncremented", data), "t.counter.1", Metadata())
    assert refused.value.event_type == "TestCounterIncremented"


def test_unknown_event_type_is_refused():
    with pytest.raises(InvalidEvent, match="unknown event type"):
        registry.envelope(Event("NoSuchThing", {}), "t.x.1", Metadata())


def test_old_version_is_upcast_on_load():
    event = registry.load(envelope(1, {"by": 3}), seq=7)
    assert event.version == 2
    assert event.data == {"by": 3, "reason": "(not recorded)"}
    assert event.seq == 7


def test_loaded_data_is_validated():
    with pytest.raises(InvalidEvent):
        registry.load(envelope(2, {"by": 0, "reason": "x"}))


@pytest.mark.parametrize("reason", ["\udfff", "a\x00b", "\x07", "\x9b"])
def test_text_no_read_model_can_store_is_refused_naming_the_field(reason):
    with pytest.raises(InvalidEvent) as refused:
        registry.envelope(
            Event("TestCounterIncremented", {"by": 1, "reason": reason}), "t.counter.1", Metadata()
        )
    assert list(refused.value.errors) == ["reason"]


def test_tabs_and_line_breaks_are_storable():
    data = {"by": 1, "reason": "one\ttwo\r\nthree £ é 😀"}
    wire = registry.envelope(Event("TestCounterIncremented", data), "t.counter.1", Metadata())
    assert wire["data"] == data


@pytest.mark.parametrize("version", [3, 0, "2", None])
def test_a_version_this_process_does_not_know_is_refused(version):
    with pytest.raises(InvalidEvent, match="version"):
        registry.load(envelope(version, {"by": 1, "reason": "x"}))
