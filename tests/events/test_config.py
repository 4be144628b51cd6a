"""Every setting is read and checked in one place, events.config.Settings: a value it cannot
take stops the process with one sentence naming the variable and what it takes (BadSetting),
never later at a request, a message or a probe."""

from __future__ import annotations

import pytest

from events.config import Settings
from events.setting_checks import BadSetting

SETTINGS = (
    "STAFFROOM_RATE_LIMIT_STORAGE",
    "STAFFROOM_SIGNIN_RATE_LIMIT",
    "STAFFROOM_SIGNIN_ACCOUNT_RATE_LIMIT",
    "STAFFROOM_SIGNED_LINK_RATE_LIMIT",
    "STAFFROOM_SMTP_URL",
    "STAFFROOM_MAIL_FROM",
    "STAFFROOM_PUBLIC_URL",
    "STAFFROOM_METRICS_TOKEN",
    "STAFFROOM_PROBE_PORT",
    "STAFFROOM_STREAM_REPLICAS",
    "STAFFROOM_DUPLICATE_WINDOW",
    "STAFFROOM_STREAM_STORAGE",
)


@pytest.fixture
def env(monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def refused(env, name: str, given: str) -> str:
    env.setenv(name, given)
    with pytest.raises(BadSetting) as error:
        Settings.from_env()
    said = str(error.value)
    assert said.startswith(f"Set {name} to "), said
    assert "\n" not in said and said.endswith(")."), said  # one sentence
    return said


def test_unset_or_empty_each_has_the_default_it_had(env):
    unset = Settings.from_env()
    for name in SETTINGS:
        env.setenv(name, "")
    assert Settings.from_env() == unset
    assert unset.rate_limit_storage == "memory://"
    assert unset.signin_rate_limit == "30 per minute"
    assert unset.signin_account_rate_limit == "10 per minute"
    assert unset.signed_link_rate_limit == "30 per minute"
    assert unset.smtp_url == "smtp://127.0.0.1:8025"
    assert unset.mail_from == "Staffroom <staffroom@localhost>"
    assert unset.public_url == "http://127.0.0.1:8000/"
    assert unset.metrics_token is None
    assert unset.probe_port is None
    assert (unset.stream.replicas, unset.stream.duplicate_window) == (1, 300.0)
    assert unset.stream.storage.value == "file"


def test_the_values_it_can_take_are_taken_as_given(env):
    given = {
        "STAFFROOM_RATE_LIMIT_STORAGE": "redis://:secret@cache:6379/0",
        "STAFFROOM_SIGNIN_RATE_LIMIT": "20/minute; 200 per hour",
        "STAFFROOM_SIGNIN_ACCOUNT_RATE_LIMIT": "5 per 2 minutes",
        "STAFFROOM_SIGNED_LINK_RATE_LIMIT": "3 per minute",
        "STAFFROOM_SMTP_URL": "smtp://user:p%40ss@relay.trust.example:587?starttls=1",
        "STAFFROOM_MAIL_FROM": "École Staffroom <staffroom@trust.example>",
        "STAFFROOM_PUBLIC_URL": "https://staffroom.trust.example/cpd",
        "STAFFROOM_METRICS_TOKEN": "Zm9v-bar_baz.~+/=",
        "STAFFROOM_PROBE_PORT": "9100",
    }
    for name, value in given.items():
        env.setenv(name, value)
    settings = Settings.from_env()
    assert settings.rate_limit_storage == "redis://:secret@cache:6379/0"
    assert settings.signin_rate_limit == "20/minute; 200 per hour"
    assert settings.signin_account_rate_limit == "5 per 2 minutes"
    assert settings.signed_link_rate_limit == "3 per minute"
    assert settings.smtp_url == "smtp://user:p%40ss@relay.trust.example:587?starttls=1"
    assert settings.mail_from == "École Staffroom <staffroom@trust.example>"
    assert settings.public_url == "https://staffroom.trust.example/cpd/"  # links end in /
    assert settings.metrics_token == "Zm9v-bar_baz.~+/="
    assert settings.probe_port == 9100


@pytest.mark.parametrize(
    "name", ["STAFFROOM_SIGNIN_RATE_LIMIT", "STAFFROOM_SIGNIN_ACCOUNT_RATE_LIMIT"]
)
@pytest.mark.parametrize("given", ["abc", "5 per fortnight", "0 per minute", "30 per minute;x"])
def test_a_sign_in_limit_flask_limiter_cannot_read_is_refused_by_name(env, name, given):
    said = refused(env, name, given)
    assert "such as '30 per minute'" in said
    assert repr(given) in said


@pytest.mark.parametrize("given", ["abc", "5 per fortnight", "30 per minute; 100 per hour"])
def test_the_signed_links_limit_is_one_rate_limit(env, given):
    """The gateway counts it with limits.parse, which would keep the first of several."""
    said = refused(env, "STAFFROOM_SIGNED_LINK_RATE_LIMIT", given)
    assert "one rate limit such as '30 per minute'" in said


@pytest.mark.parametrize(
    "given", ["redis", "rediss//cache", "postgres://db/limits", "async+memory://", "memory:"]
)
def test_a_rate_limit_storage_flask_limiter_does_not_know_is_refused_by_name(env, given):
    said = refused(env, "STAFFROOM_RATE_LIMIT_STORAGE", given)
    assert "memory://" in said and "redis://" in said


def test_a_storage_refused_does_not_show_its_password(env):
    said = refused(env, "STAFFROOM_RATE_LIMIT_STORAGE", "postgres://limits:hunter2@db/x")
    assert "hunter2" not in said


@pytest.mark.parametrize(
    "given",
    [
        "relay.trust.example:587",
        "http://relay.trust.example",
        "smtp://",
        "smtp://relay:notaport",
        "smtp://relay:99999",
        "smtp://[::1",
        "smtps://relay:0",
    ],
)
def test_an_smtp_url_it_cannot_use_is_refused_by_name(env, given):
    said = refused(env, "STAFFROOM_SMTP_URL", given)
    assert "smtp://host:port or smtps://host:port" in said


def test_an_smtp_url_refused_does_not_show_its_password(env):
    said = refused(env, "STAFFROOM_SMTP_URL", "smpt://staffroom:hunter2@relay:587")
    assert "hunter2" not in said
    assert "smpt://…@relay:587" in said


@pytest.mark.parametrize(
    "given",
    [
        "Staffroom",
        "staffroom@",
        "Staffroom <>",
        "a@trust.example, b@trust.example",
        "staffroom@trust.example\r\nBcc: everyone@trust.example",
        "Staffroom <école@trust.example>",
    ],
)
def test_a_from_that_is_not_one_address_is_refused_by_name(env, given):
    said = refused(env, "STAFFROOM_MAIL_FROM", given)
    assert "one address such as 'Staffroom <staffroom@trust.example>'" in said


@pytest.mark.parametrize(
    "given",
    [
        "staffroom.trust.example",
        "/staffroom",
        "ftp://staffroom.trust.example/",
        "https://",
        "https://staffroom.trust.example:https/",
        "https://staffroom.trust.example/?from=mail",
        "https://staffroom.trust.example/#top",
        "https://staffroom trust.example/",
    ],
)
def test_a_public_url_that_is_not_an_absolute_http_url_is_refused_by_name(env, given):
    said = refused(env, "STAFFROOM_PUBLIC_URL", given)
    assert "an absolute http:// or https:// URL" in said


@pytest.mark.parametrize("given", ["two words", "tab\there", "naïve", " padded"])
def test_a_metrics_token_a_header_cannot_carry_exactly_is_refused_without_showing_it(env, given):
    env.setenv("STAFFROOM_METRICS_TOKEN", given)
    with pytest.raises(BadSetting) as error:
        Settings.from_env()
    said = str(error.value)
    assert said.startswith("Set STAFFROOM_METRICS_TOKEN to ")
    assert given not in said


@pytest.mark.parametrize("given", ["0", "65536", "nine", "-1", "٩١٠٠", "9100.0", "1" * 5000])
def test_a_probe_port_is_a_whole_number_from_1_to_65535(env, given):
    said = refused(env, "STAFFROOM_PROBE_PORT", given)
    assert "a whole number from 1 to 65535" in said


@pytest.mark.parametrize(
    ("name", "given", "takes"),
    [
        ("STAFFROOM_STREAM_REPLICAS", "three", "a whole number from 1 to 5"),
        ("STAFFROOM_STREAM_REPLICAS", "0", "a whole number from 1 to 5"),
        ("STAFFROOM_STREAM_REPLICAS", "7", "a whole number from 1 to 5"),
        ("STAFFROOM_DUPLICATE_WINDOW", "5m", "a number of seconds above 0"),
        ("STAFFROOM_DUPLICATE_WINDOW", "0", "a number of seconds above 0"),
        ("STAFFROOM_DUPLICATE_WINDOW", "nan", "a number of seconds above 0"),
        ("STAFFROOM_DUPLICATE_WINDOW", "1e400", "a number of seconds above 0"),
        ("STAFFROOM_STREAM_STORAGE", "disk", "file or memory"),
    ],
)
def test_the_streams_settings_are_checked_as_the_others_are(env, name, given, takes):
    """They were int(), float() and StorageType() where they were read: a traceback."""
    assert takes in refused(env, name, given)


def test_the_streams_settings_it_can_take(env):
    env.setenv("STAFFROOM_STREAM_REPLICAS", "3")
    env.setenv("STAFFROOM_DUPLICATE_WINDOW", "120.5")
    env.setenv("STAFFROOM_STREAM_STORAGE", "memory")
    stream = Settings.from_env().stream
    assert (stream.replicas, stream.duplicate_window, stream.storage.value) == (3, 120.5, "memory")
