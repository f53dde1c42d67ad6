"""Importing one file into the engagement: one transaction, streamed in blocks.

Every block of rows is converted column by column (``columns.convert_column``),
rows with a value that cannot be read are set aside as rejects (with row, column,
value and reason), and the good rows are written with one ``executemany`` upsert
keyed on ``crm_id``: a re-import updates records instead of duplicating them. The
whole import, its ``imports`` record and its rejects commit together or not at all;
a cancel, an error or a killed process leaves the engagement as it was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from workbench.errors import Cancelled, WorkbenchError
from workbench.importers.columns import convert_column, extra_json
from workbench.importers.entities import ACTIVITY_KINDS
from workbench.importers.plan import Plan, make_plan
from workbench.importers.profiles import known_names
from workbench.importers.records import ImportResult, Reject
from workbench.importers.sources import (
    Block,
    NeedsSlowPath,
    SourceError,
    is_junk_row,
    make_workdir,
    open_source,
)
from workbench.models import Engagement, now_iso
from workbench.progress import Progress

REJECTS_RETURNED = 100
BIG_FILE_BYTES = 16 << 20
IMPORT_CACHE_KB = 64 * 1024
HISTORY_FIELDS = {
    "stagename": "stage",
    "stage": "stage",
    "dealstage": "stage",
    "amount": "amount",
    "closedate": "close_date",
    "probability": "probability",
    "forecastcategoryname": "forecast_category",
    "forecastcategory": "forecast_category",
}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class _Counts:
    written: int = 0
    rejected: int = 0
    skipped: int = 0
    rejects: list[Reject] = field(default_factory=list)
    placeholders: dict[str, int] = field(default_factory=dict)
    other_fields: int = 0
    over_100: int = 0


def import_file(
    eng: Engagement,
    source: Path | str,
    *,
    entity: str | None = None,
    profile: str = "auto",
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import one CSV/XLSX export into ``eng`` and return what happened.

    ``profile`` is 'auto', a built-in profile or the name of a saved mapping;
    ``mapping`` ({target field: source header}) overrides field by field. Raises
    ``WorkbenchError`` (plain message, nothing changed) when the file cannot be read
    or its headers are not understood, and ``Cancelled`` when cancelled.
    """
    progress = progress or Progress.none()
    path = Path(source)
    progress.update(0.0, f"Reading {path.name}")
    meta = eng.meta()
    with make_workdir() as tmp:
        src = open_source(path, Path(tmp), set(known_names()), sheet)
        try:
            layout = src.layout()
            plan = make_plan(
                eng,
                layout.columns,
                layout.head,
                path.name,
                entity=entity,
                profile=profile,
                mapping=mapping,
                fallback_order=meta.date_order,
            )
            digest = sha256_of(path)
            return _run(eng, src, layout, plan, path, digest, meta.currency, progress)
        finally:
            close = getattr(src, "close", None)
            if close:
                close()


def _run(
    eng, src, layout, plan: Plan, path: Path, digest: str, currency: str, progress: Progress
) -> ImportResult:
    notes = list(plan.notes)
    if layout.title_rows:
        notes.append(
            f"{layout.title_rows} title row(s) above the header (row {layout.header_row + 1}) "
            "were not imported."
        )
    if layout.encoding not in ("utf-8", "xlsx"):
        notes.append(f"The file was read as {layout.encoding} text.")
    big = path.stat().st_size > BIG_FILE_BYTES
    old_cache = eng.conn.execute("PRAGMA cache_size").fetchone()[0]
    # A larger page cache keeps the id and secondary indexes in memory while a big file
    # streams in (bounded: IMPORT_CACHE_KB); restored afterwards.
    eng.conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KB}")
    try:
        return _run_transaction(
            eng, src, layout, plan, path, digest, currency, progress, notes, big
        )
    finally:
        eng.conn.execute(f"PRAGMA cache_size = {int(old_cache)}")


def _secondary_indexes(conn, table: str) -> list[tuple[str, str]]:
    return [
        (name, sql)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table,),
        )
    ]


