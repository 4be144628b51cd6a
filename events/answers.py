"""What a command's answer holds, as a marshmallow schema: a service's command schemas
build on it (services/networks/schemas.py `Dated`) without importing Flask or flask-smorest,
which `events.service` (that sends the answer) does."""

from __future__ import annotations

from marshmallow import Schema, fields


class Accepted(Schema):
    """What `accepted` answers, for a route's OpenAPI: the command's last stream sequence,
    its events' types, and the id of what it made (when it made one)."""

    seq = fields.Integer()
    events = fields.List(fields.String())
    id = fields.String()
