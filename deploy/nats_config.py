"""deploy/nats.conf, the nats-server configuration of a deployment, written from the
Procfile's processes and the same permissions as the embedded server (events.nats_access):

    python -m deploy.nats_config > deploy/nats.conf
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from honcho.environ import parse_procfile

from events.nats_access import ADMIN, NatsUser, server_config, users
from events.store import StreamSettings

PROCFILE = Path(__file__).parent / "Procfile"
HEADER = """\
# nats-server configuration of a deployment: made by `python -m deploy.nats_config`
# from deploy/Procfile and events/nats_access.py (change those, then make it again).
# A user per process, each with its password in nats-server's environment:
# STAFFROOM_NATS_<PROCESS>_PASSWORD (a long random value each). Each process connects as
# itself: NATS_URL=nats://<process>:<password>@<host>:4222; `staffroom` commands run by
# an operator as admin (`staffroom stream ensure` first, before the projector starts; demo
# load, rebuilds). The gateway needs no user. A service may publish only
# to events.<service>.>, the projector and the frontend only read, anonymous connections
# are refused. Every write is synced to disk before it is acknowledged.
# On a cluster, add each node's `server_name` and a `cluster` block (name, routes).
"""


def password_variable(process: str) -> str:
    return f"STAFFROOM_NATS_{process.upper()}_PASSWORD"


NO_NATS_USER = ("gateway", "mailbox")
"""The gateway never talks to NATS; the embedded mailbox is not deployed (the trust's relay)."""


def deploy_users(stream: StreamSettings | None = None) -> list[NatsUser]:
    """A user per process of the Procfile but the gateway, and the admin, each with the
    name of its password's environment variable for a password."""
    stream = stream or StreamSettings()
    processes = list(parse_procfile(PROCFILE.read_text()).processes)
    names = [ADMIN, *(name for name in processes if name not in NO_NATS_USER)]
    passwords = {name: "$" + password_variable(name) for name in names}
    return users(passwords, stream.name, stream.prefix)


def deploy_config(stream: StreamSettings | None = None) -> str:
    config = server_config(deploy_users(stream), store_dir="/data", monitor_port=8222)
    # nats-server reads "$NAME" as text and $NAME (unquoted) from the environment.
    text = re.sub(r'"(\$STAFFROOM_NATS_\w+)"', r"\1", json.dumps(config, indent=2))
    return HEADER + text + "\n"


if __name__ == "__main__":
    print(deploy_config(), end="")
