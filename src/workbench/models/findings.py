"""Findings: what the audits (and the consultant) found, and their ASSUMED/CONFIRMED life.

Every finding starts ASSUMED. A consultant confirms, corrects, resolves or dismisses
it, with a note and the meeting where that happened. Re-running an audit updates the
findings it still finds (matched by their stable ``key``), marks the ones it no
longer finds as not current, and keeps the status and the whole history.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from workbench.errors import WorkbenchError
from workbench.models.engagement import Engagement, now_iso

SEVERITIES = ("critical", "high", "medium", "low", "info")
STATUSES = ("ASSUMED", "CONFIRMED", "CORRECTED", "RESOLVED", "DISMISSED")

# Critical by rule: the findings that must hold a phase gate back (1d "no critical input
# still ASSUMED", 3d "no critical issues outstanding"), whatever severity the audit that
# found them would give. Key -> why it blocks (said in docs/audits.md).
CRITICAL_RULES: dict[str, str] = {
    "crm-hygiene.stages.closed_not_flagged": (
        "stage definition conflict: deals in a stage agreed as closed are not flagged "
        "closed, so win rates and baselines count them wrong"
    ),
    "crm-hygiene.stages.open_stage_flagged_closed": (
        "stage definition conflict: deals in a stage agreed as open are flagged closed"
    ),
    "baselines.no_closed_deals": "missing baseline: nothing closed in the last four quarters",
    "baselines.forecast_accuracy.missing": (
        "missing baseline: no quarter has a forecast accuracy to set a target against"
    ),
}


def severity_by_rule(key: str, severity: str) -> str:
    """``critical`` for the findings that block a gate (``CRITICAL_RULES``), else as given."""
    return "critical" if key in CRITICAL_RULES else severity


@dataclass
class Finding:
    """One finding as an audit reports it (``key`` stays the same across re-runs)."""

    key: str
    audit: str
    severity: str
    title: str
    detail: str = ""
    affected_count: int = 0
    affected_entity: str | None = None
    affected_ids: list[str] = field(default_factory=list)
    metric: float | None = None


@dataclass
class StoredFinding(Finding):
    """A finding as the engagement holds it, with its status."""

    id: int = 0
    status: str = "ASSUMED"
    status_note: str = ""
    meeting_id: int | None = None
    is_current: bool = True
    first_seen_at: str = ""
    last_seen_at: str = ""


@dataclass
class HistoryEvent:
    at: str
    event: str
    status: str | None
    affected_count: int | None
    metric: float | None
    note: str
    meeting_id: int | None


_COLUMNS = (
    "key, audit, severity, title, detail, affected_count, affected_entity, affected_ids, "
    "metric, id, status, status_note, meeting_id, is_current, first_seen_at, last_seen_at"
)


def _row_to_finding(row: tuple) -> StoredFinding:
    values = list(row)
    values[7] = json.loads(values[7] or "[]")
    values[13] = bool(values[13])
    return StoredFinding(*values)


def record_findings(eng: Engagement, audit: str, found: Iterable[Finding]) -> dict[str, int]:
    """Store one audit run's findings; return counts of ``new``, ``updated``, ``gone``."""
    stamp = now_iso()
    counts = {"new": 0, "updated": 0, "gone": 0}
    seen: set[str] = set()
    with eng.atomic() as conn:
        for f in found:
            if f.severity not in SEVERITIES:
                raise ValueError(f"unknown severity {f.severity!r}")
            seen.add(f.key)
            row = conn.execute(
                "SELECT id, affected_count, metric, is_current FROM findings WHERE key = ?",
                (f.key,),
            ).fetchone()
            ids = json.dumps(list(f.affected_ids))
            if row is None:
                cur = conn.execute(
                    "INSERT INTO findings (key, audit, severity, title, detail, affected_count, "
                    "affected_entity, affected_ids, metric, first_seen_at, last_seen_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        f.key,
                        audit,
                        f.severity,
                        f.title,
                        f.detail,
                        f.affected_count,
                        f.affected_entity,
                        ids,
                        f.metric,
                        stamp,
                        stamp,
                    ),
                )
                _history(conn, cur.lastrowid, stamp, "found", "ASSUMED", f)
                counts["new"] += 1
                continue
            finding_id, old_count, old_metric, was_current = row
            conn.execute(
                "UPDATE findings SET severity=?, title=?, detail=?, affected_count=?, "
                "affected_entity=?, affected_ids=?, metric=?, is_current=1, last_seen_at=? "
                "WHERE id=?",
                (
                    f.severity,
                    f.title,
                    f.detail,
                    f.affected_count,
                    f.affected_entity,
                    ids,
                    f.metric,
                    stamp,
                    finding_id,
                ),
            )
            if not was_current:
                _history(conn, finding_id, stamp, "found again", None, f)
                counts["updated"] += 1
            elif old_count != f.affected_count or old_metric != f.metric:
                _history(conn, finding_id, stamp, "measured again", None, f)
                counts["updated"] += 1
        current = conn.execute(
            "SELECT id, key FROM findings WHERE audit = ? AND is_current = 1", (audit,)
        ).fetchall()
        for finding_id, key in current:
            if key in seen:
                continue
            conn.execute("UPDATE findings SET is_current = 0 WHERE id = ?", (finding_id,))
            conn.execute(
                "INSERT INTO finding_history (finding_id, at, event, affected_count) "
                "VALUES (?, ?, 'no longer found', 0)",
                (finding_id, stamp),
            )
            counts["gone"] += 1
        eng.touch()
    return counts


