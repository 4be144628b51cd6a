"""The sender's process (`staffroom sender`): its NATS user, the read models, SMTP."""

from __future__ import annotations

import asyncio

from events.config import Settings
from events.consumers import reading_log, stop_on_signals
from events.db import create_db_engine
from services.notifications.sender import Sender, SenderConfig
from services.notifications.smtp import Mailer, SmtpSettings


async def run(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """Send what is due until SIGINT or SIGTERM (or `stop`, shared with the other parts of
    `staffroom workers`)."""
    stop = stop_on_signals() if stop is None else stop
    smtp = SmtpSettings.from_settings(settings)
    config = SenderConfig.from_settings(settings)
    engine = create_db_engine(settings.database_url)
    try:
        async with reading_log(settings, "notifications_sender") as store:
            await Sender(store, engine, lambda: Mailer(smtp), config).run(stop)
    finally:
        engine.dispose()
