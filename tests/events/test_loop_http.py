"""A service's HTTP served on its NATS loop (events.loop_http): a request waiting on NATS
leaves the loop free for the others, the deadlines of `NatsThread.run` hold, and the HTTP a
service needs behind the gateway works (keep-alive, bodies, errors)."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from flask import Flask, jsonify, request

from events.connection import NatsThread, NotConfirmed
from events.loop_http import LoopHttp


def an_app(nats: NatsThread) -> Flask:
    app = Flask(__name__)
    opened: dict[str, asyncio.Event] = {}

    def gate(name: str) -> asyncio.Event:
        return opened.setdefault(name, asyncio.Event())

    @app.post("/echo")
    def echo():
        return jsonify(body=request.get_json(), thread=threading.current_thread().name)

    @app.get("/wait/<name>")
    def wait(name: str):
        nats.run(gate(name).wait(), timeout=10)  # on the loop: others are served meanwhile
        return jsonify(opened=name)

    @app.post("/open/<name>")
    def open_(name: str):
        gate(name).set()
        return jsonify(opened=name)

    @app.get("/slow")
    def slow():
        nats.run(asyncio.sleep(5), timeout=0.2)
        return "never"

    @app.get("/own-timeout")
    def own_timeout():
        async def refuses() -> None:
            raise TimeoutError("the coroutine's own")

        nats.run(refuses(), timeout=5)
        return "never"

    @app.errorhandler(NotConfirmed)
    def not_confirmed(error):
        return jsonify(error="not_confirmed"), 503

    @app.errorhandler(TimeoutError)
    def timed_out(error):
        return jsonify(error="timeout", message=str(error)), 504

    return app


@pytest.fixture
def served(nats: NatsThread) -> Iterator[str]:
    listener = socket.create_server(("127.0.0.1", 0))
    server = LoopHttp(an_app(nats))
    nats.run(server.start([listener]))
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        nats.run(server.stop(grace=5))
        listener.close()


def test_the_app_runs_on_the_loop_thread(served):
    answer = httpx.post(f"{served}/echo", json={"a": [1, "é"]})
    assert answer.status_code == 200
    assert answer.json() == {"body": {"a": [1, "é"]}, "thread": "nats"}


def test_a_request_waiting_on_nats_leaves_the_loop_to_the_others(served):
    with ThreadPoolExecutor(2) as pool:
        waiting = pool.submit(httpx.get, f"{served}/wait/a", timeout=10)
        # Served while the first waits: on one thread only because the loop is free
        assert httpx.post(f"{served}/open/a").status_code == 200
        assert waiting.result().json() == {"opened": "a"}


def test_a_deadline_cancels_and_says_not_confirmed(served):
    answer = httpx.get(f"{served}/slow", timeout=10)
    assert answer.status_code == 503 and answer.json() == {"error": "not_confirmed"}


def test_a_coroutine_s_own_timeout_is_its_own(served):
    answer = httpx.get(f"{served}/own-timeout", timeout=10)
    assert answer.status_code == 504 and answer.json()["message"] == "the coroutine's own"


def test_keep_alive_and_close(served):
    with httpx.Client(base_url=served) as http:
        for n in range(3):
            answer = http.post("/echo", json=n)
            assert answer.json()["body"] == n
            assert answer.headers["connection"] == "keep-alive"
        closing = http.post("/echo", json=3, headers={"Connection": "close"})
        assert closing.headers["connection"] == "close"


def test_unknown_paths_and_methods_answer_as_flask_does(served):
    assert httpx.get(f"{served}/nowhere").status_code == 404
    assert httpx.get(f"{served}/echo").status_code == 405


def raw(url: str, data: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(data)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_chunked_body_is_refused_with_411(served):
    request_ = b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    assert raw(served, request_).startswith(b"HTTP/1.1 411 ")


def test_a_request_line_that_is_not_http_is_refused_with_400(served):
    assert raw(served, b"nonsense\r\n\r\n").startswith(b"HTTP/1.1 400 ")


def test_head_answers_headers_only(served):
    answer = raw(served, b"HEAD /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 404 ") and body == b""
