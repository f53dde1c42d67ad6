"""What every audit shares: loading the core tables into pandas once, settings, helpers.

The audits read the engagement through ``AuditData``, a small cache that loads each
core table (only the columns the audits use) the first time one asks for it. Running
the whole suite on one ``AuditData`` reads the million-row opportunities table once.
Dates stay ISO text in SQLite; here they become pandas timestamps (bad or empty
values become NaT and are counted by the audits that need them, never guessed).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from workbench.models import Engagement
from workbench.models.engagement import builtin_utf8, is_decode_error
from workbench.models.findings import Finding, severity_by_rule
from workbench.models.fiscal import engagement_calendar

# Rows read from SQLite per block when loading a table (bounds the Python tuples alive).
QUERY_BLOCK = 50_000

# How many record ids a finding keeps for drill-down; the count is always complete.
MAX_AFFECTED_IDS = 10_000

SETTING_PREFIX = "audits."


def setting(eng: Engagement, key: str, default: object) -> object:
    """An audit setting (``audits.<key>``), falling back to ``default``."""
    value = eng.setting(SETTING_PREFIX + key, None)
    return default if value is None else value


def to_day(values: pd.Series) -> pd.Series:
    """ISO dates or moments (text) to day-precision timestamps; unreadable -> NaT."""
    text = values.astype("object").where(values.notna(), None)
    return pd.to_datetime(
        pd.Series(text, index=values.index).str.slice(0, 10), format="%Y-%m-%d", errors="coerce"
    )


def _moment_text(value: object) -> str | None:
    """A moment as ``to_moment`` parses it: the first 19 characters, a space before the
    time read as ``T``, a bare date at midnight; None for anything not text."""
    if not isinstance(value, str):
        return None
    text = value[:19].replace(" ", "T")
    return text + "T00:00:00" if len(text) == 10 else text


def to_moment(values: pd.Series) -> pd.Series:
    """ISO moments (``YYYY-MM-DDTHH:MM:SS``, or a bare date) to timestamps; bad -> NaT.

    The text is cut and padded by one function per value (pandas' string methods on
    object columns took three passes, most of loading the meeting log at scale)."""
    text = [_moment_text(v) for v in values.to_numpy(dtype=object)]
    padded = pd.Series(np.asarray(text, dtype=object), index=values.index, dtype=object)
    return pd.to_datetime(padded, format="%Y-%m-%dT%H:%M:%S", errors="coerce")


def category_text(values: pd.Series, transform=None, missing: object = "") -> pd.Series:
    """A text column as plain values, ``transform`` applied once per distinct value.

    For categorical columns (stage, owner...) the work is done on the categories and
    spread to the rows by their codes; NaN becomes ``missing``.
    """
    cat = values if isinstance(values.dtype, pd.CategoricalDtype) else values.astype("category")
    categories = pd.Series(cat.cat.categories.astype(str), dtype=object)
    mapped = (transform(categories) if transform else categories).to_numpy(dtype=object)
    out = np.append(mapped, np.array([missing], dtype=object))[cat.cat.codes.to_numpy()]
    return pd.Series(out, index=values.index, dtype=object)


def blank(values: pd.Series) -> pd.Series:
    """True where a value is missing or only whitespace (what a consultant calls empty)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return category_text(values, lambda c: c.str.strip().eq(""), missing=True).astype(bool)
    missing = values.isna()
    text = values[~missing]
    if len(text):
        missing.loc[~missing] = text.astype(str).str.strip().eq("")
    return missing


def lookup(keys: pd.Series, mapping: pd.Series) -> pd.Series:
    """``keys.map(mapping)`` that also works for an empty or datetime ``mapping``."""
    values = mapping.reindex(keys.to_numpy())
    return pd.Series(values.to_numpy(), index=keys.index)


def pct(part: float, whole: float) -> float | None:
    """``part / whole`` as a fraction, or None when there is nothing to divide by."""
    return None if not whole else float(part) / float(whole)


def fmt_pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def ids(values: Iterable[object]) -> list[str]:
    """Record ids for a finding, capped at ``MAX_AFFECTED_IDS`` (sorted, unique)."""
    unique = sorted({str(v) for v in values if v is not None and v == v})
    return unique[:MAX_AFFECTED_IDS]


