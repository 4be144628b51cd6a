"""The embedded nats-server and the settings that point at it."""

import asyncio
import json
import socket
import urllib.request

import nats
import pytest

from events import config
from events.config import Settings
from events.embedded import EmbeddedNats, EmbeddedNatsError
from events.nats_access import local_passwords, without_credentials


def test_port_in_use_is_one_plain_sentence(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(EmbeddedNatsError, match=f"^Port {port} is already in use"):
            EmbeddedNats(tmp_path, port=port).start()


def test_starts_with_jetstream_on_its_folder_and_stops(tmp_path):
    server = EmbeddedNats(tmp_path / "js").start()
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=2):
            pass
        assert (tmp_path / "js" / "jetstream").is_dir()
    finally:
        server.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2)


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("NATS_URL", "nats://nats.trust.example:4222")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/staffroom")
    monkeypatch.setenv("STAFFROOM_STREAM", "TRUST")
    monkeypatch.setenv("STAFFROOM_STREAM_REPLICAS", "3")
    settings = Settings.from_env()
    assert settings.nats_url == "nats://nats.trust.example:4222"
    assert settings.database_url == "postgresql://db/staffroom"
    assert (settings.stream.name, settings.stream.replicas) == ("TRUST", 3)
    assert settings.stream.subjects == ("events.>",)


def jetstream_config(server: EmbeddedNats) -> dict:
    varz = f"http://127.0.0.1:{server.monitor_port}/varz"
    with urllib.request.urlopen(varz, timeout=5) as answer:
        return json.load(answer)["jetstream"]["config"]


def test_syncs_every_write_to_disk_unless_told_not_to(tmp_path):
    with EmbeddedNats(tmp_path / "always") as server:
        assert jetstream_config(server).get("sync_always") is True
    with EmbeddedNats(tmp_path / "default", sync_always=False) as server:
        assert "sync_always" not in jetstream_config(server)


def test_refuses_anonymous_clients_and_its_url_carries_the_admin(tmp_path):
    async def connect(url: str) -> None:
        nc = await nats.connect(url, allow_reconnect=False, connect_timeout=2)
        await nc.close()

    with EmbeddedNats(tmp_path) as server:
        asyncio.run(connect(server.url))
        with pytest.raises(nats.errors.Error, match="Authorization Violation"):
            asyncio.run(connect(server.address))
        assert oct(server.config_file.stat().st_mode & 0o777) == "0o600"


def test_passwords_are_made_on_first_start_and_kept(tmp_path, monkeypatch):
    path = tmp_path / "var" / "nats_passwords.json"
    first = local_passwords(["admin", "projector"], path)
    assert local_passwords(["admin", "projector"], path) == first
    assert local_passwords(["admin", "directory"], path)["admin"] == first["admin"]
    assert oct(path.stat().st_mode & 0o777) == "0o600"

    monkeypatch.delenv("NATS_URL", raising=False)
    monkeypatch.setattr(config, "NATS_PASSWORDS", path)
    admin = f"nats://admin:{first['admin']}@127.0.0.1:4322"
    assert Settings.from_env().nats_url == admin  # `staffroom` commands beside `staffroom up`
    assert without_credentials(admin) == "nats://127.0.0.1:4322"
