"""`staffroom up`'s supervisor: how long a crashed process waits before it starts again."""

import io
import threading
import time

import pytest

from deploy.supervisor import GaveUp, Output, Supervised, pause


def test_each_crash_in_a_row_waits_twice_as_long_up_to_30_s():
    assert [pause(crashes) for crashes in range(1, 9)] == [1, 2, 4, 8, 16, 30, 30, 30]


def crashed(process: Supervised, up_for: float) -> float:
    process.started_at = time.monotonic() - up_for
    process.stopped(1)
    assert process.restart_at is not None
    return round(process.restart_at - time.monotonic())


def test_a_minute_up_and_the_next_crash_waits_one_second_again():
    printed = io.StringIO()
    process = Supervised("projector", Output(width=9, stream=printed))
    assert [crashed(process, up_for=20) for _ in range(3)] == [1, 2, 4]
    assert crashed(process, up_for=61) == 1
    lines = printed.getvalue().splitlines()
    assert lines[-1].endswith("system    | projector exited with 1; restarting in 1 s")
    assert lines[-2].endswith("restarting in 4 s")


def test_five_quick_stops_in_a_row_give_up_on_it():
    process = Supervised("gateway", Output(width=9))
    for _ in range(4):
        crashed(process, up_for=1)
    with pytest.raises(GaveUp) as stopped:
        crashed(process, up_for=1)
    assert (stopped.value.name, stopped.value.code) == ("gateway", 1)


def test_the_launchers_lines_never_run_into_a_processs_lines():
    """`Staffroom is up` once ran into a gateway log line, and the launcher waiting for it
    never saw it: every line, the launcher's or a process's, is written whole."""
    stream = io.StringIO()
    output = Output(width=8, stream=stream)
    said = "Staffroom is up: open http://127.0.0.1:8000 (Ctrl-C stops it)."
    threads = [
        threading.Thread(target=lambda: [output.line("gateway", "GET / 302") for _ in range(2000)]),
        threading.Thread(target=lambda: [output.say(said) for _ in range(2000)]),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 4000
    assert all(line == said or line.endswith("| GET / 302") for line in lines)