def _run_transaction(
    eng,
    src,
    layout,
    plan: Plan,
    path: Path,
    digest: str,
    currency: str,
    progress: Progress,
    notes: list[str],
    big: bool,
) -> ImportResult:
    table = plan.spec.table
    with eng.atomic() as conn:
        before = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        # Building secondary indexes once after a bulk load is much faster than updating
        # them row by row; the drop and rebuild are part of the same transaction.
        dropped = _secondary_indexes(conn, table) if big else []
        for name, _ in dropped:
            conn.execute(f"DROP INDEX {name}")
        cur = conn.execute(
            "INSERT INTO imports (entity, source_name, source_kind, sha256, profile, mapping, "
            "encoding, sheet, started_at) VALUES (?, ?, 'file', ?, ?, ?, ?, ?, ?)",
            (
                plan.spec.name,
                path.name,
                digest,
                plan.profile,
                json.dumps(plan.mapping, ensure_ascii=False),
                layout.encoding,
                layout.sheet,
                now_iso(),
            ),
        )
        import_id = int(cur.lastrowid)
        writer = _Writer(conn, plan, import_id, currency, layout.columns, path.name)
        try:
            with eng.atomic():
                counts = writer.load(src.blocks(fast=True), progress)
        except NeedsSlowPath:
            writer = _Writer(conn, plan, import_id, currency, layout.columns, path.name)
            with eng.atomic():
                counts = writer.load(src.blocks(fast=False), progress)
        for _, sql in dropped:
            progress.update(0.98, "Indexing")
            conn.execute(sql)
        after = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        counts.skipped += getattr(src, "footer_rows", 0)
        new = after - before
        updated = counts.written - new
        notes.extend(_count_notes(plan, counts))
        if getattr(src, "footer_rows", 0):
            notes.append(
                f"{src.footer_rows} footer row(s) after the data (totals, copyright, "
                "confidentiality, generated-by lines) were recognised and skipped."
            )
        read = counts.written + counts.rejected + counts.skipped
        conn.execute(
            "UPDATE imports SET rows_read = ?, rows_imported = ?, rows_updated = ?, "
            "rows_rejected = ?, rows_skipped = ?, notes = ?, finished_at = ? WHERE id = ?",
            (
                read,
                new,
                updated,
                counts.rejected,
                counts.skipped,
                json.dumps(notes, ensure_ascii=False),
                now_iso(),
                import_id,
            ),
        )
        eng.touch()
        progress.update(1.0, f"Imported {path.name}")
    return ImportResult(
        import_id=import_id,
        entity=plan.spec.name,
        profile=plan.profile,
        source_name=path.name,
        sha256=digest,
        encoding=layout.encoding,
        sheet=layout.sheet,
        mapping=plan.mapping,
        rows_read=read,
        rows_imported=new,
        rows_updated=updated,
        rows_rejected=counts.rejected,
        rows_skipped=counts.skipped,
        rejects=counts.rejects[:REJECTS_RETURNED],
        notes=notes,
    )


def _count_notes(plan: Plan, counts: _Counts) -> list[str]:
    notes = []
    for name, n in counts.placeholders.items():
        notes.append(
            f"{n} value(s) of {plan.mapping.get(name, name)} were placeholder dates (such as "
            "9999-12-31) and were left blank."
        )
    if counts.other_fields:
        notes.append(
            f"{counts.other_fields} history row(s) changed fields Workbench does not track "
            "(only stage, amount, close date, probability and forecast category) and were "
            "skipped."
        )
    if counts.over_100:
        notes.append(
            f"{counts.over_100} row(s) have a probability above 100 (kept as given; check the "
            "export)."
        )
    if plan.profile == "hubspot" and "stage" in plan.mapping:
        notes.append(
            "HubSpot deal stages are kept as given (internal stage ids unless the export "
            "used labels); import the pipeline stages to translate them."
        )
    return notes


