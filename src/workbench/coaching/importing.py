"""Storing parsed transcripts: the call, its utterances, its speakers and their side.

Each transcript is linked to its call in ``meetings``: the call id the file gives
(Gong's callId, Zoom's meeting id, the generic ``call.id``) or the file name; when
no meeting has that id, a meeting recorded at the same minute with a shared
participant e-mail is taken; otherwise the call is added from what the transcript
says (start with its time zone, duration, participants). Re-importing a call
replaces its transcript; an unchanged file is skipped.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from pathlib import Path

from workbench.coaching.speakers import SpeakerDirectory
from workbench.coaching.transcripts import ParsedTranscript, RejectedCue

MATCH_WINDOW = timedelta(minutes=5)


@dataclass
class StoredCall:
    meeting_crm_id: str
    source_name: str
    format: str
    utterances: int
    rejected: list[RejectedCue]
    speakers: dict[str, str]  # label -> role
    linked: str  # "existing call", "matched by time", "new call"
    unchanged: bool = False
    notes: list[str] = field(default_factory=list)


def _utc_text(parsed: ParsedTranscript) -> str | None:
    if parsed.started_at is None:
        return None
    moment = parsed.started_at
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _link(conn: sqlite3.Connection, parsed: ParsedTranscript, emails: set[str]) -> tuple[str, str]:
    """The meeting id for this transcript and how it was found."""
    call_id = str(parsed.call_id)
    if conn.execute("SELECT 1 FROM meetings WHERE crm_id = ?", (call_id,)).fetchone():
        return call_id, "existing call"
    start = _utc_text(parsed)
    if start and emails:
        lo = (parsed.started_at.replace(tzinfo=None) - MATCH_WINDOW).strftime("%Y-%m-%dT%H:%M:%S")
        hi = (parsed.started_at.replace(tzinfo=None) + MATCH_WINDOW).strftime("%Y-%m-%dT%H:%M:%S")
        if parsed.started_at.tzinfo is not None:
            base = parsed.started_at.astimezone(UTC).replace(tzinfo=None)
            lo = (base - MATCH_WINDOW).strftime("%Y-%m-%dT%H:%M:%S")
            hi = (base + MATCH_WINDOW).strftime("%Y-%m-%dT%H:%M:%S")
        for crm_id, listed in conn.execute(
            # Only calls without a transcript: one that has one is another recording.
            "SELECT crm_id, participant_emails FROM meetings WHERE started_at BETWEEN ? AND ? "
            "AND crm_id NOT IN (SELECT meeting_crm_id FROM transcripts)",
            (lo, hi),
        ):
            if emails & _emails(listed):
                return crm_id, "matched by time and participant"
    return call_id, "new call"


def _emails(text: str | None) -> set[str]:
    if not text:
        return set()
    cleaned = text.replace("[", " ").replace("]", " ").replace('"', " ").replace("'", " ")
    return {
        e.strip().lower()
        for e in cleaned.replace(",", ";").replace(" ", ";").split(";")
        if "@" in e
    }


def store_transcript(
    conn: sqlite3.Connection,
    parsed: ParsedTranscript,
    directory: SpeakerDirectory,
    *,
    sha256: str,
    import_id: int,
    now: str,
) -> StoredCall:
    """Write one parsed transcript (inside the caller's transaction)."""
    emails_by_name = {p.name: p.email for p in parsed.participants if p.email}
    affiliation = {p.name: p.affiliation for p in parsed.participants if p.affiliation}
    for cue in parsed.cues:
        if cue.email:
            emails_by_name.setdefault(cue.speaker, cue.email)
    all_emails = {e.lower() for e in emails_by_name.values()}
    meeting, linked = _link(conn, parsed, all_emails)
    old = conn.execute(
        "SELECT sha256 FROM transcripts WHERE meeting_crm_id = ?", (meeting,)
    ).fetchone()
    if old and old[0] == sha256:
        return StoredCall(
            meeting, parsed.source_name, parsed.format, 0, [], {}, linked, unchanged=True
        )
    if old:
        conn.execute("DELETE FROM transcript_turns WHERE meeting_crm_id = ?", (meeting,))
        conn.execute("DELETE FROM transcript_speakers WHERE meeting_crm_id = ?", (meeting,))
        conn.execute("DELETE FROM tracker_hits WHERE meeting_crm_id = ?", (meeting,))
        conn.execute("DELETE FROM transcripts WHERE meeting_crm_id = ?", (meeting,))
    # Speakers and their side.
    seconds: dict[str, float] = defaultdict(float)
    for cue in parsed.cues:
        seconds[cue.speaker] += cue.end - cue.start
    roles: dict[str, str] = {}
    speaker_rows = []
    for label in seconds:
        a = directory.assign(label, emails_by_name.get(label), affiliation.get(label))
        roles[label] = a.role
        speaker_rows.append(
            (
                meeting,
                label,
                emails_by_name.get(label),
                a.role,
                a.user_crm_id,
                a.basis,
                round(seconds[label], 3),
            )
        )
    conn.executemany(
        "INSERT INTO transcript_speakers (meeting_crm_id, label, email, role, user_crm_id, basis, "
        "seconds) VALUES (?, ?, ?, ?, ?, ?, ?)",
        speaker_rows,
    )
    side = {"rep": 1, "customer": 0, "unknown": None}
    conn.executemany(
        "INSERT INTO transcript_turns (meeting_crm_id, turn_index, speaker, speaker_email, "
        "is_internal, start_s, end_s, text, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (
                meeting,
                i,
                c.speaker,
                emails_by_name.get(c.speaker),
                side[roles[c.speaker]],
                c.start,
                c.end,
                c.text,
                import_id,
            )
            for i, c in enumerate(parsed.cues)
        ),
    )
    span = parsed.cues[-1].end if parsed.cues else 0.0
    span = max(span, max((c.end for c in parsed.cues), default=0.0))
    duration = parsed.duration_s or span
    participants = [
        {"name": label, "email": emails_by_name.get(label), "side": roles[label]}
        for label in seconds
    ]
    started = parsed.started_at.isoformat() if parsed.started_at else None
    if started is None and linked != "new call":
        # The file has no start; the call record has one (its time zone unknown).
        row = conn.execute(
            "SELECT started_at FROM meetings WHERE crm_id = ?", (meeting,)
        ).fetchone()
        started = row[0] if row else None
    conn.execute(
        "INSERT INTO transcripts (meeting_crm_id, source_name, format, sha256, title, started_at, "
        "timezone, duration_s, participants, utterances, rejected, notes, import_id, imported_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            meeting,
            parsed.source_name,
            parsed.format,
            sha256,
            parsed.title,
            started,
            parsed.timezone,
            duration,
            json.dumps(participants),
            len(parsed.cues),
            len(parsed.rejected),
            json.dumps(parsed.notes),
            import_id,
            now,
        ),
    )
    if linked == "new call":
        host = next(
            (r[4] for r in sorted(speaker_rows, key=lambda r: -r[6]) if r[3] == "rep" and r[4]),
            None,
        )
        conn.execute(
            "INSERT INTO meetings (crm_id, kind, channel, title, is_external, started_at, "
            "duration_min, is_recorded, host_crm_id, participant_emails, import_id) "
            "VALUES (?, 'meeting', ?, ?, ?, ?, ?, 1, ?, ?, ?)",
            (
                meeting,
                _channel(parsed.format),
                parsed.title,
                # External when a customer speaks; unknown while speakers are undecided.
                1 if "customer" in roles.values() else (None if "unknown" in roles.values() else 0),
                _utc_text(parsed),
                round(duration / 60, 2),
                host,
                ";".join(sorted(all_emails)) or None,
                import_id,
            ),
        )
    return StoredCall(
        meeting,
        parsed.source_name,
        parsed.format,
        len(parsed.cues),
        parsed.rejected,
        roles,
        linked,
        notes=list(parsed.notes),
    )


def _channel(fmt: str) -> str:
    for word, channel in (("Gong", "gong"), ("Zoom", "zoom"), ("Teams", "teams")):
        if word in fmt:
            return channel
    return "video"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
