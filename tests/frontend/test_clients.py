"""Pages call the services through their typed clients (frontend/clients), which own the
services' URLs and the read-your-writes wait: no page builds a service's URL itself."""

from __future__ import annotations

import re
from pathlib import Path

from frontend.clients import trustdays

PAGES = Path(__file__).resolve().parents[2] / "frontend" / "pages"


def test_no_page_sends_to_a_service_itself():
    sending = [
        path.name
        for path in PAGES.glob("*.py")
        if re.search(r"\bsend\(|frontend\.commands import[^\n]*\bsend\b", path.read_text())
    ]
    assert not sending, f"pages building service URLs: {sending}"


def test_a_client_puts_each_id_in_one_segment_of_the_path():
    assert trustdays._path("days", "a/b?c") == "/days/a%2Fb%3Fc"
