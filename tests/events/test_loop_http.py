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
from events.loop_http import MAX_BODY, LoopHttp


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

    @app.get("/hello")
    def hello():
        return "hello"

    @app.get("/headers")
    def headers():
        return jsonify(
            headers={
                key: value for key, value in request.environ.items() if key.startswith("HTTP_")
            },
            port=request.environ["REMOTE_PORT"],
        )

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


def test_a_chunked_body_is_decoded_for_the_app(served):
    request_ = (
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        b"5\r\n[1, 2\r\n2\r\n]\n\r\n0\r\n\r\n"
    )
    answer = raw(served, request_)
    assert answer.startswith(b"HTTP/1.1 200 ") and b'"body":[1,2]' in answer


def test_a_request_line_that_is_not_http_is_refused_with_400(served):
    assert raw(served, b"nonsense\r\n\r\n").startswith(b"HTTP/1.1 400 ")


@pytest.mark.parametrize(
    "length",
    [b"Content-Length: abc", b"Content-Length: -5", b"Content-Length: 2\r\nContent-Length: 3"],
)
def test_a_bad_content_length_is_refused_with_400_and_the_next_one_served(served, length):
    request_ = b"POST /echo HTTP/1.1\r\nHost: x\r\n" + length + b"\r\n\r\n[]"
    assert raw(served, request_).startswith(b"HTTP/1.1 400 ")
    assert httpx.post(f"{served}/echo", json=[1]).json()["body"] == [1]


def test_two_framings_at_once_are_refused_with_400(served):
    request_ = (
        b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n2\r\n[]\r\n0\r\n\r\n"
    )
    assert raw(served, request_).startswith(b"HTTP/1.1 400 ")


def test_a_malformed_header_line_is_refused_with_400(served):
    request_ = b"GET /headers HTTP/1.1\r\nHost: x\r\nX Staffroom: 1\r\n\r\n"
    assert raw(served, request_).startswith(b"HTTP/1.1 400 ")


def test_a_declared_body_over_the_limit_is_refused_before_it_is_read(served):
    # 1 GB declared, a few bytes sent: an answer before the rest means nothing waited for it
    request_ = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n[1"
    assert raw(served, request_).startswith(b"HTTP/1.1 413 ")
    assert httpx.post(f"{served}/echo", json=[1]).json()["body"] == [1]


def test_a_chunked_body_over_the_limit_is_refused_once_past_it(served):
    chunk = b"a" * 65536
    chunks = (b"10000\r\n" + chunk + b"\r\n") * (MAX_BODY // len(chunk) + 1)
    request_ = b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks
    assert raw(served, request_).startswith(b"HTTP/1.1 413 ")  # never ended: not waited for


def test_a_header_named_with_underscores_never_reaches_the_app(served):
    answer = httpx.get(
        f"{served}/headers",
        headers=[("X_Staffroom_Identity", "someone-else"), ("X-Seen", "a"), ("X-Seen", "b")],
    )
    headers = answer.json()["headers"]
    assert "HTTP_X_STAFFROOM_IDENTITY" not in headers
    assert headers["HTTP_X_SEEN"] == "a,b"  # repeated headers joined, as gunicorn does


def test_a_kept_alive_connection_serves_requests_in_turn(served):
    with httpx.Client(base_url=served) as http:
        first, second = http.get("/headers"), http.get("/headers")
        third = http.post("/echo", json="third")
    assert first.headers["connection"] == second.headers["connection"] == "keep-alive"
    assert first.json()["port"] == second.json()["port"]  # the same connection
    assert third.json()["body"] == "third"


def test_head_answers_headers_only(served):
    answer = raw(served, b"HEAD /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 404 ") and body == b""


def test_head_keeps_the_connection_for_the_next_request(served):
    request_ = b"HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n"
    request_ += b"GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    head, _, rest = raw(served, request_).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ") and b"content-length: 5" in head.lower()
    # The GET's answer right after the HEAD's headers: the HEAD's had no body
    assert rest.startswith(b"HTTP/1.1 200 ") and rest.endswith(b"\r\n\r\nhello")
