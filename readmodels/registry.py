"""The projections the projector runs, in one list: the projector (`staffroom projector`),
`staffroom projections rebuild/status`, the health page and the test stack all read it.
A new service's read side is one line here."""

from __future__ import annotations

from events.projection import Projection
from readmodels.directory.projection import directory
from readmodels.log_stats import log_stats
from readmodels.networks.projection import network_projection
from readmodels.notifications.projection import notifications
from readmodels.trustdays.projection import trustdays
from readmodels.trustyear.projection import trustyear

PROJECTIONS: list[Projection] = [
    log_stats,
    directory,
    trustdays,
    trustyear,
    network_projection,
    notifications,
]
