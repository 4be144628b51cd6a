"""A network's rules, given/when/then: formed once, its cadence and members, a one-to-one's
privacy, updated whole, closed for good."""

from __future__ import annotations

from dataclasses import replace

from events import Event
from events.testing import scenario
from services.networks.domain import (
    Cadence,
    CloseNetwork,
    FormNetwork,
    NetworkDecider,
    NetworkRecord,
    TemplateItem,
    UpdateNetwork,
)

network = scenario(NetworkDecider())
SENCO = NetworkRecord(
    network_id="n1",
    name="SENCO network",
    kind="pastoral",
    facilitator_id="sil",
    cadence=Cadence("per_year", 3),
    minutes=90,
    member_posts=("senco",),
    agenda_template=(TemplateItem("Welcome", 5), TemplateItem("Actions", 20)),
    venue="Oak Primary",
)
FORMED = Event(
    "NetworkFormed",
    {
        "network_id": "n1",
        "name": "SENCO network",
        "kind": "pastoral",
        "facilitator_id": "sil",
        "cadence": {"rule": "per_year", "count": 3},
        "minutes": 90,
        "description": "",
        "member_posts": ["senco"],
        "member_ids": [],
        "agenda_lead_id": None,
        "private": False,
        "agenda_template": [
            {"title": "Welcome", "minutes": 5},
            {"title": "Actions", "minutes": 20},
        ],
        "venue": "Oak Primary",
    },
)
formed = network.given(FORMED)


def test_a_network_is_formed_once_and_read_back_as_it_was():
    network.when(FormNetwork(SENCO)).then(FORMED)
    assert formed.state().record == SENCO
    formed.when(FormNetwork(SENCO)).then_rejected("network_exists", 409)


def test_a_network_has_members_and_a_cadence_it_can_keep():
    nobody = replace(SENCO, member_posts=(), member_ids=("sil",))
    network.when(FormNetwork(nobody)).then_rejected("no_members", 422)
    by_name = replace(SENCO, member_posts=(), member_ids=("amy",))
    network.when(FormNetwork(by_name)).then("NetworkFormed")
    twice = replace(SENCO, cadence=Cadence("fortnightly", 2))
    network.when(FormNetwork(twice)).then_rejected("fortnightly_once", 422)
    long = replace(SENCO, minutes=20)
    network.when(FormNetwork(long)).then_rejected("template_too_long", 422)


def test_a_one_to_one_is_private_and_a_pair():
    pair = replace(SENCO, kind="one_to_one", member_posts=(), member_ids=("head",), private=True)
    network.when(FormNetwork(pair)).then("NetworkFormed")
    network.when(FormNetwork(replace(pair, private=False))).then_rejected("one_to_one_private")
    crowd = replace(pair, member_ids=("head", "other"))
    network.when(FormNetwork(crowd)).then_rejected("one_to_one_pair", 422)


def test_a_network_is_updated_whole_and_only_when_it_changed():
    renamed = replace(SENCO, name="SEND network")
    (event,) = formed.when(UpdateNetwork(renamed)).then("NetworkUpdated")
    assert event.data["name"] == "SEND network"
    formed.when(UpdateNetwork(SENCO)).then()
    other = replace(SENCO, network_id="n2")
    formed.when(UpdateNetwork(other)).then_rejected("wrong_network", 422)
    network.when(UpdateNetwork(SENCO)).then_rejected("no_such_network", 404)


def test_a_closed_network_stays_closed():
    closed = Event("NetworkClosed", {"network_id": "n1", "reason": "Merged"})
    formed.when(CloseNetwork("Merged")).then(closed)
    formed.given(closed).when(UpdateNetwork(SENCO)).then_rejected("network_closed", 409)
    formed.given(closed).when(CloseNetwork("Again")).then_rejected("network_closed", 409)
    assert SENCO.named() == frozenset({"sil"})
