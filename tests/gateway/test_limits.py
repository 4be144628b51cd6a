"""Oversize bodies are refused with 413 before anything reads them."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from http.client import HTTPResponse
from urllib.parse import urlsplit

import pytest

from gateway.limits import MAX_BODY, MEGABYTE
from tests.support.gateway import signed_in
from tests.support.http import serve
from tests.support.people import enrol


@pytest.fixture
def gateway(make_gateway, echo) -> Iterator[tuple[str, object]]:
    service, url = echo
    with serve(make_gateway(echo=url)) as gateway_url:
        yield gateway_url, service


def send(url: str, head: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """Send a request's head and as much body as given, then read the answer (2 s at most):
    an answer before the body is all sent shows the body was never waited for."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=2) as connection:
        connection.sendall(f"{head}\n".replace("\n", "\r\n").encode() + body)
        answer = HTTPResponse(connection)
        answer.begin()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()


def test_a_declared_oversize_body_is_refused_before_it_is_sent(gateway):
    url, service = gateway
    head = "POST /api/echo/things HTTP/1.1\nHost: x\nContent-Length: 300000000\n"
    status, _, content = send(url, head)
    assert status == 413
    assert json.loads(content) == {
        "error": "too_large",
        "message": "The request is too large: at most 1 MB here.",
    }
    assert service.extensions["calls"] == 0


def test_a_page_gets_a_413_page(gateway):
    url, _ = gateway
    head = "POST /sign-out HTTP/1.1\nHost: x\nAccept: text/html\nContent-Length: 2000000\n"
    status, headers, content = send(url, head)
    assert status == 413
    assert headers["content-type"].startswith("text/html")
    assert b"at most 1 MB" in content


def test_a_chunked_body_is_refused_once_it_reads_past_the_limit(gateway):
    url, service = gateway
    head = "POST /api/echo/things HTTP/1.1\nHost: x\nTransfer-Encoding: chunked\n"
    chunk = b"x" * 65536
    body = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * (MAX_BODY // len(chunk) + 2)
    status, _, content = send(url, head, body)  # never ends: the limit must stop the read
    assert (status, json.loads(content)["error"]) == (413, "too_large")
    assert service.extensions["calls"] == 0


def csv_upload(size: int) -> dict:
    rows = b"name,email\n" + b"A Person,a.person@example.sch.uk\n" * (size // 33)
    return {"file": (io.BytesIO(rows), "staff.csv", "text/csv"), "mode": "check"}


def test_a_large_csv_import_passes_the_gateway_for_someone_signed_in(make_gateway, echo, engine):
    service, url = echo
    client = signed_in(make_gateway(directory=url, echo=url), enrol(engine, "a@example.sch.uk"))
    headers = {"X-CSRF-Token": "the-token"}
    imported = client.post("/api/directory/imports", data=csv_upload(2 * MEGABYTE), headers=headers)
    assert imported.status_code == 201
    assert len(imported.get_json()["body"]) > 2 * MEGABYTE
    elsewhere = client.post("/api/echo/things", data=csv_upload(2 * MEGABYTE), headers=headers)
    assert (elsewhere.status_code, elsewhere.get_json()["error"]) == (413, "too_large")
    too_big = client.post("/api/directory/imports", data=csv_upload(11 * MEGABYTE), headers=headers)
    assert too_big.status_code == 413
    assert service.extensions["calls"] == 1


def test_an_anonymous_import_gets_the_small_limit(make_gateway, echo):
    client = make_gateway(directory=echo[1]).test_client()
    answer = client.post("/api/directory/imports", data=csv_upload(2 * MEGABYTE))
    assert answer.status_code == 413  # not 403 (CSRF): the body was never read
