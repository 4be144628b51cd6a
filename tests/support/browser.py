"""What the browser tests share: the demo trust (`staffroom up --demo`, loaded once per run
and copied: see demo_trust) on free ports, Debian's chromium through Playwright, a person
signed in with the development "sign in as" (in the browser, or as an API client), and an
axe-core scan that keeps a screenshot for the issue's note."""

from __future__ import annotations

import asyncio
import datetime
import fcntl
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import nats
import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright
from sqlalchemy import create_engine

from events.embedded import free_port
from events.nats_access import ADMIN, with_credentials
from events.store import StreamSettings
from tests.support.launch import ROOT, Output, csrf_token_in, start_up
from tests.support.slots import one_of
from tests.support.stack import projections_reached
from tests.support.trustdays import day_fields
from tests.support.waiting import wait_until

CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
MANAGER = "priya.shah@pennine-trust.org.uk"
DEMO_STARTS = 2
"""How many of a run's xdist workers may start a demo trust at once (tests/support/slots.py);
the bound of a start is a deadline against a hang, not a measure."""
EXPECT_TIMEOUT_MS = 20_000
"""How long an `expect` waits for the page to show what it must. Playwright's 5 s was too
short on a CI machine running four workers and two demo trusts: a tap's answer came later.
A deadline against a page that never shows it, not a measure of speed (that is `make bench`)."""
WIDTHS: dict[str, ViewportSize] = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 900},
}


@contextmanager
def demo_trust(folder: Path) -> Iterator[str]:
    """The demo trust (development sign-in) running in `folder` (made by tmp_path_factory)
    until the block ends: its base URL. Started while holding one of DEMO_STARTS slots.

    Not `staffroom up --demo` each time: the run loads the demo once (demo_template) and
    each module starts `staffroom up` on a copy of that var/ folder, which skips the demo's
    load and the projector's catch-up (most of a start on a busy machine)."""
    template = demo_template(shared_temp(folder))
    shutil.copytree(template, folder / "var")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with one_of("demo-trust", DEMO_STARTS):
        launcher = start_up(folder, port, free_port(), STAFFROOM_DEV="1")
        try:
            Output(launcher).wait_for(lambda line: line.startswith("Staffroom is up"), timeout=240)
            assert wait_until(lambda: "Priya Shah" in httpx.get(f"{base}/sign-in").text, every=0.5)
        except BaseException:
            stop(launcher)
            raise
    try:
        yield base
    finally:
        stop(launcher)


def shared_temp(folder: Path) -> Path:
    """The temp folder all workers of this run share: the parent of each worker's base
    temp (`popen-gw<N>`) under xdist, else this process's own base temp."""
    basetemp = folder.parent
    if os.environ.get("PYTEST_XDIST_WORKER") and basetemp.name.startswith("popen-"):
        return basetemp.parent
    return basetemp


