"""The waits nest: the gateway's relay to the frontend (a container of its own in
docker-compose) outlasts everything the frontend itself may wait on in one request (a call
to a service, then its read-your-writes wait), so a slow page is answered by the frontend's
own words, not cut off by a gateway 504 while the frontend is still answering (and the
command may be done). The figures are events/timeouts.py's."""

from __future__ import annotations

from events import timeouts
from events.service import NATS_DEADLINE
from frontend import commands
from frontend import create_app as create_frontend
from gateway import create_app as create_gateway
from gateway.routes import Routes
from tests.support.gateway import signed_in
from tests.support.people import enrol


def test_the_relay_to_the_frontend_outlasts_the_frontends_own_bounded_waits(settings):
    gateway = create_gateway(Routes("http://127.0.0.1:9", {"x": "http://127.0.0.1:9"}), settings)
    frontend = create_frontend(settings)
    try:
        upstreams, routes = gateway.extensions["gateway.upstreams"], gateway.extensions["routes"]
        to_the_frontend = upstreams.read_timeout(routes.target("/days"))
        to_a_service = upstreams.read_timeout(routes.target("/api/x/y"))
        with frontend.app_context():
            command = commands.command_pool().connection_pool_kw["timeout"].read_timeout
        client = frontend.extensions["service_client"].timeout.read
        waits = max(command, client) + commands.READ_YOUR_WRITES_TIMEOUT
        assert to_the_frontend > waits
        assert to_the_frontend == timeouts.FRONTEND_RELAY
        # and a service answers (503 not_confirmed) before its callers stop waiting for it
        assert min(command, client, to_a_service) > NATS_DEADLINE
    finally:
        gateway.extensions["engine"].dispose()
        frontend.extensions["engine"].dispose()


def test_a_page_slower_than_a_service_call_is_still_relayed(make_gateway, engine, echo):
    """The gateway gives up on a service after its service timeout, but not on the frontend,
    which bounds its own waits (the echo's /slow takes 2 s)."""
    gateway = make_gateway(frontend=echo[1], timeout=0.5)
    client = signed_in(gateway, enrol(engine, "grace@example.sch.uk"))
    answer = client.get("/slow")
    assert answer.status_code == 200
    assert answer.get_json()["path"] == "/slow"
