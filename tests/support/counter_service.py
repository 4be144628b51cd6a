"""The counter as a service, built like every real one: for testing `events.service`."""

from __future__ import annotations

from flask import Flask, Response
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from events.config import Settings
from events.openapi import Blueprint
from events.service import Commands, accepted, create_service, identity, require
from tests.support.counter import CounterDecider, Increment

blp = Blueprint("counters", __name__, description="Counters that only go up to their limit.")
commands = Commands(CounterDecider())


class IncrementSchema(Schema):
    by = fields.Integer(required=True, validate=validate.Range(min=1, max=100))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))
    limit = fields.Integer(load_default=None)


class CounterSchema(Schema):
    total = fields.Integer()


@blp.route("/counters/<name>")
class Counter(MethodView):
    @blp.response(200, CounterSchema)
    def get(self, name: str) -> dict:
        """The counter's total."""
        return {"total": commands.state(commands.subject("counter", name))}


@blp.route("/counters/<name>/increments")
class Increments(MethodView):
    @blp.arguments(IncrementSchema)
    @blp.alt_response(409, description="The increment would pass the limit.")
    def post(self, increment: dict, name: str) -> Response:
        """Add to the counter (only a trust admin may)."""
        require(identity().holds("trust_admin"))
        outcome = commands.execute(commands.subject("counter", name), Increment(**increment))
        return accepted(outcome, 201)


def create_app(settings: Settings) -> Flask:
    app, api = create_service(__name__, "counter", settings)
    api.register_blueprint(blp)
    return app