def _history(conn, finding_id: int, stamp: str, event: str, status: str | None, f: Finding) -> None:
    conn.execute(
        "INSERT INTO finding_history (finding_id, at, event, status, affected_count, metric) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (finding_id, stamp, event, status, f.affected_count, f.metric),
    )


def set_status(
    eng: Engagement, finding_id: int, status: str, note: str = "", meeting_id: int | None = None
) -> StoredFinding:
    """Confirm, correct, resolve or dismiss a finding, keeping the change in its history."""
    status = status.upper()
    if status not in STATUSES:
        raise WorkbenchError(
            f"Unknown finding status {status!r}; use one of {', '.join(STATUSES)}."
        )
    if status == "CORRECTED" and not note.strip():
        raise WorkbenchError("A correction needs a note saying what the right figure or fact is.")
    stamp = now_iso()
    with eng.atomic() as conn:
        cur = conn.execute(
            "UPDATE findings SET status=?, status_note=?, meeting_id=? WHERE id=?",
            (status, note, meeting_id, finding_id),
        )
        if cur.rowcount == 0:
            raise WorkbenchError(f"There is no finding number {finding_id}.")
        conn.execute(
            "INSERT INTO finding_history (finding_id, at, event, status, note, meeting_id) "
            "VALUES (?, ?, 'status', ?, ?, ?)",
            (finding_id, stamp, status, note, meeting_id),
        )
        eng.touch()
    return get_finding(eng, finding_id)


def get_finding(eng: Engagement, finding_id: int) -> StoredFinding:
    row = eng.conn.execute(
        f"SELECT {_COLUMNS} FROM findings WHERE id = ?", (finding_id,)
    ).fetchone()
    if row is None:
        raise WorkbenchError(f"There is no finding number {finding_id}.")
    return _row_to_finding(row)


def list_findings(
    eng: Engagement, audit: str | None = None, *, current_only: bool = True
) -> list[StoredFinding]:
    """Findings, most severe first."""
    where, params = [], []
    if audit:
        where.append("audit = ?")
        params.append(audit)
    if current_only:
        where.append("is_current = 1")
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    order = "CASE severity " + " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(SEVERITIES))
    rows = eng.conn.execute(
        f"SELECT {_COLUMNS} FROM findings {clause} ORDER BY {order} END, affected_count DESC, id",
        params,
    ).fetchall()
    return [_row_to_finding(r) for r in rows]


def finding_history(eng: Engagement, finding_id: int) -> list[HistoryEvent]:
    rows = eng.conn.execute(
        "SELECT at, event, status, affected_count, metric, note, meeting_id "
        "FROM finding_history WHERE finding_id = ? ORDER BY at, id",
        (finding_id,),
    ).fetchall()
    return [HistoryEvent(*r) for r in rows]


def status_counts(eng: Engagement) -> dict[str, dict[str, int]]:
    """Current findings counted by status and by severity."""
    by_status = dict.fromkeys(STATUSES, 0)
    by_severity = dict.fromkeys(SEVERITIES, 0)
    for status, severity, n in eng.conn.execute(
        "SELECT status, severity, count(*) FROM findings WHERE is_current = 1 "
        "GROUP BY status, severity"
    ):
        by_status[status] += n
        by_severity[severity] += n
    return {"by_status": by_status, "by_severity": by_severity}
