"""Every id a command creates comes from events.made_ids: a new id each time would put a
create sent again with its Idempotency-Key on a new subject (done twice), or answer it with
an id that names nothing."""

from __future__ import annotations

import re
from pathlib import Path

SERVICES = Path(__file__).parents[2] / "services"


def test_no_service_request_makes_an_id_of_its_own():
    own = [
        f"{path.relative_to(SERVICES)}:{n}"
        for path in sorted(SERVICES.glob("*/*.py"))
        if path.name != "demo.py" and not path.name.startswith("demo_")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bnew_id\(\)", line) and "flask" in path.read_text()
    ]
    assert own == []
