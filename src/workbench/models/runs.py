"""Stored runs: one computed figure set, read back by every face.

An audit, a calibration, the open pipeline's scores, the evaluation's Monte Carlo
and sensitivity are each computed once by their capability's operation and saved
here with the day they treat as today (``as_of``), their parameters (seed, draws,
...) and a fingerprint of the inputs they read. The GUI pages, ``--json`` and the
documents read the latest run of a kind (or a named one) instead of computing again,
and say which run they show; ``Run.stale`` is true when the inputs' fingerprint or
the engagement's as-of day changed since, and ``Run.refresh`` says how to refresh.

Results are stored as JSON; ``to_jsonable`` and ``from_jsonable`` turn a result
dataclass (nested dataclasses, lists, dicts, dates) into JSON and back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import math
import types
import typing
import weakref
import zlib
from dataclasses import dataclass, field
from typing import Any

from workbench.errors import WorkbenchError
from workbench.models.engagement import Engagement, now_iso

# Tables whose rows feed the audits and scoring. Count and largest rowid are enough:
# imports append (and record an ``imports`` row when they update in place).
DATA_TABLES = (
    "accounts",
    "contacts",
    "opportunities",
    "opportunity_contact_roles",
    "opportunity_history",
    "activities",
    "users",
    "meetings",
    "forecast_submissions",
    "platform_usage",
    "pipeline_stages",
    "imports",
    "transcript_turns",
)
# Small tables hashed in full (edits change values in place).
# (the intake form names the competitors the conversation trackers count)
SCORING_TABLES = ("scoring_rule_sets", "scoring_rules", "lc_intake_items")
EVALUATION_TABLES = (
    "evaluations",
    "evaluation_criteria",
    "evaluation_evaluators",
    "evaluation_vendors",
    "evaluation_scores",
    "evaluation_scale",
    "evaluation_pilot_results",
    "evaluation_tco",
    "evaluation_tco_licences",
)

# Runs kept per kind (older ones are deleted when a new one is stored).
KEEP = 20

# Run kind -> (tables counted, tables hashed in full, settings key prefixes ignored).
_INPUTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # the consultant's same/different decisions on duplicate pairs change the hygiene
    # audit's clusters (a decision is edited in place, so it is hashed in full)
    "audit": (DATA_TABLES + ("quotas", "currency_rates"), ("duplicate_decisions",)),
    "calibration": (DATA_TABLES, SCORING_TABLES),
    "scoring": (DATA_TABLES, SCORING_TABLES),
    "evaluation": ((), EVALUATION_TABLES),
}

# How the consultant refreshes a run of each kind (the command; the GUI page says the same).
REFRESH = {
    "audit": "run the audits again (Audits page, Run audits; or workbench audit FILE)",
    "calibration": "calibrate again (Scoring page, Calibrate; or workbench calibrate FILE)",
    "scoring": "score the pipeline again (Scoring page, Score; or workbench score FILE)",
    "evaluation": "recompute the evaluation (Evaluation page; or workbench evaluate FILE)",
}


# How pages and documents name each kind of run.
RUN_TITLES = {
    "audit:crm-hygiene": "CRM hygiene audit",
    "audit:capture": "Capture gap analysis",
    "audit:baselines": "Baselines",
    "audit:baselines-segment": "Baselines of one segment",
    "audit:maintenance": "Maintenance checks",
    "audit:matching": "Call matching and consent",
    "calibration": "Deal scoring calibration",
    "scoring": "Open pipeline risk scores",
    "evaluation:monte-carlo": "Evaluation robustness (Monte Carlo)",
    "evaluation:sensitivity": "Evaluation sensitivity",
}


def family(kind: str) -> str:
    """``audit:capture`` -> ``audit``."""
    return kind.split(":", 1)[0]


@dataclass
class Run:
    """One stored run; ``result`` is the JSON the capability saved."""

    id: int
    kind: str
    created_at: str
    as_of: str
    fingerprint: str
    parameters: dict = field(default_factory=dict)
    result: Any = None
    status: str = "ok"
    stale: bool = False

    @property
    def refresh(self) -> str:
        return REFRESH.get(family(self.kind), "run it again")

    def describe(self) -> dict:
        """What ``--json`` says about the run shown: id, created_at, as_of, stale."""
        return {
            "id": self.id,
            "kind": self.kind,
            "created_at": self.created_at,
            "as_of": self.as_of,
            "parameters": self.parameters,
            "stale": self.stale,
        }

    def label(self, *, day=None, moment=None) -> str:
        """One line for pages and documents: 'run #12 of 2026-12-03, as of 2026-11-16'.

        ``day`` and ``moment`` say the as-of day and when the run was stored in other
        words (the GUI's: '16 Nov 2026', '3 Dec 2026 10:14' at local time).
        """
        as_of = day(self.as_of) if day else self.as_of
        if not self.id:
            return f"computed as of {as_of} (not stored: the file is open read-only)"
        when = moment(self.created_at) if moment else self.created_at[:10]
        text = f"run #{self.id} of {when}, as of {as_of}"
        if self.stale:
            text += f"; the data changed since: {self.refresh}"
        return text


# Fingerprints already taken, by engagement, then by run family: valid while nothing
# changed the file (no change through this connection, no commit by another one).
_PRINTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _state(eng: Engagement) -> tuple[int, int]:
    """Moves when the file changed: ``total_changes`` when this connection wrote,
    ``PRAGMA data_version`` when another one (a task's) committed."""
    return eng.conn.total_changes, eng.conn.execute("PRAGMA data_version").fetchone()[0]


def known_fingerprint(eng: Engagement, kind: str) -> str | None:
    """``fingerprint(eng, kind)`` when it was taken since the file last changed, else
    None (without counting anything: a page's first paint asks this)."""
    found = _PRINTS.get(eng, {}).get(family(kind))
    return found[1] if found is not None and found[0] == _state(eng) else None


def fingerprint(eng: Engagement, kind: str) -> str:
    """A cheap hash of what a run of ``kind`` reads (row counts, last rowids, small
    tables in full, the settings and the engagement's own record), taken again only
    when the file changed (an export reads a dozen runs of the same few families; every
    kind of a family shares one fingerprint)."""
    state = _state(eng)
    known = _PRINTS.setdefault(eng, {})
    found = known.get(family(kind))
    if found is None or found[0] != state:
        found = known[family(kind)] = (state, _fingerprint(eng, kind))
    return found[1]


def _fingerprint(eng: Engagement, kind: str) -> str:
    counted, hashed = _INPUTS[family(kind)]
    h = hashlib.sha256()
    conn = eng.conn
    for table in counted:
        row = conn.execute(f"SELECT count(*), max(rowid) FROM {table}").fetchone()
        h.update(f"{table}:{row[0]}:{row[1]};".encode())
    for table in hashed:
        h.update(table.encode())
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY rowid"):
            h.update(repr(row).encode())
    for row in conn.execute(
        "SELECT key, value FROM settings WHERE key NOT LIKE 'lifecycle.%' "
        "AND key NOT LIKE 'ui.%' AND key NOT LIKE 'evaluation.%' ORDER BY key"
    ):
        h.update(repr(row).encode())
    meta = conn.execute(
        "SELECT project_kind, engagement_type, currency, fiscal_year_start_month, date_order "
        "FROM engagement WHERE id = 1"
    ).fetchone()
    h.update(repr(meta).encode())
    return h.hexdigest()[:32]


def save_run(
    eng: Engagement,
    kind: str,
    result: Any,
    *,
    parameters: dict | None = None,
    as_of: dt.date | None = None,
    status: str = "ok",
) -> Run:
    """Store a run (call inside the operation's transaction) and return it."""
    run = Run(
        id=0,
        kind=kind,
        created_at=now_iso(),
        as_of=(as_of or eng.as_of()).isoformat(),
        fingerprint=fingerprint(eng, kind),
        parameters=to_jsonable(parameters or {}),
        result=to_jsonable(result),
        status=status,
    )
    cur = eng.conn.execute(
        "INSERT INTO runs (kind, created_at, as_of, fingerprint, parameters, result, status) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            run.kind,
            run.created_at,
            run.as_of,
            run.fingerprint,
            json.dumps(run.parameters, sort_keys=True),
            _pack(run.result),
            run.status,
        ),
    )
    run.id = int(cur.lastrowid)
    # keep the file small: the latest KEEP runs of each kind stay readable by number
    eng.conn.execute(
        "DELETE FROM runs WHERE kind = ? AND id NOT IN "
        "(SELECT id FROM runs WHERE kind = ? ORDER BY id DESC LIMIT ?)",
        (kind, kind, KEEP),
    )
    return run


def _pack(result: Any) -> str | bytes:
    """The result as JSON text, zlib-compressed when large (a scored pipeline)."""
    text = json.dumps(result, allow_nan=False)
    return zlib.compress(text.encode(), 6) if len(text) > 64_000 else text


def _unpack(value: str | bytes) -> Any:
    return json.loads(zlib.decompress(value) if isinstance(value, bytes) else value)


def latest_run(eng: Engagement, kind: str, run_id: int | None = None) -> Run | None:
    """The newest run of ``kind`` (or run ``run_id``, which must be of that kind)."""
    sql = "SELECT id, kind, created_at, as_of, fingerprint, parameters, result, status FROM runs "
    if run_id is not None:
        row = eng.conn.execute(sql + "WHERE id = ? AND kind = ?", (run_id, kind)).fetchone()
        if row is None:
            raise WorkbenchError(missing_run_message(eng, kind, run_id))
    else:
        row = eng.conn.execute(sql + "WHERE kind = ? ORDER BY id DESC LIMIT 1", (kind,)).fetchone()
    if row is None:
        return None
    run = Run(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), _unpack(row[6]), row[7])
    run.stale = is_stale(eng, run)
    return run


