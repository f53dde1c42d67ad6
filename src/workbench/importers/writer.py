"""Writing the rows of one import: convert a block, set rejects aside, upsert the rest.

``Writer`` turns each block's text columns into typed values (``columns``), derives
the columns an export does not carry (``derive``), keeps every unreadable row as a
reject with row, column, value and reason, and writes the good rows with one
``executemany`` upsert keyed on ``crm_id``.
"""

from __future__ import annotations

import contextlib
import json
import queue
import threading
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from workbench.importers import staging
from workbench.importers.columns import Converted, convert_column, extra_json
from workbench.importers.derive import (
    activity_kind,
    meeting_channel,
    minutes_between,
    relabel_stages,
    stage_lookup,
    stage_meaning,
)
from workbench.importers.entities import ACTIVITY_KINDS
from workbench.importers.plan import Plan
from workbench.importers.records import Reject
from workbench.importers.sources import (
    HEADING_RE2,
    JUNK_RE2,
    Block,
    is_decoration_row,
    is_junk_row,
)
from workbench.models.fiscal import FiscalCalendar, calendar_from, quarter_of_period
from workbench.progress import Progress

REJECTS_RETURNED = 100
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


@dataclass
class Prepared:
    """One converted block: the rows to upsert (as tuples to bind, or as an Arrow table
    to stage) and the reject records to store."""

    rows: list[tuple] | pa.Table
    rejects: list[tuple]


class Columns(dict):
    """A block's columns by field name. Each is a Python list, or, until some code reads
    it, the Arrow array the fast kernels made (a staged import writes those as they are,
    never making Python objects of them)."""

    def put(self, name: str, conv: Converted) -> None:
        dict.__setitem__(self, name, conv.values if conv.arrow is None else conv.arrow)

    def __getitem__(self, name: str) -> list:
        value = dict.__getitem__(self, name)
        if isinstance(value, pa.Array):
            value = value.to_pylist()
            dict.__setitem__(self, name, value)
        return value

    def get(self, name: str, default=None):  # type: ignore[override]
        return self[name] if name in self else default

    def setdefault(self, name: str, default=None):  # type: ignore[override]
        """As dict's (an Arrow column stays as it is)."""
        if name not in self:
            dict.__setitem__(self, name, default)
        return dict.__getitem__(self, name)

    def raw(self, name: str) -> list | pa.Array:
        return dict.__getitem__(self, name)

    def has_none(self, name: str) -> bool:
        value = self.raw(name)
        return value.null_count > 0 if isinstance(value, pa.Array) else None in value

    def all_present(self, name: str) -> bool:
        """Whether every value is there and not empty (``all()`` of the list)."""
        value = self.raw(name)
        if not isinstance(value, pa.Array):
            return all(value)
        if value.null_count:
            return False
        if pa.types.is_string(value.type) or pa.types.is_large_string(value.type):
            return not pc.any(pc.equal(value, "")).as_py()
        return all(value.to_pylist())

    def count_above(self, name: str, limit: float) -> int:
        value = self.raw(name)
        if isinstance(value, pa.Array):
            return int(pc.sum(pc.fill_null(pc.greater(value, limit), False)).as_py() or 0)
        return sum(1 for v in value if v is not None and v > limit)


@dataclass
class Counts:
    """What one import did, gathered block by block."""

    written: int = 0
    rejected: int = 0
    skipped: int = 0
    rejects: list[Reject] = field(default_factory=list)
    placeholders: dict[str, int] = field(default_factory=dict)
    other_fields: int = 0
    over_100: int = 0
    translated: int = 0
    relabelled: int = 0
    # stage -> (how closed/won were read: 'stage list' | 'stage name' | 'unknown', closed, won)
    stage_readings: dict[str, tuple[str, int | None, int | None]] = field(default_factory=dict)


