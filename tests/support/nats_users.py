"""A test's nats-server with the NATS users `staffroom up` makes (events.nats_access): the
admin and one user for each process named, each with its process's rights; the stream made
by the admin."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from events.connection import NatsThread
from events.embedded import EmbeddedNats
from events.nats_access import ADMIN, local_passwords, users
from events.store import EventStore, StreamSettings


@contextmanager
def nats_with_users(
    folder: Path, processes: Iterable[str], stream: StreamSettings
) -> Iterator[EmbeddedNats]:
    passwords = local_passwords([ADMIN, *processes], folder / "passwords.json")
    accounts = users(passwords, stream.name, stream.prefix)
    with EmbeddedNats(folder / "nats", users=accounts) as running:
        admin = NatsThread(running.url, name="admin")
        try:
            admin.run(EventStore(admin.nc, stream).ensure_stream())
        finally:
            admin.close()
        yield running
