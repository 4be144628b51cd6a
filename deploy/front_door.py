"""The gateway with the frontend inside its process: `staffroom up`'s door (deploy/together.py
runs this in place of the Procfile's gateway and frontend lines).

On one machine the HTTP hop between them was most of the gateway's CPU on booking morning,
and the frontend's gunicorn was three processes of the stack's memory (make bench --only
front; docs/deploy.md). The gateway still signs people in, checks CSRF and signs the
identity header, and the frontend still checks it; only the socket between them is gone.
The services are reached over HTTP as before. docker-compose keeps the two apart (the
gateway relays to STAFFROOM_FRONTEND_URL), so either can be scaled on its own.

Here, not in gateway/: the gateway knows people, not pages, and imports no frontend module
(tests/gateway/test_imports.py); this module hands it the frontend's app.
"""

from __future__ import annotations

from flask import Flask

from frontend import create_app as create_frontend
from gateway import create_app as create_gateway


def create_app() -> Flask:
    return create_gateway(frontend=create_frontend())