def demo_template(shared: Path) -> Path:
    """The var/ folder of a demo trust loaded once per run (and per day: the demo's dates
    follow today's), its projector caught up, then stopped: built by the first worker that
    needs it, under a file lock, while the others wait. Nothing in it is tied to the ports
    of that first start (nats-server's config is written at each start; the NATS passwords
    and the SQLite database are the launcher's own, the secret key comes from the
    environment), so a copy starts as a restarted trust does."""
    folder = shared / f"demo-template-{datetime.date.today().isoformat()}"
    folder.mkdir(parents=True, exist_ok=True)
    var, done = folder / "var", folder / "done"
    with open(folder / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                shutil.rmtree(var, ignore_errors=True)
                with one_of("demo-trust", DEMO_STARTS):
                    load_demo(folder)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return var


def load_demo(folder: Path) -> None:
    """`staffroom up --demo` in `folder` until its reactors and projections have taken the whole
    log (caught_up)."""
    port, nats_port = free_port(), free_port()
    launcher = start_up(folder, port, nats_port, "--demo", STAFFROOM_DEV="1")
    try:
        Output(launcher).wait_for(lambda line: line.startswith("Staffroom is up"), timeout=240)
        assert wait_until(lambda: caught_up(folder / "var", nats_port), timeout=240, every=0.5)
    finally:
        stop(launcher)


def caught_up(var: Path, nats_port: int) -> bool:
    """Every reactor (a durable consumer) has taken and acknowledged the whole log, and every
    projection's checkpoint is at the stream's last sequence. A copy of the template then
    starts with nothing to catch up on: its reactors' backlog, on a busy CI machine at the
    workers' lower priority, had held a test's email back past its minute."""
    password = json.loads((var / "nats_passwords.json").read_text())[ADMIN]
    url = with_credentials(f"nats://127.0.0.1:{nats_port}", ADMIN, password)

    async def last_seq_if_reactors_idle() -> int | None:
        nc = await nats.connect(url, connect_timeout=5, allow_reconnect=False)
        try:
            js, stream = nc.jetstream(), StreamSettings().name
            consumers = await js.consumers_info(stream)
            if any(c.num_pending or c.num_ack_pending for c in consumers):
                return None
            return (await js.stream_info(stream)).state.last_seq
        finally:
            await nc.close()

    end = asyncio.run(last_seq_if_reactors_idle())
    if end is None:
        return False
    engine = create_engine(f"sqlite:///{var / 'staffroom.db'}")
    try:
        return projections_reached(engine, end)
    finally:
        engine.dispose()


def stop(launcher: subprocess.Popen[str]) -> None:
    launcher.terminate()
    launcher.wait(timeout=60)


@contextmanager
def chromium() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No chromium at {CHROMIUM}: install Debian's (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield browser
        browser.close()


def api_client(base: str, email: str) -> httpx.Client:
    """An HTTP client signed in as `email`, with the session's CSRF token; close it after."""
    client = httpx.Client(base_url=base, timeout=30)
    form = answered(client, "/sign-in")
    client.post("/sign-in/as", data={"csrf_token": csrf_token_in(form), "email": email})
    client.headers["X-CSRF-Token"] = csrf_token_in(answered(client, "/"))
    return client


def answered(client: httpx.Client, path: str) -> str:
    """The page, once the stack answers it: a demo just started on a busy machine may
    answer 504 (the gateway's honest "did not answer in time") for a while first."""
    page = client.get(path)
    deadline = time.monotonic() + 120
    while page.status_code in (502, 503, 504) and time.monotonic() < deadline:
        time.sleep(1)
        page = client.get(path)
    return page.text


def planned_day(manager: httpx.Client, **changes: Any) -> tuple[str, list[dict]]:
    """A PD day the CPD manager's API client plans (tests/support/trustdays.day_fields with
    `changes`): its id and its slots."""
    planned = manager.post("/api/trustdays/days", json=day_fields(**changes))
    assert planned.status_code == 201, planned.text
    day_id = planned.json()["id"]
    return day_id, manager.get(f"/api/trustdays/days/{day_id}").json()["slots"]


def signed_in_page(browser: Browser, base: str, email: str, width: str = "desktop") -> Page:
    """A browser of one person at a width of WIDTHS, signed in, on the page sign-in led to."""
    context = browser.new_context(base_url=base, viewport=WIDTHS[width], bypass_csp=True)
    page = context.new_page()
    page.goto("/sign-in")
    page.fill("#dev-email", email)
    page.click("form.inline-form button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    return page


HELD_MODERATE = ("region", "landmark-unique")
"""Moderate axe-core findings held as strictly as serious ones: content outside every
landmark (a screen reader's "skip to region" misses it) and two landmarks of one name."""


def accessible(page: Page, name: str, folder: Path = SCREENSHOTS) -> None:
    """No serious or critical axe-core finding, nor one of HELD_MODERATE; a screenshot of the
    whole page in `folder`."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("axe.run()")
    serious = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['html'][:120]})"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical") or v["id"] in HELD_MODERATE
    ]
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert not serious, f"{name}: " + "; ".join(serious)


def no_wider_than_the_screen(page: Page) -> None:
    """The page itself never scrolls sideways (a wide table scrolls in its own box)."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the screen"


def typed(page: Page, field: str, text: str, delay: int = 20) -> None:
    """Type `text` into `field` key by key, as a person does, and wait until the search it
    runs as they type has answered the whole of it and settled: a result clicked sooner can
    be redrawn under the pointer by that last answer, and the click lost."""
    with page.expect_response(lambda answer: asked_for(answer.url, text)):
        page.locator(field).press_sequentially(text, delay=delay)
    settled(page)


def asked_for(url: str, text: str) -> bool:
    """Whether a request's address carries `text` whole as one of its values."""
    return any(text in values for values in parse_qs(urlsplit(url).query).values())


def settled(page: Page) -> None:
    """Wait until htmx has swapped and settled: a boosted link's new page takes its hx-*
    attributes only when it settles, so a control used sooner (as no person could) is lost."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