def run_title(kind: str) -> str:
    """How a kind of run is named to the consultant ("Capture gap analysis")."""
    return RUN_TITLES.get(kind, kind)


def kind_of_run(eng: Engagement, run_id: int) -> str | None:
    """The kind of stored run ``run_id``; None when there is no such run."""
    row = eng.conn.execute("SELECT kind FROM runs WHERE id = ?", (run_id,)).fetchone()
    return row[0] if row else None


def missing_run_message(eng: Engagement, kind: str | None, run_id: int) -> str:
    """One sentence for a run number that is not stored (as a run of ``kind`` when
    given): what run ``run_id`` is instead, and which numbers are stored."""
    # Kinds as the CLI names them ('workbench runs FILE --kind audit:capture').
    what = f"{kind} run" if kind else "run"
    text = f"There is no stored {what} number {run_id}"
    other = kind_of_run(eng, run_id)
    if other is not None and other != kind:
        text += f" (run #{run_id} is the {run_title(other)}, kind {other})"
    sql, params = "SELECT id FROM runs ORDER BY id DESC", ()
    if kind:
        sql, params = "SELECT id FROM runs WHERE kind = ? ORDER BY id DESC", (kind,)
    ids = [r[0] for r in eng.conn.execute(sql, params)]
    if ids:
        numbers = ", ".join(f"#{i}" for i in ids)
        return f"{text}; the stored ones are {numbers} (see 'workbench runs FILE')."
    refresh = REFRESH.get(family(kind), "run it first") if kind else "nothing has run yet"
    return f"{text}; none is stored yet: {refresh}."