class _Writer:
    """Converts blocks and upserts the good rows of one import."""

    def __init__(
        self,
        conn,
        plan: Plan,
        import_id: int,
        currency: str,
        columns: list[str],
        source_name: str = "",
    ) -> None:
        self.conn = conn
        self.source_name = source_name
        self.plan = plan
        self.import_id = import_id
        self.currency = currency
        self.columns = columns
        spec = plan.spec
        stored = [f.name for f in spec.stored_fields]
        derived = self._derived_fields()
        self.insert_fields = [
            n for n in stored if n in plan.mapping or n in derived or n == "crm_id"
        ]
        cols = list(self.insert_fields)
        if spec.has_extra:
            cols.append("extra")
        cols.append("import_id")
        self.sql_columns = cols
        updates = []
        for name in self.insert_fields:
            if name == "crm_id":
                continue
            if name in plan.mapping:
                updates.append(f"{name} = excluded.{name}")
            else:
                updates.append(f"{name} = coalesce({spec.table}.{name}, excluded.{name})")
        if spec.has_extra:
            updates.append(
                f"extra = CASE WHEN excluded.extra IS NULL THEN {spec.table}.extra ELSE "
                f"json_patch(coalesce({spec.table}.extra, '{{}}'), excluded.extra) END"
            )
        updates.append("import_id = excluded.import_id")
        marks = ", ".join("?" for _ in cols)
        self.sql = (
            f"INSERT INTO {spec.table} ({', '.join(cols)}) VALUES ({marks}) "
            f"ON CONFLICT(crm_id) DO UPDATE SET {', '.join(updates)}"
        )
        self.counts = _Counts()

    def _derived_fields(self) -> set[str]:
        name, mapping = self.plan.spec.name, self.plan.mapping
        out = set()
        if name == "opportunities":
            out.add("currency")
        if name == "users" and ("_first_name" in mapping or "_last_name" in mapping):
            out.add("name")
        if name in ("activities", "meetings"):
            out.add("kind")
            if "_duration_s" in mapping or "_ended_at" in mapping:
                out.add("duration_min")
        if name == "meetings":
            out.add("channel")
            if self.plan.profile == "zoom":
                out.add("is_recorded")
        if name == "activities" and "opportunity_crm_id" in mapping:
            out.add("account_crm_id")
        if name == "opportunity_history" and "_new_value" in mapping:
            out.update({"stage", "amount", "close_date", "probability", "forecast_category"})
        return out

    # --------------------------------------------------------------- loading
    def load(self, blocks, progress: Progress) -> _Counts:
        for block, fraction in blocks:
            self._write_block(block)
            progress.update(0.02 + 0.96 * fraction, f"{self.counts.written:,} rows imported")
        return self.counts

    def _write_block(self, block: Block) -> None:
        plan, spec = self.plan, self.plan.spec
        n = len(block)
        values: dict[str, list] = {}
        bad: dict[int, list[tuple[str | None, str | None, str]]] = {}

        def flag(i: int, column: str | None, value: str | None, reason: str) -> None:
            bad.setdefault(i, []).append((column, value, reason))

        for i, reason in block.problems.items():
            flag(i, None, None, reason)
        currencies: dict[int, str] = {}
        for name, pos in plan.index.items():
            f = spec.field(name)
            conv = convert_column(block.columns[pos], f.type, plan.order)
            values[name] = conv.values
            header = plan.mapping[name]
            for i, reason in conv.bad.items():
                flag(i, header, _cell(block, pos, i), reason)
            if conv.placeholders:
                self.counts.placeholders[name] = (
                    self.counts.placeholders.get(name, 0) + conv.placeholders
                )
            if f.type == "money" and name == "amount":
                currencies = conv.currencies
        skip = self._derive(block, values, currencies, flag)
        if "crm_id" not in values or plan.crm_id_built:
            values["crm_id"] = self._built_ids(block, values, n)
        ids = values["crm_id"]
        for i in [i for i, v in enumerate(ids) if not v]:
            if i not in skip:
                flag(i, plan.mapping.get("crm_id"), None, self._blank_id_reason())
        for f in spec.fields:
            if f.required and f.stored and f.name != "crm_id" and f.name in values:
                col = values[f.name]
                for i in [i for i, v in enumerate(col) if v is None]:
                    if i not in skip:
                        flag(i, plan.mapping.get(f.name), None, f"the {f.description} is blank")
        if "probability" in values:
            self.counts.over_100 += sum(
                1 for v in values["probability"] if v is not None and v > 100
            )
        # Decoration rows inside the data (subtotals, repeated titles) are skipped, not rejected.
        for i in list(bad):
            if is_junk_row(_row_cells(block, i)):
                del bad[i]
                skip.add(i)
        self.counts.skipped += len(skip)
        lists = [values[name] for name in self.insert_fields]
        if spec.has_extra:
            extra_cols = [(h, block.columns[p]) for h, p in plan.extra_columns]
            lists.append(extra_json(extra_cols, n))
        lists.append([self.import_id] * n)
        rows = zip(*lists, strict=True)
        drop = set(bad) | skip
        if drop:
            rows = (r for i, r in enumerate(rows) if i not in drop)
        before = self.conn.total_changes
        self.conn.executemany(self.sql, rows)
        self.counts.written += self.conn.total_changes - before
        if bad:
            self._reject(block, bad)

    def _reject(self, block: Block, bad: dict[int, list]) -> None:
        records = []
        for i in sorted(bad):
            row = _row_number(block, i)
            raw = json.dumps(
                dict(zip(self.columns, _row_cells(block, i), strict=False)), ensure_ascii=False
            )
            for column, value, reason in bad[i]:
                records.append((self.import_id, row, column, value, reason, raw))
                if len(self.counts.rejects) < REJECTS_RETURNED:
                    self.counts.rejects.append(Reject(row, column, value, reason))
        self.counts.rejected += len(bad)
        self.conn.executemany(
            "INSERT INTO import_rejects (import_id, row_number, column_name, value, reason, raw) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            records,
        )

    def _blank_id_reason(self) -> str:
        if not self.plan.crm_id_built:
            return "the record id is blank"
        if self.plan.spec.name in ("contacts", "users"):
            return (
                "the file has no id column and this row has no e-mail or name to identify "
                "the person by"
            )
        keys = [self.plan.mapping[k] for k in self.plan.spec.natural_key if k in self.plan.mapping]
        return (
            "the file has no id column and this row has nothing to identify the record "
            f"by (blank: {', '.join(keys)})"
        )

    def _built_ids(self, block: Block, values: dict[str, list], n: int) -> list:
        """crm_id from the natural key when the export has no id column."""
        spec = self.plan.spec
        if "crm_id" in values and not self.plan.crm_id_built:
            return values["crm_id"]
        if spec.name == "opportunity_history":
            opp, when = values.get("opportunity_crm_id"), values.get("changed_at")
            field_col = values.get("_field")
            fields = field_col or [None] * n
            return [
                f"{o}@{w}" + (f"#{fc}" if fc else "") if o and w else None
                for o, w, fc in zip(opp or [None] * n, when or [None] * n, fields, strict=True)
            ]
        keys = [values[k] for k in spec.natural_key if k in values]
        if spec.name in ("contacts", "users") and keys:
            # An e-mail identifies a person on its own; otherwise the name (with the
            # account for contacts) does. A row with neither names no person.
            email = values.get("email") or [None] * n
            names = [values[k] for k in ("first_name", "last_name", "name") if k in values]
            account = values.get("account_crm_id") or [None] * n
            out = []
            for i in range(n):
                person = " ".join(str(k[i]) for k in names if k[i])
                if email[i]:
                    out.append(email[i])
                elif person:
                    out.append(" | ".join(p for p in (account[i], person) if p))
                else:
                    out.append(None)
            return out
        return [" | ".join(str(k[i]) for k in keys if k[i] is not None) or None for i in range(n)]

    def _derive(
        self, block: Block, values: dict[str, list], currencies: dict[int, str], flag
    ) -> set[int]:
        """Fill derived columns; return rows to skip (not records of this entity)."""
        spec, plan = self.plan.spec, self.plan
        n = len(block)
        skip: set[int] = set()
        if spec.name == "opportunities":
            cur = values.get("currency") or [None] * n
            for i, code in currencies.items():
                if cur[i] is None:
                    cur[i] = code
            values["currency"] = [c or self.currency for c in cur]
        if spec.name == "users" and "name" in self.insert_fields:
            first = values.get("_first_name") or [None] * n
            last = values.get("_last_name") or [None] * n
            names = values.get("name") or [None] * n
            values["name"] = [
                nm or (" ".join(p for p in (a, b) if p) or None)
                for nm, a, b in zip(names, first, last, strict=True)
            ]
        if spec.name in ("activities", "meetings"):
            kinds = values.get("kind") or [None] * n
            default = self._default_kind()
            allowed = ACTIVITY_KINDS if spec.name == "activities" else ("meeting", "call")
            values["kind"] = [_kind(k, default, allowed) for k in kinds]
            if "duration_min" in self.insert_fields:
                minutes = values.get("duration_min") or [None] * n
                secs = values.get("_duration_s") or [None] * n
                starts = values.get("started_at") or [None] * n
                ends = values.get("_ended_at") or [None] * n
                values["duration_min"] = [
                    m if m is not None else (s if s is not None else _minutes_between(a, b))
                    for m, s, a, b in zip(minutes, secs, starts, ends, strict=True)
                ]
        if spec.name == "meetings":
            channels = values.get("channel") or [None] * n
            fallback = "zoom" if plan.profile == "zoom" else "unknown"
            values["channel"] = [_channel(c) or fallback for c in channels]
            if plan.profile == "zoom":
                # A Zoom recordings list: every row is a recorded meeting; meeting ids
                # repeat for recurring meetings, so the start time is part of the id.
                values["is_recorded"] = [1] * n
                ids, starts = values.get("crm_id") or [None] * n, values.get("started_at")
                if starts:
                    values["crm_id"] = [
                        f"{a}@{b}" if a and b else a for a, b in zip(ids, starts, strict=True)
                    ]
        if spec.name == "activities" and "opportunity_crm_id" in values:
            # Salesforce WhatId points at an opportunity (006...) or an account (001...).
            opps = values["opportunity_crm_id"]
            accounts = values.get("account_crm_id") or [None] * n
            for i, what in enumerate(opps):
                if what and plan.profile == "salesforce-api" and not what.startswith("006"):
                    if what.startswith("001") and not accounts[i]:
                        accounts[i] = what
                    opps[i] = None
            values["account_crm_id"] = accounts
        if spec.name == "opportunity_history" and "_new_value" in values:
            skip |= self._pivot_history(block, values, flag)
        return skip

    def _default_kind(self) -> str:
        words = self.plan.mapping.get("kind", "") + " " + " ".join(self.columns)
        name = self.plan.spec.name
        if name == "meetings":
            return "meeting"
        text = words.lower()
        stem = self.source_name.lower()
        for word in ("meeting", "call", "email", "note", "task", "event"):
            if word in stem:
                return word
        if "eventsubtype" in text.replace("_", "") or "event_subtype" in text:
            return "event"
        return "task" if "task" in text else "other"

    def _pivot_history(self, block: Block, values: dict[str, list], flag) -> set[int]:
        """Field-history rows (Field, New Value) set the one column they changed."""
        n = len(block)
        new = values["_new_value"]
        fields = values.get("_field")
        targets = {
            k: [None] * n
            for k in ("stage", "amount", "close_date", "probability", "forecast_category")
        }
        skip: set[int] = set()
        spec = self.plan.spec
        for i in range(n):
            target = (
                "stage"
                if fields is None
                else HISTORY_FIELDS.get((fields[i] or "").replace("_", "").replace(" ", "").lower())
            )
            if target is None:
                skip.add(i)
                self.counts.other_fields += 1
                continue
            if new[i] is None:
                continue
            ftype = spec.field(target).type
            conv = convert_column(pa.array([new[i]], pa.string()), ftype, self.plan.order)
            if conv.bad:
                flag(i, self.plan.mapping.get("_new_value"), new[i], conv.bad[0])
            else:
                targets[target][i] = conv.values[0]
        for k, col in targets.items():
            if k in values and k not in ("_new_value",):
                values[k] = [a if a is not None else b for a, b in zip(values[k], col, strict=True)]
            else:
                values[k] = col
        return skip


