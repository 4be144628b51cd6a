"""The embedded nats-server and the settings that point at it."""

import socket

import pytest

from events.config import Settings
from events.embedded import EmbeddedNats, EmbeddedNatsError


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
