"""How long each hop waits, written once so that the waits nest: each caller waits longer
than everything the one it calls may wait on in a request, so the inner one answers in its
own words (503 not_confirmed, "It is done, but this page does not show it yet") before the
outer one gives up and says only that no answer came.

    gateway ──FRONTEND_RELAY──► frontend ──SERVICE_CALL──► service ──NATS_DEADLINE──► NATS
                                    └──READ_YOUR_WRITES──► its projection's checkpoint

tests/gateway/test_timeouts.py holds the relations on the objects the processes build."""

from __future__ import annotations

CONNECT = 2.0
"""Seconds to make a connection to one of our processes: past it nothing was sent."""
NATS_DEADLINE = 7.0
"""Seconds a service's request may wait on NATS in all (events.service), so its caller
hears the honest 503 rather than a timeout of its own."""
SERVICE_CALL = 10.0
"""Seconds a caller waits for a service's answer: the gateway's relay to /api/<service>
and its own calls, the frontend's commands and its service client."""
READ_YOUR_WRITES = 2.0
"""Seconds a page waits, after a command, for its projection to have read it."""
MARGIN = 3.0
"""What the frontend itself may spend around its waits (rendering, its own SQL)."""
FRONTEND_RELAY = SERVICE_CALL + READ_YOUR_WRITES + MARGIN
"""Seconds the gateway waits for the frontend when it is a process of its own (docker-compose,
STAFFROOM_FRONTEND_PROCESS=1): longer than a page's service call and read-your-writes wait
together, so a page the frontend is still answering is never cut off by a gateway 504."""