def list_runs(eng: Engagement, kind: str | None = None) -> list[Run]:
    """Stored runs, newest first, without their results (``result`` is None)."""
    sql = "SELECT id, kind, created_at, as_of, fingerprint, parameters, status FROM runs"
    rows = (
        eng.conn.execute(sql + " WHERE kind = ? ORDER BY id DESC", (kind,))
        if kind
        else eng.conn.execute(sql + " ORDER BY id DESC")
    ).fetchall()
    out = []
    prints: dict[str, str] = {}
    for r in rows:
        run = Run(r[0], r[1], r[2], r[3], r[4], json.loads(r[5]), None, r[6])
        if run.kind not in prints:
            prints[run.kind] = fingerprint(eng, run.kind)
        run.stale = run.fingerprint != prints[run.kind] or run.as_of != eng.as_of().isoformat()
        out.append(run)
    return out


def is_stale(eng: Engagement, run: Run) -> bool:
    """True when the inputs or the engagement's as-of day changed since the run."""
    return run.fingerprint != fingerprint(eng, run.kind) or run.as_of != eng.as_of().isoformat()


# ------------------------------------------------------------------ JSON round trip
def to_jsonable(obj: Any) -> Any:
    """Dataclasses, dates, tuples, numpy scalars and NaN into plain JSON values."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, float):
        return None if math.isnan(obj) or math.isinf(obj) else obj
    if isinstance(obj, int):
        return obj
    if hasattr(obj, "item"):  # numpy scalar
        return to_jsonable(obj.item())
    return str(obj)


@functools.cache
def _dataclass_fields(tp: type) -> tuple[tuple[str, Any, bool], ...]:
    """(name, type, init) of each field of dataclass ``tp``, resolved once per class:
    resolving the annotations is most of the cost of reading a large stored run (a
    scored pipeline holds thousands of deals and reasons)."""
    hints = typing.get_type_hints(tp)
    return tuple((f.name, hints.get(f.name, Any), f.init) for f in dataclasses.fields(tp))


def from_jsonable(tp: Any, data: Any) -> Any:
    """Rebuild a value of type ``tp`` (a dataclass or a typing annotation) from JSON."""
    if data is None:
        return None
    return _converter(tp)(data)


def _converter(tp: Any) -> typing.Callable[[Any], Any]:
    """The function that rebuilds a value of type ``tp`` from (non-null) JSON, made once
    per type: a scored pipeline holds thousands of deals and reasons, and deciding what
    each annotation means for every value was most of the cost of reading it back."""
    try:
        return _cached_converter(tp)
    except TypeError:  # an unhashable annotation: made every time
        return _make_converter(tp)


@functools.lru_cache(maxsize=1024)
def _cached_converter(tp: Any) -> typing.Callable[[Any], Any]:
    return _make_converter(tp)


def _identity(data: Any) -> Any:
    return data


def _make_converter(tp: Any) -> typing.Callable[[Any], Any]:
    if isinstance(tp, str):

        def unresolved(data: Any) -> Any:
            raise TypeError(f"unresolved annotation {tp!r}")

        return unresolved
    if dataclasses.is_dataclass(tp):
        return _dataclass_converter(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return _nullable(options[0]) if len(options) == 1 else _identity
    if origin in (list, set, frozenset) or tp in (list,):
        inner = _nullable(args[0] if args else Any)
        return lambda data: [inner(v) for v in data]
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            each = _nullable(args[0])
            return lambda data: tuple(each(v) for v in data)
        if args:
            convs = [_nullable(a) for a in args]
            return lambda data: tuple(c(v) for c, v in zip(convs, data, strict=False))
        return tuple
    if origin is dict:
        value = _nullable(args[1] if len(args) == 2 else Any)
        return lambda data: {k: value(v) for k, v in data.items()}
    if tp is dt.date:
        return lambda data: dt.date.fromisoformat(data[:10])
    if tp is dt.datetime:
        return dt.datetime.fromisoformat
    if tp is float:
        return lambda data: float(data) if isinstance(data, int) else data
    return _identity


def _nullable(tp: Any) -> typing.Callable[[Any], Any]:
    """The converter of ``tp`` that passes a null through (made when first used, so that
    a dataclass may refer to itself)."""
    conv = None

    def convert(data: Any) -> Any:
        nonlocal conv
        if data is None:
            return None
        if conv is None:
            conv = _converter(tp)
        return conv(data)

    return convert


def _dataclass_converter(tp: type) -> typing.Callable[[Any], Any]:
    fields = None

    def convert(data: Any) -> Any:
        nonlocal fields
        if fields is None:
            fields = [(name, _nullable(hint), init) for name, hint, init in _dataclass_fields(tp)]
        kwargs, later = {}, {}
        for name, conv, init in fields:
            if name in data:
                (kwargs if init else later)[name] = conv(data[name])
        obj = tp(**kwargs)
        for name, value in later.items():
            setattr(obj, name, value)
        return obj

    return convert
