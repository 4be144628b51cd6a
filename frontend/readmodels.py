"""The frontend's read models: SQL tables that projections fill from the log."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, MetaData, String, Table

metadata = MetaData()

log_event_counts = Table(
    "log_event_counts",
    metadata,
    Column("type", String(200), primary_key=True),
    Column("count", BigInteger, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("last_at", DateTime(timezone=True), nullable=False),
)
