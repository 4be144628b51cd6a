"""The gateway knows people, not pages: it loads the directory's read side and its own
sign-ins, and none of the frontend, the other read sides or any service."""

from __future__ import annotations

import os
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


def test_the_gateway_loads_authlib_only_for_a_school_sign_in(tmp_path):
    """Authlib (with requests, cryptography, joserfc: about 14 MB a worker) only when
    STAFFROOM_OIDC_ISSUER configures a school sign-in."""
    probe = (
        "import sys, gateway; gateway.create_app(); "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    env = {
        **os.environ,
        "STAFFROOM_SECRET_KEY": "x" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
    }
    env.pop("STAFFROOM_OIDC_ISSUER", None)
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    assert not {"authlib", "requests", "joserfc"} & set(loaded)
