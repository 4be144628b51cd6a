"""The sender takes where to send, who sends and the links' address from its Settings
(events.config reads and checks STAFFROOM_SMTP_URL, STAFFROOM_MAIL_FROM and
STAFFROOM_PUBLIC_URL), never from the environment itself."""

from __future__ import annotations

import pytest

from events.config import Settings
from events.setting_checks import BadSetting
from events.store import StreamSettings
from services.notifications.sender import SenderConfig
from services.notifications.smtp import SmtpSettings

SETTINGS = Settings(
    "nats://127.0.0.1:4222",
    "sqlite://",
    StreamSettings(),
    "k" * 32,
    smtp_url="smtps://staffroom:p%40ss@relay.trust.example:465",
    mail_from="Staffroom <staffroom@trust.example>",
    public_url="https://staffroom.trust.example/",
)


@pytest.fixture(autouse=True)
def other_environment(monkeypatch):
    monkeypatch.setenv("STAFFROOM_SMTP_URL", "smtp://elsewhere.example:25")
    monkeypatch.setenv("STAFFROOM_MAIL_FROM", "Elsewhere <x@elsewhere.example>")
    monkeypatch.setenv("STAFFROOM_PUBLIC_URL", "https://elsewhere.example/")


def test_smtp_is_taken_from_the_settings():
    smtp = SmtpSettings.from_settings(SETTINGS)
    assert (smtp.host, smtp.port, smtp.tls, smtp.starttls) == (
        "relay.trust.example",
        465,
        True,
        False,
    )
    assert (smtp.username, smtp.password) == ("staffroom", "p@ss")
    assert smtp.sender == "Staffroom <staffroom@trust.example>"
    assert smtp.address == "staffroom@trust.example"


def test_the_sender_s_links_and_from_are_taken_from_the_settings():
    config = SenderConfig.from_settings(SETTINGS)
    assert config == SenderConfig(
        "https://staffroom.trust.example/", "k" * 32, "Staffroom <staffroom@trust.example>"
    )


def test_an_smtp_url_it_cannot_use_is_refused_by_name_without_its_password():
    with pytest.raises(BadSetting) as refused:
        SmtpSettings.from_url("smtp://staffroom:hunter2@relay:port")
    assert str(refused.value).startswith("Set STAFFROOM_SMTP_URL to smtp://host:port")
    assert "hunter2" not in str(refused.value)