def finding(
    audit: str,
    key: str,
    severity: str,
    title: str,
    detail: str = "",
    *,
    entity: str | None = None,
    affected: Iterable[object] = (),
    count: int | None = None,
    metric: float | None = None,
) -> Finding:
    """A ``Finding`` whose key is ``<audit>.<key>`` (stable across re-runs)."""
    affected_ids = ids(affected)
    return Finding(
        key=f"{audit}.{key}",
        audit=audit,
        severity=severity_by_rule(f"{audit}.{key}", severity),
        title=title,
        detail=detail,
        affected_count=int(count if count is not None else len(affected_ids)),
        affected_entity=entity,
        affected_ids=affected_ids,
        metric=None if metric is None else float(metric),
    )


def severity_for_share(share: float | None, *, high: float, medium: float, low: float = 0.0) -> str:
    """Severity by the share of records affected (``high``/``medium``/``low`` cut-offs)."""
    if share is None:
        return "info"
    if share >= high:
        return "high"
    if share >= medium:
        return "medium"
    if share > low:
        return "low"
    return "info"


@dataclass
class Window:
    """A period of days, both ends inclusive."""

    start: date
    end: date

    @classmethod
    def trailing(cls, as_of: date, days: int) -> Window:
        return cls(as_of - timedelta(days=days - 1), as_of)

    @classmethod
    def complete_weeks(cls, as_of: date, weeks: int) -> Window:
        """The last ``weeks`` whole Monday-Sunday weeks up to ``as_of`` (its week if Sunday)."""
        end = as_of - timedelta(days=(as_of.weekday() + 1) % 7)
        return cls(end - timedelta(days=7 * weeks - 1), end)

    def label(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


# An amount in the engagement's currency (parameters: engagement currency, as-of day).
# Rates follow Salesforce (units of a currency per unit of the corporate currency), so
# amount x rate(engagement currency) / rate(deal currency), both as of the deal's close
# date (the as-of day when it has none); a currency without a rate gives NULL.
_RATE = (
    "(SELECT r.rate FROM currency_rates AS r WHERE r.iso_code = {code} "
    "AND (r.start_date IS NULL OR r.start_date <= coalesce(close_date, ?2)) "
    "AND (r.next_start_date IS NULL OR coalesce(close_date, ?2) < r.next_start_date) "
    "ORDER BY r.start_date DESC LIMIT 1)"
)
_AMOUNT_SQL = (
    "CASE WHEN amount IS NULL OR currency IS NULL OR upper(currency) = ?1 THEN amount "
    "ELSE amount * coalesce("
    + _RATE.format(code="?1")
    + ", 1.0) / "
    + _RATE.format(code="upper(opportunities.currency)")
    + " END"
)


def _trim() -> None:
    """Return freed heap memory to the system where the C library can (glibc's
    ``malloc_trim``). Between audits the tables just let go of leave their pages in
    the process, so the next audit's peak would stack on top of the last one's;
    elsewhere (macOS, Windows) the allocator does this by itself, and nothing is done.

    Cycles are collected first only on the main thread (the command line): on a GUI
    task's worker thread a collection could free Qt objects off the GUI thread, so
    there the GUI's own collector does it on its thread (see ``ui/tasks.py``)."""
    import ctypes
    import ctypes.util
    import gc
    import sys
    import threading

    if not sys.platform.startswith("linux"):
        return
    if threading.current_thread() is threading.main_thread():
        gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl): nothing to trim
        pass


# Activities of the deals that may be open (a NULL or odd closed flag counts as open).
_NOT_CLOSED = (
    "opportunity_crm_id IN (SELECT crm_id FROM opportunities WHERE NOT coalesce(is_closed = 1, 0))"
)


# Share of distinct values in a column's first block past which ``_shared_strings``
# looks each row of the next blocks up rather than each distinct value of the block.
_MOSTLY_DISTINCT = 0.5


def _shared_strings(
    column: np.ndarray, seen: dict | None = None, *, per_row: bool = False
) -> np.ndarray:
    """The same values with one object per distinct value (NULL stays None): a
    million-row column of a dozen stages holds a dozen strings, not a million. ``seen``
    (kept from block to block) shares them across blocks too. Only text is shared
    (``1`` and ``1.0`` are equal keys but not the same value)."""
    if pd.api.types.infer_dtype(column, skipna=True) not in ("string", "empty"):
        return column.copy()
    if seen is not None and per_row:
        # ids mostly distinct in a block (the deals' accounts): one look-up per row costs
        # less than hashing the block to its distinct values and looking those up (the
        # same objects either way)
        return np.array(list(map(seen.setdefault, column, column)), dtype=object)
    codes, uniques = pd.factorize(column)
    if seen is not None:
        uniques = [seen.setdefault(v, v) for v in uniques.tolist()]
    values = np.append(np.asarray(uniques, dtype=object), np.array([None], dtype=object))
    return values[codes]  # code -1 (NULL) picks the None at the end


