"""The gateway knows people, not pages: it loads the directory's read side and its own
sign-ins, and none of the frontend, the other read sides or any service."""

from __future__ import annotations

import subprocess
import sys


def test_the_gateway_loads_only_the_directorys_read_side():
    probe = (
        "import sys, gateway; "
        "print(' '.join(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('frontend', 'readmodels', 'services', 'icalendar'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert {m.split(".")[0] for m in loaded} == {"readmodels"}
    assert {m for m in loaded if m.count(".") >= 1} <= {
        "readmodels.directory",
        "readmodels.directory.queries",
        "readmodels.directory.tables",
        "readmodels.signins",
    }