def _kind(value: str | None, default: str, allowed: tuple[str, ...]) -> str:
    if not value:
        return default
    v = value.strip().lower()
    synonyms = {
        "todo": "task",
        "logged call": "call",
        "phone": "call",
        "phone call": "call",
        "e-mail": "email",
        "mail": "email",
        "communication": "other",
        "video": "meeting",
        "incoming_email": "email",
        "forwarded_email": "email",
        "list email": "email",
    }
    v = synonyms.get(v, v)
    if v in allowed:
        return v
    if "call" in v and "call" in allowed:
        return "call"
    if "mail" in v and "email" in allowed:
        return "email"
    if "meeting" in v and "meeting" in allowed:
        return "meeting"
    return default if default in allowed else allowed[-1]


def _channel(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip().lower()
    for key, name in (
        ("zoom", "zoom"),
        ("teams", "teams"),
        ("meet", "meet"),
        ("webex", "webex"),
        ("phone", "phone"),
        ("dialer", "phone"),
        ("aircall", "phone"),
        ("outreach", "phone"),
        ("ringcentral", "phone"),
    ):
        if key in v:
            return name
    return v


def _minutes_between(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    from datetime import datetime

    try:
        a, b = datetime.fromisoformat(start), datetime.fromisoformat(end)
    except ValueError:
        return None
    minutes = (b - a).total_seconds() / 60
    return round(minutes, 2) if minutes >= 0 else None


def _cell(block: Block, pos: int, i: int) -> str | None:
    value = block.columns[pos][i].as_py()
    return value


def _row_cells(block: Block, i: int) -> list[str]:
    return [c[i].as_py() or "" for c in block.columns]


def _row_number(block: Block, i: int) -> int:
    rows = block.rows
    return int(rows[i].as_py() if isinstance(rows, pa.Array) else rows[i])


__all__ = ["import_file", "sha256_of", "Cancelled", "WorkbenchError", "SourceError", "pc"]
