"""Helpers shared by the coaching tests (and the conversation documents' test)."""

from __future__ import annotations

import json
from pathlib import Path

from workbench.coaching.operations import ImportTranscriptsRequest, import_transcripts
from workbench.models import Engagement, EngagementMeta


def ci_engagement(
    folder: Path,
    *,
    users: list[tuple[str, str, str]],
    contacts: list[tuple[str, str, str, str | None]] = (),
    calls: dict[str, dict] | None = None,
    methodology: str = "MEDDIC",
) -> Engagement:
    """A conversation-intelligence engagement with a roster, contacts and imported calls.

    ``users`` are (id, name, e-mail); ``contacts`` (id, first, last, e-mail); ``calls``
    maps a file name to generic transcript JSON, imported as one folder.
    """
    eng = Engagement.create(
        folder / "ci.engagement",
        EngagementMeta(
            customer="Acme", project_kind="conversation-intelligence", methodology=methodology
        ),
    )
    with eng.atomic() as conn:
        conn.executemany("INSERT INTO users (crm_id, name, email) VALUES (?, ?, ?)", users)
        conn.executemany(
            "INSERT INTO contacts (crm_id, first_name, last_name, email) VALUES (?, ?, ?, ?)",
            contacts,
        )
    if calls:
        calls_dir = folder / "calls"
        calls_dir.mkdir()
        for name, data in calls.items():
            (calls_dir / f"{name}.json").write_text(json.dumps(data))
        import_transcripts(eng, ImportTranscriptsRequest(calls_dir))
    return eng
