"""Pages take every vocabulary's labels from the service that owns it: no page, query or
gateway module writes a label of its own (it would drift from the contract unnoticed)."""

from __future__ import annotations

from pathlib import Path

from events.identity import ROLES
from services.directory.events import VOCABULARIES as DIRECTORY
from services.trustdays.events import VOCABULARIES as TRUSTDAYS

ROOT = Path(__file__).resolve().parents[2]
READERS = ("frontend", "readmodels", "gateway")
LABELS = sorted(
    {
        (value, label)
        for vocabulary in (*TRUSTDAYS.values(), *DIRECTORY.values(), ROLES)
        for value, label in vocabulary.items()
    }
)


def sources() -> dict[Path, str]:
    return {
        path: path.read_text()
        for package in READERS
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def test_no_reader_writes_a_label_of_its_own():
    texts = sources()
    written = {
        f"{value}: {path.relative_to(ROOT)}"
        for value, label in LABELS
        for path, text in texts.items()
        if f'"{value}": "{label}"' in text or f"'{value}': '{label}'" in text
    }
    assert not written, f"labelled outside their service's contract: {sorted(written)}"


def test_no_template_makes_a_label_of_a_value():
    templates = (ROOT / "frontend" / "templates").glob("*.html")
    made = [path.name for path in templates if "|capitalize" in path.read_text()]
    assert not made, f"templates capitalizing a value instead of its label: {made}"
