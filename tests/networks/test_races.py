"""Votes arriving as a poll closes, and organisers confirming different dates at once,
through the real HTTP API on two instances of the service (as two processes would be); then
an independent replay of each meeting's log (tests/support/networks_replay.py) checks that
no vote came after the poll closed and that each meeting was confirmed once."""

from __future__ import annotations

import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest

from services.networks.events import meeting_subject
from tests.support.networks_replay import replay
from tests.support.networks_service import (
    lead,
    member,
    network_fields,
    networks,
    poll_fields,
    trust,
)

MEMBERS = 24
ORGANISERS = 6


@dataclass(frozen=True)
class Answer:
    who: str
    status: int
    seq: int | None
    events: tuple[str, ...]
    error: str | None


@pytest.fixture
def service(nats, nats_server, store, stream_settings):
    people = [(f"senco-{n:02d}", "senco") for n in range(MEMBERS)]
    trust(nats, store, {"oak": people[::2], "ash": people[1::2]})
    with networks(nats_server.url, stream_settings, apps=2) as urls:
        with httpx.Client(base_url=urls[0]) as setup:
            formed = setup.post("/networks", json=network_fields(), headers=lead())
            assert formed.status_code == 201, formed.text
        yield urls, formed.json()["id"], [p for p, _ in people]


def open_poll(url: str, network: str) -> tuple[str, list[str]]:
    with httpx.Client(base_url=url) as http:
        opened = http.post(f"/networks/{network}/polls", json=poll_fields(), headers=lead())
        assert opened.status_code == 201, opened.text
        meeting = opened.json()["id"]
        options = http.get(f"/meetings/{meeting}/poll", headers=lead()).json()["options"]
        return meeting, [o["option_id"] for o in options]


def send(url: str, path: str, who: str, headers: dict, body: dict | None = None) -> Answer:
    headers = {**headers, "Idempotency-Key": uuid.uuid4().hex}
    with httpx.Client(timeout=60) as http:
        answer = http.post(url + path, json=body, headers=headers)
    reply = answer.json()
    return Answer(
        who,
        answer.status_code,
        reply.get("seq"),
        tuple(reply.get("events", ())),
        reply.get("error"),
    )


Job = tuple[str, dict, dict | None, str]
"""Who, their identity header, the body, and the meeting's route (/votes, /close...)."""


def run_all(urls: list[str], meeting: str, jobs: list[Job], rng, workers: int) -> list[Answer]:
    """Every job at once, each on one of the instances at random; their answers in order."""
    chosen = [rng.choice(urls) for _ in jobs]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        running = [
            pool.submit(send, url, f"/meetings/{meeting}{path}", who, headers, body)
            for url, (who, headers, body, path) in zip(chosen, jobs, strict=True)
        ]
        return [job.result() for job in running]


def logged(nats, store, meeting: str) -> list:
    events, _ = nats.run(store.load(store.subject(*meeting_subject(meeting))))
    return events


@pytest.mark.slow
def test_votes_arriving_as_the_poll_closes_are_decided_by_the_log(nats, store, service):
    urls, network, people = service
    rng = random.Random(15)
    for round_ in range(3):
        meeting, options = open_poll(urls[0], network)
        jobs = []
        for person in [*people, *rng.sample(people, MEMBERS // 2)]:  # some vote twice
            answers = {o: rng.choice(("yes", "if_need_be", "no")) for o in options}
            jobs.append((person, member(person), {"answers": answers}, "/votes"))
        # The facilitator answers too (they are invited), and in two rounds closes early.
        mine = ("sil", lead(), {"answers": dict.fromkeys(options, "yes")}, "/votes")
        jobs.insert(rng.randrange(len(jobs)), mine)
        if round_:
            jobs.insert(rng.randrange(len(jobs) // 2, len(jobs)), ("sil", lead(), None, "/close"))
        answers = run_all(urls, meeting, jobs, rng, workers=16)
        events = logged(nats, store, meeting)
        shown = replay(events)
        assert shown.closed is not None
        assert [e.type for e in events].count("PollClosed") == 1
        votes_in_log = {e.seq for e in events if e.type == "VoteCast"}
        for answer in answers:
            assert answer.status in (200, 409), answer
            if answer.status == 409:
                assert answer.error == "poll_closed" and answer.seq is None
            elif "VoteCast" in answer.events:
                assert answer.seq in votes_in_log and answer.seq <= shown.closed_at


@pytest.mark.slow
def test_organisers_confirming_different_dates_at_once_confirm_it_once(nats, store, service):
    urls, network, people = service
    rng = random.Random(16)
    for _ in range(4):
        meeting, options = open_poll(urls[0], network)
        jobs = [
            (f"lead-{n}", lead(f"lead-{n}"), {"option_id": options[n % 2]}, "/confirm")
            for n in range(ORGANISERS)
        ]
        jobs += [(p, member(p), {"answers": {options[0]: "yes"}}, "/votes") for p in people[:8]]
        rng.shuffle(jobs)
        answers = run_all(urls, meeting, jobs, rng, workers=len(jobs))
        confirming = [a for a in answers if a.who.startswith("lead-")]
        won = [a for a in confirming if a.status == 200]
        assert len(won) == 1, confirming
        assert all(a.error == "already_confirmed" for a in confirming if a is not won[0])
        events = logged(nats, store, meeting)
        shown = replay(events)
        assert len(shown.confirmed) == 1
        assert [e.seq for e in events if e.type == "MeetingConfirmed"] == [won[0].seq]
        for vote in (a for a in answers if not a.who.startswith("lead-")):
            assert vote.status == 200 or vote.error == "poll_closed", vote


@dataclass(frozen=True)
class Logged:
    seq: int
    type: str
    data: dict


OPENED = Logged(
    1,
    "PollOpened",
    {"options": [{"option_id": "a"}], "invitees": [{"person_id": "amy", "required": True}]},
)


def test_the_replay_finds_a_vote_after_closing_and_a_second_confirmation():
    vote = {"person_id": "amy", "answers": {"a": "yes"}}
    closed = Logged(2, "PollClosed", {"reason": "organiser"})
    with pytest.raises(AssertionError, match="after the poll closed"):
        replay([OPENED, closed, Logged(3, "VoteCast", vote)])
    confirmed = Logged(3, "MeetingConfirmed", {"option_id": "a"})
    with pytest.raises(AssertionError, match="confirmed twice"):
        replay([OPENED, closed, confirmed, Logged(4, "MeetingConfirmed", {"option_id": "a"})])
    with pytest.raises(AssertionError, match="still open"):
        replay([OPENED, Logged(2, "VoteCast", vote)])
    early = Logged(2, "PollClosed", {"reason": "all_answered"})
    with pytest.raises(AssertionError, match="someone was missing"):
        replay([OPENED, early])
