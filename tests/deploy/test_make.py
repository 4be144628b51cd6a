"""`make test` on a fresh machine: Debian's chromium for the browser tests, or one sentence."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEED_CHROMIUM = ROOT / "scripts" / "need-chromium"


def need_chromium(chromium: str, path: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/bash", str(NEED_CHROMIUM)],
        env={"CHROMIUM": chromium, "PATH": path},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_chromium_present_is_enough(tmp_path):
    checked = need_chromium("/bin/sh", str(tmp_path))
    assert (checked.returncode, checked.stderr) == (0, "")


def test_chromium_missing_and_no_apt_get_stops_with_one_sentence(tmp_path):
    checked = need_chromium(str(tmp_path / "chromium"), str(tmp_path))  # nothing on PATH
    assert checked.returncode == 1
    assert checked.stderr.count("\n") == 1
    assert checked.stderr.startswith("The browser tests need Debian's chromium at ")
    assert "apt-get install chromium" in checked.stderr


def test_make_test_checks_for_chromium_before_anything_runs():
    # Without the variables of a make that may be running this suite ("Entering directory").
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    planned = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    ).stdout.splitlines()
    assert planned[0] == "bash scripts/need-chromium"
    assert planned[-1].endswith("pytest")
