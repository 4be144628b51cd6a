"""The read-model database of the app serving this request (pages pass it to readmodels)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import Engine


def engine() -> Engine:
    return current_app.extensions["engine"]
