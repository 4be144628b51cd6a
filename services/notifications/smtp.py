"""Talking SMTP, with each outcome told apart: sent; certainly not delivered (the server
could not be reached, or answered 4xx: try again later); the address refused for good (a
5xx to the recipient: bounced); or unknown (the conversation broke after the message was
handed over: SMTP cannot be asked whether it arrived, so it is never sent again blindly).

STAFFROOM_SMTP_URL: smtp://user:password@host:587?starttls=1 (or smtps://host:465 for TLS
from the first byte); STAFFROOM_MAIL_FROM: "Staffroom <staffroom@trust.example>". Both are
read and checked with the other settings by events.config.Settings.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import smtplib
import ssl
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from events.config import DEFAULT_FROM, Settings
from events.setting_checks import smtp_url

log = logging.getLogger(__name__)

TIMEOUT = 30.0


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str = ""
    password: str = ""
    tls: bool = False
    """TLS from the first byte (smtps://, port 465)."""
    starttls: bool = False
    sender: str = DEFAULT_FROM

    @classmethod
    def from_url(cls, url: str, sender: str = DEFAULT_FROM) -> SmtpSettings:
        parts = urlsplit(
            smtp_url("STAFFROOM_SMTP_URL", url)
        )  # BadSetting naming STAFFROOM_SMTP_URL
        assert parts.hostname
        query = parse_qs(parts.query)
        tls = parts.scheme == "smtps"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if tls else 25),
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            tls=tls,
            starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
            sender=sender,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSettings:
        """STAFFROOM_SMTP_URL and STAFFROOM_MAIL_FROM, as Settings read and checked them."""
        return cls.from_url(settings.smtp_url, settings.mail_from)

    @property
    def address(self) -> str:
        """The envelope sender: the bare address of STAFFROOM_MAIL_FROM."""
        return parseaddr(self.sender)[1]


class Outcome(enum.Enum):
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    detail: str = ""


def answer(code: int, text: bytes | str) -> str:
    said = text.decode(errors="replace") if isinstance(text, bytes) else text
    return f"{code} {said}".strip()


class Mailer:
    """One SMTP connection, kept open between messages and opened again when it drops.
    Not thread-safe: one sender task uses it."""

    def __init__(self, settings: SmtpSettings, timeout: float = TIMEOUT):
        self.settings = settings
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.tls:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host, s.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        smtp.ehlo()
        if s.starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if s.username:
            smtp.login(s.username, s.password)
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None

    def send(self, to: str, message: bytes) -> Delivery:
        """Hand `message` to the server for `to`; never raises."""
        try:
            return self._send(to, message, retry_stale=self._smtp is not None)
        except (smtplib.SMTPException, OSError) as error:  # before DATA: not delivered
            self.close()
            return Delivery(Outcome.FAILED, f"{type(error).__name__}: {error}")

    def _send(self, to: str, message: bytes, retry_stale: bool) -> Delivery:
        if self._smtp is None:
            self._smtp = self._connect()
        smtp = self._smtp
        try:
            code, text = smtp.mail(self.settings.address)
        except smtplib.SMTPServerDisconnected:
            self._smtp = None
            if retry_stale:  # the server closed an idle connection: open a new one
                return self._send(to, message, retry_stale=False)
            raise
        if code != 250:
            smtp.rset()
            return Delivery(Outcome.FAILED, answer(code, text))
        code, text = smtp.rcpt(to)
        if code not in (250, 251):
            smtp.rset()
            outcome = Outcome.BOUNCED if 500 <= code < 600 else Outcome.FAILED
            return Delivery(outcome, answer(code, text))
        return self._data(smtp, message)

    def _data(self, smtp: smtplib.SMTP, message: bytes) -> Delivery:
        try:
            code, text = smtp.data(message)
        except smtplib.SMTPDataError as refused:  # the server answered: not taken
            smtp.rset()
            return Delivery(Outcome.FAILED, answer(refused.smtp_code, refused.smtp_error))
        except (smtplib.SMTPException, OSError) as broken:  # handed over, no answer
            self._smtp = None
            return Delivery(Outcome.UNKNOWN, f"{type(broken).__name__}: {broken}")
        return Delivery(Outcome.SENT, answer(code, text))