def _coded_block(column: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """A block of a categorical column: integer codes (-1: NULL) and its distinct text
    values; (the values as read, None) when some are not text."""
    codes, uniques = pd.factorize(column)
    uniques = np.asarray(uniques, dtype=object)
    if pd.api.types.infer_dtype(uniques, skipna=False) in ("string", "empty"):
        return codes, uniques
    return column.copy(), None


def _categorical(blocks: list[tuple[np.ndarray, np.ndarray | None]]) -> pd.Series:
    """The blocks of ``_coded_block`` as one column: the categorical ``astype("category")``
    of the values gives (the same categories, sorted, and codes), built from the codes
    rather than by hashing a million values again; as plain values when some are not
    text or there are none (``AuditData._prepare`` then makes them categorical)."""
    distinct = []
    if all(uniques is not None for _, uniques in blocks):
        distinct = pd.unique(np.concatenate([uniques for _, uniques in blocks]))
    if not len(distinct):
        values = [
            codes if uniques is None else np.append(uniques, _NULL)[codes]
            for codes, uniques in blocks
        ]
        return pd.Series(np.concatenate(values), dtype=object)
    dtype = pd.Series(np.asarray(distinct, dtype=object), dtype=object).astype("category").dtype
    codes = np.concatenate(
        [np.append(dtype.categories.get_indexer(uniques), -1)[codes] for codes, uniques in blocks]
    )
    return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype))


_NULL = np.array([None], dtype=object)


def _concat_numbers(blocks: list[np.ndarray]) -> np.ndarray:
    """Numeric blocks joined with the dtype one read of all rows would give: integers
    stay integers only when every block is integers; otherwise floats."""
    if len(blocks) == 1 or len({b.dtype for b in blocks}) == 1:
        return np.concatenate(blocks)
    if {b.dtype.kind for b in blocks} <= {"i", "f"}:
        return np.concatenate([b.astype(float) for b in blocks])
    whole = np.concatenate([b.astype(object) for b in blocks])
    return pd.to_numeric(pd.Series(whole, dtype=object), errors="coerce").to_numpy()


def _jd_to_day(values: pd.Series) -> pd.Series:
    """SQLite julian day numbers to timestamps (NULL or unreadable text -> NaT)."""
    return pd.to_datetime(
        pd.to_numeric(values, errors="coerce") - 2440587.5, unit="D", origin="unix"
    ).dt.floor("s")


