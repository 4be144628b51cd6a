"""A gunicorn worker serving a service's HTTP on its NATS loop (events.loop_http).

The worker's main thread only asks the loop for gunicorn's heartbeat and watches for the
signal to stop; the requests are read, run and answered on the process's NATS connection's loop,
with no thread between a request and the log. For the services (their commands wait on
NATS, nothing else): the gateway and the frontend, which wait on SQL and HTTP, keep
gunicorn's threads.
"""

from __future__ import annotations

import os
import time
from typing import Any

from gunicorn.workers.base import Worker


class LoopWorker(Worker):
    def run(self) -> None:
        # Imported by the worker, not at the top: gunicorn's arbiter imports this class,
        # and it would hold NATS, h11 and greenlet for nothing (about 8 MB RSS)
        from events.config import Settings
        from events.connection import process_connection
        from events.loop_http import LoopHttp

        app: Any = self.wsgi
        connection = process_connection(Settings.from_env().nats_url, _name_of(app))
        host, _, port = str(self.cfg.bind[0]).rpartition(":") if self.cfg.bind else ("", "", "")
        server = LoopHttp(app, host or "localhost", port or "80")
        connection.run(server.start([listener.sock for listener in self.sockets]), timeout=30)
        try:
            while self.alive:
                # The heartbeat from the loop: a loop stuck in a request stops it, and
                # gunicorn restarts the worker after its `timeout`
                connection.loop.call_soon_threadsafe(self.notify)
                if self.ppid != os.getppid():
                    self.log.info("Parent changed, shutting down: %s", self)
                    break
                time.sleep(0.5)
        finally:
            grace = float(self.cfg.graceful_timeout)
            connection.run(server.stop(grace), timeout=grace + 5)


def _name_of(app: Any) -> str:
    """The Flask app's name (its NATS connection's), through the probe's middleware."""
    while not hasattr(app, "name") and hasattr(app, "app"):
        app = app.app
    return str(getattr(app, "name", "staffroom"))