class Writer:
    """Converts blocks and upserts the good rows of one import."""

    def __init__(
        self,
        conn,
        plan: Plan,
        import_id: int,
        currency: str,
        columns: list[str],
        source_name: str = "",
        stage_dir: Path | None = None,
        estimated_rows: int = 0,
    ) -> None:
        self.conn = conn
        # A big file's rows are staged (see workbench.importers.staging) in this folder.
        self.stage_dir = stage_dir
        self.file_rows = staging.file_rows(estimated_rows)
        self.attached: list[str] = []
        self.source_name = source_name
        self.plan = plan
        self.import_id = import_id
        self.currency = currency
        self.columns = columns
        spec = plan.spec
        self.stages = (
            stage_lookup(conn) if spec.name in ("opportunities", "opportunity_history") else {}
        )
        self.translated = 0
        self.users: dict[str, str] = {}
        self.start_month: int | FiscalCalendar = 1
        if spec.name == "quotas":
            for crm_id, email, name in conn.execute("SELECT crm_id, email, name FROM users"):
                for key in (name, email, crm_id):  # an id wins over a name that equals it
                    if key:
                        self.users[str(key).strip().casefold()] = crm_id
            row = conn.execute("SELECT fiscal_year_start_month FROM engagement").fetchone()
            pattern = conn.execute(
                "SELECT value FROM settings WHERE key = 'fiscal_calendar'"
            ).fetchone()
            self.start_month = calendar_from(
                int(row[0]) if row and row[0] else 1, json.loads(pattern[0]) if pattern else None
            )
        self.readings: dict[str, tuple[str, int | None, int | None]] = {}
        self._stage_cache: dict[str, tuple[str, str, int | None, int | None]] = {}
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
            elif name in ("is_closed", "is_won") and "stage" in plan.mapping:
                # Read from the stage: a deal whose stage moved takes the new reading.
                updates.append(f"{name} = coalesce(excluded.{name}, {spec.table}.{name})")
            else:
                updates.append(f"{name} = coalesce({spec.table}.{name}, excluded.{name})")
        if spec.has_extra:
            # The columns no field takes are merged into what the record holds. Merging
            # into nothing, or into the same text, gives the new text itself (the JSON
            # is written compact: json_patch returns it unchanged), so SQLite parses
            # JSON only where the values differ (a re-import of the same file: none).
            updates.append(
                f"extra = CASE WHEN excluded.extra IS NULL THEN {spec.table}.extra "
                f"WHEN {spec.table}.extra IS NULL OR {spec.table}.extra = excluded.extra "
                f"THEN excluded.extra "
                f"ELSE json_patch({spec.table}.extra, excluded.extra) END"
            )
        updates.append("import_id = excluded.import_id")
        # The import id is the same for every row: written into the statement, not bound.
        marks = ", ".join(["?"] * (len(cols) - 1) + [str(int(import_id))])
        self.sql = (
            f"INSERT INTO {spec.table} ({', '.join(cols)}) VALUES ({marks}) "
            f"ON CONFLICT(crm_id) DO UPDATE SET {', '.join(updates)}"
        )
        # The same upsert from a staging file, in the file's order ("WHERE true" keeps
        # SQLite from reading ON CONFLICT as a join constraint).
        self._staged_columns = cols[:-1]
        self.staged_sql = (
            f"INSERT INTO {spec.table} ({', '.join(cols)}) SELECT "
            f"{', '.join(self._staged_columns)}, {int(import_id)} FROM <stage>.t "
            f"WHERE true ORDER BY rowid ON CONFLICT(crm_id) DO UPDATE SET {', '.join(updates)}"
        )
        self.counts = Counts()

    def _derived_fields(self) -> set[str]:
        name, mapping = self.plan.spec.name, self.plan.mapping
        out = set()
        if name == "opportunities":
            out.add("currency")
            if "stage" in mapping and not ("is_closed" in mapping and "is_won" in mapping):
                out.update({"is_closed", "is_won"})
        if name == "pipeline_stages" and "is_won" not in mapping and "probability" in mapping:
            out.add("is_won")  # HubSpot stage metadata: closed with probability 1 is won
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
    def load(self, blocks, progress: Progress) -> Counts:
        """Write every block; the next block is read and converted in a helper thread
        while SQLite writes the current one (pyarrow and SQLite release the GIL)."""
        if self.stage_dir is not None:
            return self._load_staged(blocks, progress)
        source = iter(blocks)

        def prepare() -> tuple[Prepared, float] | None:
            try:
                block, fraction = next(source)
            except StopIteration:
                return None
            return self._prepare_block(block), fraction

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-read") as pool:
            upcoming = pool.submit(prepare)
            try:
                while (item := upcoming.result()) is not None:
                    upcoming = pool.submit(prepare)
                    prepared, fraction = item
                    self._write_prepared(prepared)
                    progress.update(
                        0.02 + 0.96 * fraction, f"{self.counts.written:,} rows imported"
                    )
            finally:
                upcoming.cancel()
                wait([upcoming])
        self.counts.translated = self.translated
        self.counts.stage_readings = dict(self.readings)
        if self.plan.spec.name == "pipeline_stages":
            self.counts.relabelled = relabel_stages(self.conn)
        return self.counts

    def _write_prepared(self, prepared: Prepared) -> None:
        before = self.conn.total_changes
        self.conn.executemany(self.sql, prepared.rows)
        self.counts.written += self.conn.total_changes - before
        self._write_rejects(prepared.rejects)

    def _write_rejects(self, rejects: list[tuple]) -> None:
        if rejects:
            self.conn.executemany(
                "INSERT INTO import_rejects (import_id, row_number, column_name, value, "
                "reason, raw) VALUES (?, ?, ?, ?, ?, ?)",
                rejects,
            )

    def _load_staged(self, blocks, progress: Progress) -> Counts:
        """Write every block through staging files, on three threads: one reads and
        converts blocks (Python), one appends them to the current staging file (the
        ADBC driver, without the GIL), and this one upserts each finished file into the
        engagement (one INSERT ... SELECT, without the GIL)."""
        converted: queue.Queue = queue.Queue(maxsize=4)  # bounds memory: 4 blocks
        finished: queue.Queue = queue.Queue()
        stop = threading.Event()
        done = object()

        def read() -> None:
            try:
                for block, fraction in blocks:
                    if stop.is_set():
                        return
                    converted.put((self._prepare_block(block), fraction))
                converted.put(done)
            except BaseException as exc:  # handed to the writing thread, raised there
                converted.put(exc)

        def stage() -> None:
            number, current, staged = 0, None, 0
            try:
                while not stop.is_set():
                    try:
                        item = converted.get(timeout=0.1)
                    except queue.Empty:
                        continue  # the reader is busy, or has stopped on a cancel
                    if isinstance(item, BaseException):
                        raise item
                    if item is done:
                        break
                    prepared, fraction = item
                    if prepared.rows.num_rows:
                        if current is None:
                            path = self.stage_dir / f"stage-{number}.db"
                            current = staging.StageFile(path, self._staged_columns)
                        current.append(prepared.rows)
                        staged += prepared.rows.num_rows
                    finished.put((fraction, staged, None, prepared.rejects))
                    if (
                        current is not None
                        and number < len(self.file_rows)
                        and current.rows >= self.file_rows[number]
                    ):
                        current.finish()
                        finished.put((fraction, staged, current.path, []))
                        number, current = number + 1, None
                if current is not None:
                    current.finish()
                    finished.put((1.0, staged, current.path, []))
                finished.put(done)
            except BaseException as exc:
                finished.put(exc)
            finally:
                if current is not None:
                    current.close()

        threads = [
            threading.Thread(target=read, name="import-read", daemon=True),
            threading.Thread(target=stage, name="import-stage", daemon=True),
        ]
        for thread in threads:
            thread.start()
        try:
            while True:
                try:
                    item = finished.get(timeout=0.25)
                except queue.Empty:
                    progress.check()  # a cancel is honoured while a file is being staged
                    continue
                if item is done:
                    break
                if isinstance(item, BaseException):
                    raise item
                fraction, staged, path, rejects = item
                self._write_rejects(rejects)
                if path is not None:
                    self._upsert_file(path)
                progress.update(
                    0.02 + 0.96 * fraction,
                    f"{staged:,} rows read, {self.counts.written:,} written",
                )
        finally:
            stop.set()
            while any(t.is_alive() for t in threads):
                with contextlib.suppress(queue.Empty):
                    converted.get_nowait()  # a reader waiting to put sees the stop
                for thread in threads:
                    thread.join(timeout=0.05)
        self.counts.translated = self.translated
        self.counts.stage_readings = dict(self.readings)
        if self.plan.spec.name == "pipeline_stages":
            self.counts.relabelled = relabel_stages(self.conn)
        return self.counts

    def _upsert_file(self, path: Path) -> None:
        name = staging.attach(self.conn, path, len(self.attached))
        self.attached.append(name)
        before = self.conn.total_changes
        self.conn.execute(self.staged_sql.replace("<stage>", name, 1))
        self.counts.written += self.conn.total_changes - before

    def detach(self) -> None:
        """Detach the staging files (after the import's transaction has ended)."""
        staging.detach_all(self.conn, self.attached)

    def _prepare_block(self, block: Block) -> Prepared:
        """Convert one block (no database access: this runs in the helper thread)."""
        plan, spec = self.plan, self.plan.spec
        n = len(block)
        values = Columns()
        bad: dict[int, list[tuple[str | None, str | None, str]]] = {}

        def flag(i: int, column: str | None, value: str | None, reason: str) -> None:
            bad.setdefault(i, []).append((column, value, reason))

        for i, problem in block.problems.items():
            if isinstance(problem, tuple):  # (column, value, reason)
                flag(i, *problem)
            else:
                flag(i, None, None, problem)
        currencies: dict[int, str] = {}
        for name, pos in plan.index.items():
            f = spec.field(name)
            conv = convert_column(block.columns[pos], f.type, plan.order)
            values.put(name, conv)
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
        for name in self.insert_fields:
            values.setdefault(name, [None] * n)
        if "crm_id" not in values or plan.crm_id_built:
            values["crm_id"] = self._built_ids(block, values, n)
        if not values.all_present("crm_id"):
            for i in [i for i, v in enumerate(values["crm_id"]) if not v]:
                if i not in skip:
                    flag(i, plan.mapping.get("crm_id"), None, self._blank_id_reason())
        for f in spec.fields:
            if f.required and f.stored and f.name != "crm_id" and f.name in values:
                if not values.has_none(f.name):
                    continue
                for i in [i for i, v in enumerate(values[f.name]) if v is None]:
                    if i not in skip:
                        flag(i, plan.mapping.get(f.name), None, f"the {f.description} is blank")
        if "probability" in values:
            self.counts.over_100 += values.count_above("probability", 100)
        # Decoration rows inside the data (subtotals, group headings of grouped reports,
        # repeated titles) are skipped, not imported and not rejected.
        skip |= _decoration_rows(block)
        for i in list(bad):
            if i in skip or is_junk_row(_row_cells(block, i)):
                del bad[i]
                skip.add(i)
        self.counts.skipped += len(skip)
        columns: list[list | pa.Array] = [values.raw(name) for name in self.insert_fields]
        if spec.has_extra:
            extra_cols = [(h, block.columns[p]) for h, p in plan.extra_columns]
            columns.append(extra_json(extra_cols, n))
        drop = set(bad) | skip
        rejects = self._reject_records(block, bad) if bad else []
        if self.stage_dir is not None:
            return Prepared(_table(columns, self._staged_columns, n, drop), rejects)
        lists = [c.to_pylist() if isinstance(c, pa.Array) else c for c in columns]
        rows = zip(*lists, strict=True)
        if drop:
            rows = (r for i, r in enumerate(rows) if i not in drop)
        return Prepared(list(rows), rejects)

    def _reject_records(self, block: Block, bad: dict[int, list]) -> list[tuple]:
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
        return records

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
        if spec.name == "opportunity_history" and "_new_value" in values:
            # first, so that stage ids set by field-history rows get their labels too
            skip |= self._pivot_history(block, values, flag)
        if spec.name == "opportunities":
            cur = values.get("currency") or [None] * n
            for i, code in currencies.items():
                if cur[i] is None:
                    cur[i] = code
            values["currency"] = [c or self.currency for c in cur]
        if spec.name == "quotas":
            self._check_quotas(values, n, flag)
        if spec.name == "currency_rates":
            codes = values.get("iso_code") or [None] * n
            values["iso_code"] = [c.strip().upper() if c else c for c in codes]
            for i, rate in enumerate(values.get("rate") or []):
                if rate is not None and not rate > 0:
                    flag(
                        i, plan.mapping.get("rate"), str(rate), "a conversion rate must be above 0"
                    )
        if spec.name == "pipeline_stages" and "is_won" in self.insert_fields:
            if "is_won" not in plan.mapping:
                closed = values.get("is_closed") or [None] * n
                values["is_won"] = [
                    None if c is None or p is None else int(bool(c) and p in (1, 100))
                    for c, p in zip(closed, values["probability"], strict=True)
                ]
        if values.get("stage") and (self.stages or spec.name == "opportunities"):
            self._translate_stages(values, n)
        if plan.profile == "hubspot" and values.get("probability"):
            # HubSpot writes deal probability as a fraction (0.2); Workbench keeps percent.
            values["probability"] = [
                round(p * 100, 6) if p is not None and 0 <= p <= 1 else p
                for p in values["probability"]
            ]
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
            default = self._defaultactivity_kind()
            allowed = ACTIVITY_KINDS if spec.name == "activities" else ("meeting", "call")
            values["kind"] = [activity_kind(k, default, allowed) for k in kinds]
            if "duration_min" in self.insert_fields:
                minutes = values.get("duration_min") or [None] * n
                secs = values.get("_duration_s") or [None] * n
                starts = values.get("started_at") or [None] * n
                ends = values.get("_ended_at") or [None] * n
                values["duration_min"] = [
                    m if m is not None else (s if s is not None else minutes_between(a, b))
                    for m, s, a, b in zip(minutes, secs, starts, ends, strict=True)
                ]
        if spec.name == "meetings":
            channels = values.get("channel") or [None] * n
            fallback = "zoom" if plan.profile == "zoom" else "unknown"
            values["channel"] = [meeting_channel(c) or fallback for c in channels]
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
        return skip

    def _translate_stages(self, values: dict[str, list], n: int) -> None:
        """Stage ids (HubSpot) become their labels; closed/won not in the file follow
        the stage: the imported stage list, else the stage name's usual meaning."""
        stages = values["stage"]
        mapped = self.plan.mapping
        derive = self.plan.spec.name == "opportunities" and "is_closed" in self.insert_fields
        closed = values.get("is_closed") if "is_closed" in mapped else [None] * n
        won = values.get("is_won") if "is_won" in mapped else [None] * n
        cache = self._stage_cache
        # A block holds a handful of distinct stages: each is read once, and the rows are
        # visited one by one only where a flag is missing or a label replaces an id.
        for stage in set(stages):
            if stage and stage not in cache:
                cache[stage] = self._stage_reading(stage)
        if derive and (None in closed or None in won):
            new_closed, new_won = list(closed), list(won)
            for i, stage in enumerate(stages):
                c, w = closed[i], won[i]
                if not stage or (c is not None and w is not None):
                    continue
                label, how, reading_closed, reading_won = cache[stage]
                if c is None:
                    new_closed[i] = 1 if w == 1 else reading_closed
                if w is None:
                    # An export's "closed" without "won" keeps the stage's reading of won.
                    new_won[i] = reading_won if c is None or c else 0
                self.readings.setdefault(label, (how, new_closed[i], new_won[i]))
            values["is_closed"], values["is_won"] = new_closed, new_won
        elif derive:
            values["is_closed"], values["is_won"] = list(closed), list(won)
        labels = {s: cache[s][0] for s in set(stages) if s and cache[s][0] != s}
        if labels:
            for i, stage in enumerate(stages):
                label = labels.get(stage)
                if label is not None:
                    stages[i] = label
                    self.translated += 1

    def _stage_reading(self, stage: str) -> tuple[str, str, int | None, int | None]:
        """(label, how it was read, closed, won) of one stage value."""
        found = self.stages.get(stage)
        if found is not None:
            label, reading, how = found[0] or stage, (found[1], found[2]), "stage list"
        else:
            label, reading, how = stage, stage_meaning(stage), "stage name"
        if reading is None or reading[0] is None:
            return label, "unknown", None, None
        return label, how, reading[0], reading[1]

    def _check_quotas(self, values: dict[str, list], n: int, flag) -> None:
        """A quota names a known rep (by CRM id, e-mail or name: stored as the id) and a
        period Workbench can place in a fiscal quarter; other rows are rejected."""
        mapped = self.plan.mapping
        for i, period in enumerate(values.get("period") or [None] * n):
            if period and quarter_of_period(period, self.start_month) is None:
                flag(
                    i,
                    mapped.get("period"),
                    period,
                    f'"{period}" is not a period such as '
                    "FY2026-Q1, 2026-Q1, 2026-01 or a start date",
                )
        owners = values.get("owner_crm_id") or [None] * n
        for i, owner in enumerate(owners):
            if not owner:
                continue
            found = self.users.get(owner.strip().casefold())
            if found is None:
                flag(
                    i,
                    mapped.get("owner_crm_id"),
                    owner,
                    f"no user {owner!r} in the engagement: "
                    "import the user list first, or name the rep by CRM id, e-mail or name",
                )
            else:
                owners[i] = found
        values["owner_crm_id"] = owners

    def _defaultactivity_kind(self) -> str:
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


