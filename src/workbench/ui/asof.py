"""Which stored run a page's figures come from, and the data's as-of day, in words.

Every page that shows a figure says, in one line under its header, the stored run it
reads and the day the data describes, e.g. "CRM hygiene audit of 3 Dec 2026 10:14
(run #3), data as of 16 Nov 2026". Runs stored together (the audits of one Run) are
named in one phrase. A run whose inputs changed since says so and how to refresh it.
Qt-free: the pages put the text in a label (see ``BasePage.as_of_text``).
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from workbench.models import Engagement, vocabulary
from workbench.models.runs import REFRESH, family, fingerprint, known_fingerprint, run_title

AUDIT_KINDS = ("audit:crm-hygiene", "audit:capture", "audit:baselines", "audit:maintenance")


def day(iso: str | dt.date | None) -> str:
    """'2026-11-16' -> '16 Nov 2026' (the text itself when it is not a date)."""
    if iso is None or iso == "":
        return ""
    try:
        value = iso if isinstance(iso, dt.date) else dt.date.fromisoformat(str(iso)[:10])
    except ValueError:
        return str(iso)
    return f"{value.day} {value:%b %Y}"


def moment(iso: str | None) -> str:
    """A stored UTC moment ('2026-12-03T09:14:05') in the laptop's local time:
    '3 Dec 2026 10:14'."""
    if not iso:
        return ""
    try:
        value = dt.datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    local = value.astimezone()
    return f"{local.day} {local:%b %Y %H:%M}"


def dates_in(text: str) -> str:
    """A sentence from the layers below (which the command line says with ISO dates)
    as the GUI says dates: days as ``day`` ("go-live on 11 Jan 2027"),
    stored moments as ``moment``. ISO text inside a name or a number is left alone."""
    return vocabulary.dates_in(text, day, moment)


def run_label(run) -> str:
    """``Run.label()`` in the GUI's words: 'run #12 of 3 Dec 2026 10:14, as of 16 Nov 2026'."""
    return run.label(day=day, moment=moment)


class _Quick:
    """While ``quick()`` is active, a fingerprint not cached yet is not computed: the
    stale verdict is left out and ``deferred`` set, so the page can say the rest a
    moment later (the first window on a large file does not wait for it)."""

    active = False
    deferred = False


@contextmanager
def quick():
    """Leave out stale verdicts that would need counting the data tables now;
    yields the state whose ``deferred`` says whether one was left out."""
    state = _Quick()
    state.active = True
    previous, _STATE[0] = _STATE[0], state
    try:
        yield state
    finally:
        _STATE[0] = previous


_STATE: list[_Quick] = [_Quick()]


def _fingerprint(eng: Engagement, kind: str) -> str | None:
    """``runs.fingerprint`` (counts every data table: a fraction of a second on a large
    file; it is taken again only when the file changed). While ``quick()`` is active
    and it is not known yet, None: the page asks again once it is shown."""
    known = known_fingerprint(eng, kind)
    if known is not None:
        return known
    state = _STATE[0]
    if state.active:
        state.deferred = True
        return None
    return fingerprint(eng, kind)


def _latest(eng: Engagement, kind: str) -> tuple[int, str, str, str] | None:
    """(id, created_at, as_of, fingerprint) of the newest run of ``kind``, without
    reading its (possibly large) result."""
    return eng.conn.execute(
        "SELECT id, created_at, as_of, fingerprint FROM runs WHERE kind = ? "
        "ORDER BY id DESC LIMIT 1",
        (kind,),
    ).fetchone()


def _lower(title: str) -> str:
    """'Capture gap analysis' -> 'capture gap analysis'; 'CRM hygiene audit' stays."""
    return title if title[1:2].isupper() else title[:1].lower() + title[1:]


def _names(titles: list[str]) -> str:
    words = [titles[0], *(_lower(t) for t in titles[1:])]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def runs_text(eng: Engagement, kinds: tuple[str, ...], *, missing: str = "") -> str:
    """One sentence naming the latest stored run of each of ``kinds``.

    Runs stored the same minute for the same as-of day are named together. Kinds
    never run are named at the end ("Not run yet: ..."), or ``missing`` is said when
    none of them has run. Runs whose inputs changed since say how to refresh them.
    """
    as_of = eng.as_of().isoformat()
    groups: dict[tuple[str, str], list[tuple[str, int]]] = {}
    stale: dict[str, list[str]] = {}
    absent: list[str] = []
    for kind in kinds:
        row = _latest(eng, kind)
        if row is None:
            absent.append(run_title(kind))
            continue
        run_id, created, run_as_of, print_ = row
        groups.setdefault((moment(created), run_as_of), []).append((run_title(kind), run_id))
        current = _fingerprint(eng, kind)
        if (current is not None and print_ != current) or run_as_of != as_of:
            how = REFRESH.get(family(kind), "run it again")
            stale.setdefault(how, []).append(run_title(kind))
    if not groups:
        return missing or f"Data as of {day(as_of)}; nothing computed yet: {_names(absent)}."
    parts = []
    for (when, run_as_of), named in groups.items():
        numbers = ", ".join(f"#{i}" for _, i in named)
        runs = "run" if len(named) == 1 else "runs"
        parts.append(
            f"{_names([t for t, _ in named])} of {when} ({runs} {numbers}), "
            f"data as of {day(run_as_of)}"
        )
    text = "; ".join(parts) + "."
    if absent:
        text += f" Not run yet: {_names(absent)}."
    for how, titles in stale.items():
        text += f" The data changed since the {_lower(_names(titles))}: {how}."
    return text


def imports_text(eng: Engagement) -> str:
    """The data's as-of day and the import it was last changed by."""
    as_of = day(eng.as_of())
    row = eng.conn.execute(
        "SELECT id, entity, source_name, coalesce(finished_at, started_at) FROM imports "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return f"Data as of {as_of}; nothing imported yet."
    count = eng.conn.execute("SELECT count(*) FROM imports").fetchone()[0]
    return (
        f"Data as of {as_of}; last import {moment(row[3])} (import #{row[0]} of {count:,}: "
        f"{row[2]}, {row[1].replace('_', ' ')})."
    )


def coaching_text(eng: Engagement) -> str:
    """The latest coaching measurement (its own table, not the runs table)."""
    try:
        row = eng.conn.execute(
            "SELECT id, run_at, as_of FROM coaching_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
    except Exception:  # an engagement without coaching tables
        row = None
    if row is None:
        return f"Calls not measured yet; data as of {day(eng.as_of())}."
    return f"Coaching measurement of {moment(row[1])} (run #{row[0]}), data as of {day(row[2])}."