class AuditData:
    """Lazily loaded core tables of one engagement, shared by the audits of one run.

    SQLite parses the dates (``julianday``) and works out the "is it empty" flags, so
    a million rows cross into pandas as numbers rather than strings to parse again.
    Low-cardinality text (stage, owner, category) becomes pandas categoricals, so
    string operations run once per distinct value, not once per row.
    """

    _QUERIES = {
        # Amounts in the engagement's currency: converted as of the close date with the
        # imported conversion rates (see ``_AMOUNT_SQL`` and ``_convert_amounts``); NULL
        # when there is no rate (``amount_given`` keeps the amount as written, for the
        # count of those left out).
        "opportunities": (
            "SELECT crm_id, account_crm_id, owner_crm_id, stage, "
            "amount AS amount_given, upper(currency) AS currency, "
            "julianday(close_date) AS close_jd, julianday(created_date) AS created_jd, "
            "probability, forecast_category, "
            "(next_step IS NULL OR trim(next_step) = '') AS next_step_blank, "
            "julianday(last_activity_date) AS last_activity_jd, "
            "is_closed, is_won, pipeline, type, record_type FROM opportunities"
        ),
        "accounts": (
            "SELECT crm_id, name, website, domain, industry, country, segment, owner_crm_id "
            "FROM accounts"
        ),
        "contacts": (
            "SELECT crm_id, account_crm_id, first_name, last_name, email, title, phone, "
            "owner_crm_id FROM contacts"
        ),
        "users": (
            "SELECT crm_id, name, email, role, title, manager_crm_id, team, segment, is_active, "
            "time_zone FROM users"
        ),
        "roles": "SELECT opportunity_crm_id, contact_crm_id FROM opportunity_contact_roles",
        # History in the pieces the baselines need (three million rows at scale).
        "history_close": (
            "SELECT opportunity_crm_id, julianday(changed_at) AS changed_jd, "
            "julianday(close_date) AS close_jd FROM opportunity_history "
            "WHERE close_date IS NOT NULL"
        ),
        # Only deals that were in Commit at some moment can be in a Commit snapshot.
        "history_forecast": (
            "SELECT opportunity_crm_id, julianday(changed_at) AS changed_jd, amount, "
            "forecast_category FROM opportunity_history "
            "WHERE (amount IS NOT NULL OR forecast_category IS NOT NULL) "
            "AND opportunity_crm_id IN (SELECT opportunity_crm_id FROM opportunity_history "
            "WHERE lower(replace(forecast_category, ' ', '')) = 'commit')"
        ),
        # Per deal not closed: the latest activity day and the contacts met (aggregated
        # in SQLite: the activities table runs to ten million rows, and only open deals
        # are checked for staleness and multi-threading). Every deal but those whose
        # closed flag is exactly 1 is read, so no deal the audits count as open is missed;
        # the deal index takes SQLite straight to their activities.
        # ``contacts`` (how many of the deal's activities name a contact) is not kept: it
        # tells whether ``activity_contacts`` can have any row (a second pass over the
        # same activities otherwise; see ``table``).
        "activity_last": (
            "SELECT opportunity_crm_id, julianday(max(substr(coalesce(started_at, "
            "activity_date), 1, 10))) AS last_jd, count(contact_crm_id) AS contacts "
            f"FROM activities WHERE {_NOT_CLOSED} GROUP BY opportunity_crm_id"
        ),
        "activity_contacts": (
            "SELECT DISTINCT opportunity_crm_id, contact_crm_id FROM activities "
            f"WHERE contact_crm_id IS NOT NULL AND {_NOT_CLOSED}"
        ),
        # The columns the capture and hygiene checks read (not the titles: a fifth of the
        # log's memory at scale); the start becomes ``moment`` and ``day``.
        "meetings": (
            "SELECT crm_id, channel, is_external, started_at, is_recorded, skip_reason, "
            "host_crm_id, host_email, account_crm_id, opportunity_crm_id, participant_emails "
            "FROM meetings"
        ),
        "submissions": (
            "SELECT crm_id, period, owner_crm_id, category, amount, submitted_at, "
            "manager_override_amount FROM forecast_submissions"
        ),
        "usage": (
            "SELECT user_crm_id, user_email, day, logins, calls_reviewed, comments, "
            "dashboard_views FROM platform_usage"
        ),
        "imports": "SELECT id, entity, source_name, rows_rejected, started_at FROM imports",
        "rejects": "SELECT import_id, row_number, column_name, value, reason FROM import_rejects",
    }

    # Numeric columns, made numeric even when a table is empty (SQLite gives no types).
    _NUMERIC = {
        "opportunities": (
            "amount",
            "amount_given",
            "probability",
            "is_closed",
            "is_won",
            "next_step_blank",
            "close_jd",
            "created_jd",
            "last_activity_jd",
        ),
        "users": ("is_active",),
        "history_close": ("changed_jd", "close_jd"),
        "history_forecast": ("changed_jd", "amount"),
        "activity_last": ("last_jd", "contacts"),
        "meetings": ("is_external", "is_recorded"),
        "submissions": ("amount", "manager_override_amount"),
        "usage": ("logins", "calls_reviewed", "comments", "dashboard_views"),
        "imports": ("id", "rows_rejected"),
        "rejects": ("import_id", "row_number"),
    }
    # Low-cardinality text kept as objects: one shared string per distinct value.
    # (Ids repeated from row to row too: the account of each deal, the deal of each
    # history row.)
    _REPEATED = {
        "opportunities": ("currency", "account_crm_id"),
        "history_close": ("opportunity_crm_id",),
        "history_forecast": ("opportunity_crm_id",),
        "activity_contacts": ("opportunity_crm_id", "contact_crm_id"),
        "roles": ("opportunity_crm_id", "contact_crm_id"),
        "accounts": ("industry", "country", "segment", "owner_crm_id"),
        "meetings": ("channel", "skip_reason", "host_crm_id", "host_email"),
    }
    _CATEGORICAL = {
        "opportunities": (
            "owner_crm_id",
            "stage",
            "forecast_category",
            "pipeline",
            "type",
            "record_type",
        ),
        "history_forecast": ("forecast_category",),
    }

    def __init__(self, eng: Engagement) -> None:
        self.eng = eng
        self._frames: dict[str, pd.DataFrame] = {}
        # Set by ``run_audits``: the tables the audits still to run will read (None: not
        # known, an audit run on its own, so nothing is let go early; see ``done_with``).
        self.read_later: frozenset[str] | None = None
        self._open_deal_owners: set[str] | None = None
        # Whether an activity of a deal that may be open names a contact (None: not known
        # yet); worked out with ``activity_last``, it spares ``activity_contacts``' pass.
        self._open_activity_contacts: bool | None = None
        self._factorized: dict[tuple[str, str], tuple] = {}  # see ``factorized``
        self.as_of: date = eng.as_of()
        self.meta = eng.meta()
        self.calendar = engagement_calendar(eng)  # fiscal quarters: months or 4-4-5 weeks

    def table(self, name: str) -> pd.DataFrame:
        """The named table or aggregate as a DataFrame (loaded once; do not modify it)."""
        if name not in self._frames:
            sql, params = self._QUERIES[name], ()
            if name == "activity_contacts" and self._open_activity_contacts is False:
                sql = sql + " AND 0"  # none: no pass over the activities (same empty frame)
            frame = self.query(
                sql,
                params,
                numeric=self._NUMERIC.get(name, ()),
                categorical=self._CATEGORICAL.get(name, ()),
                repeated=self._REPEATED.get(name, ()),
            )
            if name == "opportunities":
                self._convert_amounts(frame)
            if name == "activity_last":
                self._open_activity_contacts = bool(frame.pop("contacts").fillna(0).gt(0).any())
            self._frames[name] = self._prepare(name, frame)
            if name == "opportunities":
                self._open_deal_owners = None  # worked out again from the new frame
        return self._frames[name]

    def factorized(self, name: str, column: str) -> tuple[np.ndarray, np.ndarray]:
        """``pd.factorize`` of a text column of a loaded table (integer codes, -1 for NULL,
        and the distinct values as an object array), worked out once per table read:
        several checks group the deals by their account, a million ids to hash each time."""
        key = (name, column)
        frame = self.table(name)
        cached = self._factorized.get(key)
        if cached is None or cached[0] is not frame:
            codes, uniques = pd.factorize(frame[column].to_numpy(dtype=object))
            if len(uniques) < np.iinfo(np.int32).max:
                codes = codes.astype(np.int32)  # half the memory while kept
            cached = (frame, codes, np.asarray(uniques, dtype=object))
            self._factorized[key] = cached
        return cached[1], cached[2]

    def forget_factorized(self) -> None:
        """Let go of the codes ``factorized`` kept (the checks that share them are done)."""
        self._factorized = {}

    def open_deal_owners(self) -> set[str]:
        """The owners of the deals whose closed flag is 0 (as text). Kept once worked out,
        so the opportunities can be let go while this is still needed."""
        if self._open_deal_owners is None:
            opps = self.table("opportunities")
            owners = opps.loc[opps["is_closed"].eq(0), "owner_crm_id"].dropna().astype(str)
            self._open_deal_owners = set(owners)
        return set(self._open_deal_owners)

    def done_with(self, *names: str) -> None:
        """An audit is done with the named tables: when running in a suite and no audit
        still to run reads them, let them go now rather than after the audit (its own
        peak then does not carry them); run on its own, keep them."""
        if self.read_later is None:
            return
        gone = [n for n in names if n in self._frames and n not in self.read_later]
        if gone:
            self.forget(*gone)
            _trim()

    def forget(self, *names: str) -> None:
        """Let go of the named tables now (an audit done with them; read again if asked)."""
        if "opportunities" in names and "opportunities" in self._frames:
            self.open_deal_owners()  # a small set, kept: no need to read the deals again
        for name in names:
            self._frames.pop(name, None)
        self._factorized = {k: v for k, v in self._factorized.items() if k[0] not in names}

    def release(self, keep: set[str] | frozenset[str] = frozenset()) -> None:
        """Let go of every loaded table but ``keep`` (read again if asked for later),
        and hand the freed memory back to the system (see ``_trim``)."""
        self.forget(*[n for n in self._frames if n not in keep])
        _trim()

    def query(
        self,
        sql: str,
        params: tuple = (),
        numeric: tuple[str, ...] = (),
        *,
        categorical: tuple[str, ...] = (),
        repeated: tuple[str, ...] = (),
    ) -> pd.DataFrame:
        """Rows of ``sql`` as a DataFrame: ``numeric`` columns as floats, the rest as
        Python objects (pandas' own reader would turn text into Arrow strings only for
        the audits to turn them back, which costs more than the read at a million rows).

        Read in blocks of ``QUERY_BLOCK`` rows, so the rows as Python tuples never exist
        all at once (at a million deals they took several times the frame's memory):
        each block's numbers become float arrays, and ``categorical`` and ``repeated``
        text (stage, owner, currency) shares one string object per distinct value. The
        values are the same as reading everything at once. Text is decoded by SQLite's
        own UTF-8 reader, and read again the engagement's way (bytes that are not UTF-8
        replaced) only when some of it is not UTF-8.
        """
        shapes = (numeric, categorical, repeated)
        try:
            with builtin_utf8(self.eng.conn):
                return self._query(sql, params, *shapes)
        except sqlite3.OperationalError as exc:
            if not is_decode_error(exc):
                raise
        return self._query(sql, params, *shapes)

    def _query(
        self,
        sql: str,
        params: tuple,
        numeric: tuple[str, ...],
        categorical: tuple[str, ...],
        repeated: tuple[str, ...],
    ) -> pd.DataFrame:
        cursor = self.eng.conn.execute(sql, params)
        names = [d[0] for d in cursor.description]
        parts: dict[str, list] = {name: [] for name in names}
        seen: dict[str, dict] = {name: {} for name in names if name in repeated}
        per_row: dict[str, bool] = {}  # see ``_shared_strings``
        while rows := cursor.fetchmany(QUERY_BLOCK):
            table = np.empty((len(rows), len(names)), dtype=object)
            table[:] = rows
            del rows
            for i, name in enumerate(names):
                column = table[:, i]
                if name in numeric:
                    part = pd.to_numeric(pd.Series(column, dtype=object), errors="coerce")
                    parts[name].append(part.to_numpy())
                elif name in categorical:
                    parts[name].append(_coded_block(column))
                elif name in repeated:
                    first = name not in per_row
                    parts[name].append(
                        _shared_strings(column, seen[name], per_row=per_row.get(name, False))
                    )
                    if first:
                        per_row[name] = len(seen[name]) > _MOSTLY_DISTINCT * len(column)
                else:
                    parts[name].append(column.copy())
            del table
        if not names or not parts[names[0]]:
            return self._query_empty(names, numeric)
        del seen
        data = {}
        for name in names:
            blocks = parts.pop(name)
            if name in numeric:
                data[name] = pd.Series(_concat_numbers(blocks))
            elif name in categorical:
                data[name] = _categorical(blocks)
            else:
                data[name] = pd.Series(np.concatenate(blocks), dtype=object)
            del blocks
        # copy=False: the columns just built become the frame (a copy would double them)
        return pd.DataFrame(data, columns=names, copy=False)

    @staticmethod
    def _query_empty(names: list[str], numeric: tuple[str, ...]) -> pd.DataFrame:
        data = {}
        for name in names:
            empty = pd.Series(np.empty(0, dtype=object), dtype=object)
            data[name] = pd.to_numeric(empty, errors="coerce") if name in numeric else empty
        return pd.DataFrame(data, columns=names)

    def activities_between(
        self, start: date, end: date, kinds: tuple[str, ...], *, linked: bool = False
    ) -> pd.DataFrame:
        """CRM activities of ``kinds`` dated ``start``..``end`` (both inclusive); with
        ``linked`` only those linked to an account, a deal or a contact. The ids repeated
        from row to row (kind, owner, account, deal) share one string per value: at ten
        million activities a quarter's calls and events run to most of a million rows. The
        dates and times as written are not kept: ``moment`` (the start, else the date at
        midnight), ``has_time`` and ``day`` replace them."""
        marks = ", ".join("?" for _ in kinds)
        where_linked = (
            " AND (account_crm_id IS NOT NULL OR opportunity_crm_id IS NOT NULL "
            "OR contact_crm_id IS NOT NULL)"
            if linked
            else ""
        )
        frame = self.query(
            "SELECT crm_id, kind, owner_crm_id, account_crm_id, opportunity_crm_id, "
            "contact_crm_id, activity_date, started_at FROM activities "
            f"WHERE kind IN ({marks}) AND substr(coalesce(started_at, activity_date), 1, 10) "
            f"BETWEEN ? AND ?{where_linked}",
            (*kinds, start.isoformat(), end.isoformat()),
            repeated=(
                "kind",
                "owner_crm_id",
                "account_crm_id",
                "opportunity_crm_id",
                "contact_crm_id",
                "activity_date",
            ),
        )
        started = to_moment(frame.pop("started_at"))
        # the activity's date where it has no readable time: parsed once per distinct day
        codes, days = pd.factorize(frame.pop("activity_date").to_numpy(dtype=object))
        dated = to_moment(pd.Series(days, dtype=object)).to_numpy(dtype="datetime64[ns]")
        dated = np.append(dated, np.datetime64("NaT", "ns"))[codes]  # -1 (NULL): NaT
        frame["moment"] = started.fillna(pd.Series(dated, index=frame.index))
        frame["has_time"] = started.notna()
        frame["day"] = frame["moment"].dt.normalize()
        return frame

    def _currency_params(self) -> tuple:
        return (self.meta.currency.upper(), self.as_of.isoformat())

    def _convert_amounts(self, frame: pd.DataFrame) -> None:
        """Add ``amount`` (after ``amount_given``'s place before it): the amount in the
        engagement's currency. A deal with no currency or the engagement's keeps its
        amount as written (``_AMOUNT_SQL``'s first case), so SQLite converts only the
        deals in another currency, when there are any (a second, filtered pass): at a
        million deals in one currency the conversion's test on every row cost more than
        the deals' few other currencies ever do. The same values and type as converting
        every row in the first pass."""
        amounts = frame["amount_given"].copy()
        code = self._currency_params()[0]
        currency = frame["currency"].to_numpy(dtype=object)
        others = [c for c in pd.unique(currency) if c is not None and c != code]
        if others:
            rows = self.query(
                f"SELECT crm_id, {_AMOUNT_SQL} AS amount FROM opportunities "
                "WHERE currency IS NOT NULL AND upper(currency) != ?1",
                self._currency_params(),
                numeric=("amount",),
            )
            ids = pd.Index(frame["crm_id"].to_numpy(dtype=object))
            if not ids.is_unique:  # ids equal only once bytes not UTF-8 were replaced
                rows = self.query(
                    f"SELECT {_AMOUNT_SQL} AS amount FROM opportunities",
                    self._currency_params(),
                    numeric=("amount",),
                )  # every deal, in the order of the first pass (both read the table)
                frame.insert(int(frame.columns.get_loc("amount_given")), "amount", rows["amount"])
                return
            if len(rows):
                where = ids.get_indexer(rows["crm_id"].to_numpy(dtype=object))
                # converted amounts are REAL or NULL: one such makes the column floats
                amounts = amounts.astype(float)
                amounts.iloc[where] = rows["amount"].astype(float).to_numpy()
        frame.insert(int(frame.columns.get_loc("amount_given")), "amount", amounts)

    def unconverted_amounts(self) -> dict[str, int]:
        """Deals with an amount in a currency that has no conversion rate to the
        engagement's currency (left out of money figures): currency -> count."""
        opps = self.table("opportunities")
        missing = opps["amount_given"].notna() & opps["amount"].isna()
        if not missing.any():
            return {}
        codes = opps.loc[missing, "currency"].astype(object).fillna("?")
        return {str(k): int(v) for k, v in codes.value_counts().sort_index().items()}

    def currency_note(self) -> str | None:
        """A sentence on the amounts left out for want of a conversion rate, if any."""
        missing = self.unconverted_amounts()
        if not missing:
            return None
        total = sum(missing.values())
        parts = ", ".join(f"{code} {n:,}" for code, n in missing.items())
        return (
            f"{total:,} {'deal has' if total == 1 else 'deals have'} an amount in a currency "
            f"without a conversion rate to {self.meta.currency} ({parts}): "
            f"{'it is' if total == 1 else 'they are'} left out of every money figure (deal "
            "size, won amount, velocity, forecast actuals), never added as if converted. "
            "Import the conversion rates (Salesforce DatedConversionRate or CurrencyType "
            "export, or a sheet with Currency, Rate, From, Until)."
        )

    def count(self, table: str) -> int:
        """Rows in a core table without loading it."""
        return int(self.eng.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    @classmethod
    def _prepare(cls, name: str, frame: pd.DataFrame) -> pd.DataFrame:
        categorical = cls._CATEGORICAL.get(name, ())
        for column in frame.columns:
            if column in cls._NUMERIC.get(name, ()):
                frame[column] = pd.to_numeric(frame[column], errors="coerce")
            elif column in categorical:
                if not isinstance(frame[column].dtype, pd.CategoricalDtype):  # read as codes
                    frame[column] = frame[column].astype("object").astype("category")
            elif frame.empty or frame[column].dtype != object:
                frame[column] = frame[column].astype("object")
        if name == "opportunities":
            frame["close_day"] = _jd_to_day(frame["close_jd"]).dt.normalize()
            frame["created_day"] = _jd_to_day(frame["created_jd"]).dt.normalize()
            frame["last_activity_day"] = _jd_to_day(frame["last_activity_jd"]).dt.normalize()
            frame["is_closed"] = frame["is_closed"].fillna(0).astype(int)
            frame["is_won"] = frame["is_won"].fillna(0).astype(int)
            frame["next_step_blank"] = frame["next_step_blank"].fillna(1).astype(bool)
        elif name in ("history_close", "history_forecast"):
            frame["changed"] = _jd_to_day(frame["changed_jd"])
            if name == "history_close":
                frame["close_day"] = _jd_to_day(frame["close_jd"]).dt.normalize()
        elif name == "activity_last":
            frame["day"] = _jd_to_day(frame["last_jd"]).dt.normalize()
        # the julian day numbers have become timestamps: not kept twice (at a million
        # deals and three million changes each such column is 8-24 MB)
        jd = [c for c in frame.columns if str(c).endswith("_jd")]
        if jd:
            frame = frame.drop(columns=jd)
        elif name == "meetings":
            frame["moment"] = to_moment(frame.pop("started_at"))
            frame["day"] = frame["moment"].dt.normalize()
        elif name == "submissions":
            frame["submitted"] = to_moment(frame["submitted_at"])
        elif name == "usage":
            frame["day_ts"] = to_day(frame["day"])
        elif name == "imports":
            frame["started"] = to_moment(frame["started_at"])
        return frame

    def user_names(self) -> dict[str, str]:
        """CRM user id -> display name (the id itself when the user record has no name)."""
        users = self.table("users")
        return {
            str(k): (str(v) if isinstance(v, str) and v.strip() else str(k))
            for k, v in zip(users["crm_id"], users["name"], strict=True)
        }

    def owner_attributes(self) -> pd.DataFrame:
        """One row per user: ``owner_crm_id``, ``owner_name``, ``team``, ``owner_segment``."""
        users = self.table("users")
        return pd.DataFrame(
            {
                "owner_crm_id": users["crm_id"].astype(str),
                "owner_name": users["name"].where(~blank(users["name"]), users["crm_id"]),
                "team": users["team"].where(~blank(users["team"]), None),
                "owner_segment": users["segment"].where(~blank(users["segment"]), None),
            }
        )


def local_day(moments: pd.Series, zones: pd.Series, default: str = "UTC") -> pd.Series:
    """The calendar day of UTC ``moments`` in each row's time zone (IANA name; blank or
    unknown: ``default``), as day-precision timestamps without a zone."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    def usable(name: object) -> str:
        if isinstance(name, str) and name.strip():
            try:
                ZoneInfo(name.strip())
                return name.strip()
            except (ZoneInfoNotFoundError, ValueError):
                pass
        return default

    out = pd.Series(pd.NaT, index=moments.index, dtype="datetime64[ns]")
    names = zones.map(usable) if len(zones) else zones
    for zone in pd.unique(names):
        rows = names.eq(zone).to_numpy() & moments.notna().to_numpy()
        if not rows.any():
            continue
        local = moments[rows].dt.tz_localize("UTC").dt.tz_convert(zone).dt.tz_localize(None)
        out[rows] = local.dt.normalize().astype("datetime64[ns]").to_numpy()
    return out