def _table(columns: list, names: list[str], n: int, drop: set[int]) -> pa.Table:
    """A block's rows to stage: its columns as Arrow, without the dropped rows."""
    arrays = [c if isinstance(c, pa.Array) else staging.as_arrow(c) for c in columns]
    table = pa.Table.from_arrays(arrays, names=names)
    if drop:
        keep = np.ones(n, dtype=bool)
        keep[sorted(drop)] = False
        table = table.filter(pa.array(keep))
    return table


def _cell(block: Block, pos: int, i: int) -> str | None:
    value = block.columns[pos][i].as_py()
    return value


def _decoration_rows(block: Block) -> set[int]:
    """Rows of a block that are report decoration (see ``sources.is_decoration_row``).

    Cheap for ordinary data: regular expressions over the leading columns find the few
    candidate rows; only those are looked at one by one.
    """
    width = len(block.columns)
    if width < 2:
        return set()
    # Reports put their decoration in the leading cells (the first non-empty cell).
    # One pass of both patterns together first: ordinary data matches neither, and
    # then the block needs no second look (half the regular-expression work).
    if not any(_decoration_cue(c) for c in block.columns[:3]):
        return set()
    either = f"{JUNK_RE2}|{HEADING_RE2}"
    if not any(pc.any(pc.match_substring_regex(c, either)).as_py() for c in block.columns[:3]):
        return set()
    junk = heading = None
    for col in block.columns[:3]:
        j = pc.fill_null(pc.match_substring_regex(col, JUNK_RE2), False)
        h = pc.fill_null(pc.match_substring_regex(col, HEADING_RE2), False)
        junk = j if junk is None else pc.or_(junk, j)
        heading = h if heading is None else pc.or_(heading, h)
    if not (pc.any(junk).as_py() or pc.any(heading).as_py()):
        return set()
    filled = None
    for col in block.columns:
        present = pc.cast(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(col)), 0), pa.int32())
        filled = present if filled is None else pc.add(filled, present)
    candidates = pc.or_(
        pc.and_(heading, pc.equal(filled, 1)),
        pc.and_(junk, pc.less_equal(filled, max(1, width // 2))),
    )
    return {
        i
        for i in pc.indices_nonzero(candidates).to_pylist()
        if is_decoration_row(_row_cells(block, i))
    }


# The words JUNK_RE2 reads at the start of a value, up to their first space or optional
# letter; "sum", "count" and "total" must end there (a word boundary; "totals" too).
_CUE_WORDS = tuple(
    w.encode()
    for w in (
        "copyright", "confidential", "generated", "grand", "total", "subtotal", "sub-total",
        "sum", "count", "record", "report", "exported", "printed", "filtered", "powered",
    )
)  # fmt: skip
_WHOLE_WORDS = (b"sum", b"count", b"total")


def _decoration_cue(col: pa.Array) -> bool:
    """Whether some value of a string column might be read as decoration by JUNK_RE2 or
    HEADING_RE2 (never False when one is; often True when none is).

    Ordinary data has no cue at all, and then its block needs no regular expression:
    the cues are a colon or a parenthesis (every heading, "(c)"), "all rights
    reserved", a value starting with a space or with one of the words of JUNK_RE2, and
    any letter outside ASCII (where case-insensitive matching has more to it). One byte
    search over the column's character buffer (it covers every value, and perhaps more)
    and a look at the first letters of the values.
    """
    buffers = col.buffers()
    if col.type != pa.string() or len(buffers) < 3:
        return True
    if buffers[2] is None or len(col) == 0:
        return False
    text = buffers[2].to_pybytes()
    if not text.isascii():
        return True
    low = text.lower()
    if b":" in low or b"(" in low or b"all rights reserved" in low:
        return True
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[col.offset : col.offset + len(col) + 1]
    starts, ends = offsets[:-1], offsets[1:]
    present = ends > starts
    starts, ends = starts[present], ends[present]
    chars = np.frombuffer(low, dtype=np.uint8)
    first = chars[starts]
    if (first <= 32).any():
        return True
    for word in _CUE_WORDS:
        k = len(word)
        fits = (first == word[0]) & (ends - starts >= k)
        if not fits.any():
            continue
        at, stop = starts[fits], ends[fits]
        same = (chars[at[:, None] + np.arange(k)] == np.frombuffer(word, dtype=np.uint8)).all(1)
        if not same.any():
            continue
        if word not in _WHOLE_WORDS:
            return True
        after = at[same] + k
        inside = after < stop[same]
        nxt = chars[np.minimum(after, len(chars) - 1)]
        letter = (
            ((nxt >= ord("a")) & (nxt <= ord("z")))
            | ((nxt >= ord("0")) & (nxt <= ord("9")))
            | (nxt == ord("_"))
        )
        if word == b"total":
            letter &= nxt != ord("s")
        if not (inside & letter).all():
            return True
    return False


def _row_cells(block: Block, i: int) -> list[str]:
    return [c[i].as_py() or "" for c in block.columns]


def _row_number(block: Block, i: int) -> int:
    rows = block.rows
    return int(rows[i].as_py() if isinstance(rows, pa.Array) else rows[i])
