"""The coaching capability's user actions (DESIGN's seam): typed request in, result out.

Each operation runs in one transaction and raises ``WorkbenchError`` with one plain
sentence when the request cannot be done; the engagement is then unchanged. The
CLI (``workbench import``/``speakers``/``coaching``/``trackers``/``scorecard``) and
the GUI's Coaching page call only these.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from workbench.coaching import analysis
from workbench.coaching.importing import StoredCall, file_sha256, store_transcript
from workbench.coaching.speakers import SpeakerDirectory, name_key
from workbench.coaching.transcripts import read_transcripts, transcript_files
from workbench.errors import WorkbenchError
from workbench.models import Engagement, now_iso
from workbench.progress import Progress

ROLES = ("rep", "customer")


# ------------------------------------------------------------------ import
@dataclass
class ImportTranscriptsRequest:
    source: Path
    call_id: str | None = None  # only for a single file whose name is not the call's id


@dataclass
class CueReject:
    file: str
    cue: int
    field: str
    value: str
    reason: str


@dataclass
class ImportTranscriptsResult:
    import_id: int
    source_name: str
    files: int
    calls: list[StoredCall]
    rejected_files: list[tuple[str, str]]
    rejected_cues: list[CueReject]
    unknown_speakers: list[str]

    @property
    def utterances(self) -> int:
        return sum(c.utterances for c in self.calls)


def import_transcripts(
    eng: Engagement, request: ImportTranscriptsRequest, *, progress: Progress | None = None
) -> ImportTranscriptsResult:
    """Import one transcript file or a folder of them (one transaction).

    A single file that is not a usable transcript raises; in a folder such a file is
    reported and left out, and the other files are stored.
    """
    progress = progress or Progress.none()
    source = Path(request.source)
    if not source.exists():
        raise WorkbenchError(f"{source} does not exist.")
    files = transcript_files(source)
    if not files:
        raise WorkbenchError(f"{source} holds no transcript files (.vtt, .srt, .json, .txt).")
    single = source.is_file()
    if request.call_id and not single:
        raise WorkbenchError("A call id can only be given for a single transcript file.")
    now = now_iso()
    calls: list[StoredCall] = []
    rejected_files: list[tuple[str, str]] = []
    cue_rejects: list[CueReject] = []
    with eng.atomic() as conn:
        cur = conn.execute(
            "INSERT INTO imports (entity, source_name, source_kind, sha256, profile, started_at) "
            "VALUES ('transcripts', ?, ?, ?, 'transcript', ?)",
            (
                source.name,
                "file" if single else "folder",
                file_sha256(source) if single else None,
                now,
            ),
        )
        import_id = int(cur.lastrowid)
        directory = SpeakerDirectory(conn, list(eng.setting("coaching.internal_domains", []) or []))
        for i, (path, parsed_calls, digest) in enumerate(_parsed(files)):
            if i % 50 == 0:
                progress.update(
                    i / len(files), f"Reading {path.name} ({i + 1:,} of {len(files):,})"
                )
            name = str(path.relative_to(source)) if not single else path.name
            if isinstance(parsed_calls, str):
                if single:
                    raise WorkbenchError(parsed_calls)
                rejected_files.append((name, parsed_calls))
                continue
            for parsed in parsed_calls:
                if request.call_id:
                    parsed.call_id = request.call_id
                sha = (
                    digest
                    if len(parsed_calls) == 1
                    else hashlib.sha256(f"{digest}:{parsed.call_id}".encode()).hexdigest()
                )
                parsed.source_name = name
                stored = store_transcript(
                    conn, parsed, directory, sha256=sha, import_id=import_id, now=now
                )
                calls.append(stored)
                if stored.unchanged:
                    continue
                cue_rejects += [
                    CueReject(name, r.number, r.field, r.value, r.reason) for r in parsed.rejected
                ]
        if not calls:
            raise WorkbenchError(
                f"No file in {source.name} is a usable transcript; the first: "
                f"{rejected_files[0][1] if rejected_files else 'none found'}"
            )
        conn.executemany(
            "INSERT INTO import_rejects (import_id, row_number, column_name, value, reason) "
            "VALUES (?, ?, ?, ?, ?)",
            [(import_id, 0, "file", f, reason) for f, reason in rejected_files]
            + [
                (import_id, r.cue, r.field, r.value, f"{r.file}, cue {r.cue}: {r.reason}")
                for r in cue_rejects
            ],
        )
        utterances = sum(c.utterances for c in calls)
        notes = sorted({f"{c.source_name}: {n}" for c in calls for n in c.notes})[:50]
        conn.execute(
            "UPDATE imports SET rows_read = ?, rows_imported = ?, rows_rejected = ?, rows_skipped = ?, "
            "notes = ?, finished_at = ? WHERE id = ?",
            (
                utterances + len(cue_rejects),
                utterances,
                len(cue_rejects),
                sum(1 for c in calls if c.unchanged),
                json.dumps(notes),
                now_iso(),
                import_id,
            ),
        )
        eng.touch()
        unknown = sorted(
            {
                r[0]
                for r in conn.execute(
                    "SELECT label FROM transcript_speakers WHERE role = 'unknown'"
                )
            }
        )
    progress.update(1.0, "Transcripts imported")
    return ImportTranscriptsResult(
        import_id, source.name, len(files), calls, rejected_files, cue_rejects, unknown
    )


# Folders of at least this many files are parsed by worker processes (the parsers are
# pure Python); the results come back in file order, a bounded number in flight.
PARALLEL_FILES = 200
# With plain WebVTT read in one pass, parsing is a minor share of an import: worker
# processes (spawned, their results pickled back) cost more than they save on two
# cores (10,000 calls: 36.9 s and 57 CPU seconds with workers, 23.9 s and 42 without).
PARALLEL_MIN_CORES = 4
IN_FLIGHT = 64


def _parse_one(path: Path) -> tuple[Path, list | str, str]:
    """(path, parsed calls or the reason the file is rejected, sha256)."""
    try:
        return path, read_transcripts(path), file_sha256(path)
    except WorkbenchError as exc:
        return path, str(exc), ""


def _parsed(files: list[Path]):
    """Each file parsed, in order; in worker processes for a large folder."""
    import os

    workers = min(4, os.cpu_count() or 1)
    if len(files) < PARALLEL_FILES or workers < PARALLEL_MIN_CORES:
        yield from map(_parse_one, files)
        return
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    # spawn: never fork a process that may run Qt threads.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        pending: deque = deque()
        try:
            for path in files:
                pending.append(pool.submit(_parse_one, path))
                if len(pending) >= IN_FLIGHT:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


# ------------------------------------------------------------------ speakers
@dataclass
class SpeakerRow:
    label: str
    role: str
    user_crm_id: str | None
    basis: str
    calls: int
    seconds: float


def list_speakers(eng: Engagement, *, unknown_only: bool = False) -> list[SpeakerRow]:
    """Every speaker name across the calls with its side and how that was decided."""
    where = "WHERE role = 'unknown'" if unknown_only else ""
    rows = eng.conn.execute(
        "SELECT label, role, user_crm_id, basis, count(*), sum(seconds) FROM transcript_speakers "
        f"{where} GROUP BY label, role, user_crm_id, basis ORDER BY role = 'unknown' DESC, sum(seconds) DESC"
    ).fetchall()
    return [SpeakerRow(r[0], r[1], r[2], r[3], r[4], round(r[5] or 0, 1)) for r in rows]


@dataclass
class ResolveSpeakerRequest:
    name: str
    role: str  # rep or customer
    user_crm_id: str | None = None


@dataclass
class ResolveSpeakerResult:
    name: str
    role: str
    user_crm_id: str | None
    calls: int
    utterances: int


def resolve_speaker(
    eng: Engagement, request: ResolveSpeakerRequest, *, progress: Progress | None = None
) -> ResolveSpeakerResult:
    """Decide a speaker's side (and roster user) for every call they are in; kept for new imports."""
    role = (request.role or "").strip().lower()
    if role not in ROLES:
        raise WorkbenchError(f"A speaker is 'rep' or 'customer', not {request.role!r}.")
    key = name_key(request.name)
    if not key:
        raise WorkbenchError("Give the speaker's name as it appears in the transcripts.")
    if request.user_crm_id:
        if role != "rep":
            raise WorkbenchError("Only a rep is linked to a roster user.")
        if not eng.conn.execute(
            "SELECT 1 FROM users WHERE crm_id = ?", (request.user_crm_id,)
        ).fetchone():
            raise WorkbenchError(f"There is no user {request.user_crm_id!r} in the roster.")
    labels = [
        label
        for (label,) in eng.conn.execute("SELECT DISTINCT label FROM transcript_speakers")
        if name_key(label) == key
    ]
    if not labels:
        raise WorkbenchError(
            f"No call has a speaker named {request.name!r}; 'workbench speakers FILE' lists them."
        )
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO speaker_assignments (name_key, label, role, user_crm_id, decided_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(name_key) DO UPDATE SET label = excluded.label, "
            "role = excluded.role, user_crm_id = excluded.user_crm_id, decided_at = excluded.decided_at",
            (key, request.name, role, request.user_crm_id, now_iso()),
        )
        marks = ",".join("?" * len(labels))
        calls = conn.execute(
            f"UPDATE transcript_speakers SET role = ?, user_crm_id = ?, basis = 'consultant' "
            f"WHERE label IN ({marks})",
            (role, request.user_crm_id, *labels),
        ).rowcount
        turns = conn.execute(
            f"UPDATE transcript_turns SET is_internal = ? WHERE speaker IN ({marks}) "
            "AND meeting_crm_id IN (SELECT meeting_crm_id FROM transcripts)",
            (1 if role == "rep" else 0, *labels),
        ).rowcount
        # A call the import added is external once a customer is known to speak on it.
        conn.execute(
            "UPDATE meetings SET is_external = 1 WHERE coalesce(is_external, 0) = 0 AND crm_id IN "
            "(SELECT s.meeting_crm_id FROM transcript_speakers s JOIN transcripts t "
            "ON t.meeting_crm_id = s.meeting_crm_id WHERE s.role = 'customer') AND import_id IN "
            "(SELECT id FROM imports WHERE entity = 'transcripts')"
        )
        eng.touch()
    return ResolveSpeakerResult(request.name, role, request.user_crm_id, calls, turns)


# ------------------------------------------------------------------ coaching run
@dataclass
class CoachingRequest:
    top_performers: list[str] | None = None  # rep ids or names; default: top quartile by win rate


@dataclass
class CoachingResult:
    run_id: int
    run_at: str
    calls: list[analysis.CallResult]
    reps: list[analysis.RepResult]
    benchmark: analysis.Benchmark
    unknown_speakers: int = 0
    notes: list[str] = field(default_factory=list)


def run_coaching(
    eng: Engagement, request: CoachingRequest | None = None, *, progress: Progress | None = None
) -> CoachingResult:
    """Measure every call and rep, benchmark against the top performers, store the run."""
    request = request or CoachingRequest()
    progress = progress or Progress.none()
    conn = eng.conn
    if not conn.execute("SELECT 1 FROM transcripts LIMIT 1").fetchone():
        raise WorkbenchError(
            f"{eng.path.name} has no transcripts yet; bring them in with "
            "'workbench import FILE TRANSCRIPT_OR_FOLDER'."
        )
    chosen = request.top_performers
    if chosen is None:
        chosen = list(eng.setting("coaching.top_performers", []) or []) or None
    calls = analysis.analyse_calls(conn, progress.span(0, 0.9))
    reps = analysis.per_rep(calls)
    bench = analysis.benchmark(conn, reps, chosen)
    unknown = int(
        conn.execute("SELECT count(*) FROM transcript_speakers WHERE role = 'unknown'").fetchone()[
            0
        ]
    )
    fingerprint = hashlib.sha256(
        "|".join(
            r[0] for r in conn.execute("SELECT sha256 FROM transcripts ORDER BY meeting_crm_id")
        ).encode()
    ).hexdigest()[:16]
    run_at = now_iso()
    progress.update(0.92, "Storing the coaching run")
    with eng.atomic() as db:
        run_id = int(
            db.execute(
                "INSERT INTO coaching_runs (run_at, as_of, fingerprint, parameters, calls, reps, benchmark) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    run_at,
                    eng.as_of().isoformat(),
                    fingerprint,
                    json.dumps({"top_performers": chosen, "unknown_speakers": unknown}),
                    len(calls),
                    len(reps),
                    json.dumps(asdict(bench)),
                ),
            ).lastrowid
        )
        db.executemany(
            "INSERT INTO coaching_call_metrics VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    run_id,
                    c.meeting_crm_id,
                    c.rep_crm_id,
                    c.rep_name,
                    c.started_at,
                    c.metrics.duration_s,
                    c.metrics.speech_s,
                    c.metrics.rep_s,
                    c.metrics.talk_ratio,
                    c.metrics.longest_monologue_s,
                    c.metrics.longest_customer_story_s,
                    c.metrics.questions,
                    c.metrics.questions_per_hour,
                    c.metrics.switches,
                    c.metrics.interactivity,
                    c.metrics.patience_s,
                    c.unknown_speakers,
                )
                for c in calls
            ),
        )
        db.executemany(
            "INSERT INTO coaching_rep_metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    run_id,
                    r.rep_crm_id,
                    r.rep_name,
                    r.calls,
                    r.hours,
                    r.talk_ratio,
                    r.longest_monologue_s,
                    r.questions_per_hour,
                    r.interactivity,
                    r.patience_s,
                    r.win_rate,
                    r.closed_deals,
                    int(r.top_performer),
                    json.dumps(r.flags),
                )
                for r in reps
            ),
        )
    notes = []
    if unknown:
        notes.append(
            f"{unknown} speaker appearances are not yet known as rep or customer; "
            "decide them with 'workbench speakers FILE --set NAME=rep|customer'."
        )
    progress.update(1.0, "Coaching metrics ready")
    return CoachingResult(run_id, run_at, calls, reps, bench, unknown, notes)


# ------------------------------------------------------------------ trackers
@dataclass
class TrackerSummary:
    key: str
    label: str
    category: str
    side: str
    active: bool
    phrases: list[str]
    variants: list[str]
    exclusions: list[str]
    alert_to: list[str]
    hits: int
    calls: int
    deals: int
    by_rep: dict[str, int]
    reviewed: int
    noise: int
    false_positive_rate: float | None
    red_flag: bool


@dataclass
class TrackersResult:
    trackers: list[TrackerSummary]
    active: int
    calls: int
    warnings: list[str]
    review_queue: dict[str, list[dict]] = field(default_factory=dict)


def _competitor_names(eng: Engagement) -> list[str]:
    from workbench.coaching.trackers import DEFAULT_TRACKERS, trackers_for

    base = next(t for t in DEFAULT_TRACKERS if t.key == "competitor")
    extended = next(t for t in trackers_for(eng) if t.key == "competitor")
    return list(extended.phrases[len(base.phrases) :])


def _ensure_trackers(eng: Engagement, conn) -> None:
    from workbench.coaching import tracking

    if conn.execute("SELECT 1 FROM trackers LIMIT 1").fetchone():
        return
    now = now_iso()
    for i, spec in enumerate(
        tracking.default_trackers(eng.meta().methodology, _competitor_names(eng))
    ):
        tracking.save_tracker(conn, spec, now, position=i)


@dataclass
class TrackersRequest:
    review: bool = False
    sample_size: int = 10


def run_trackers(
    eng: Engagement, request: TrackersRequest | None = None, *, progress: Progress | None = None
) -> TrackersResult:
    """Find every active tracker's hits in the calls; summarise by call, deal and rep."""
    from workbench.coaching import tracking

    request = request or TrackersRequest()
    progress = progress or Progress.none()
    with eng.atomic() as conn:
        _ensure_trackers(eng, conn)
        specs = tracking.load_trackers(conn)
        progress.update(0.1, "Finding tracker hits")
        hits = tracking.compute_hits(conn, specs)
        conn.execute("DELETE FROM tracker_hits")
        conn.executemany(
            "INSERT INTO tracker_hits (tracker_key, meeting_crm_id, turn_index, phrase) VALUES (?, ?, ?, ?)",
            hits,
        )
    progress.update(0.8, "Summarising")
    result = tracker_summary(eng, request)
    progress.update(1.0, "Trackers ready")
    return result


def tracker_summary(eng: Engagement, request: TrackersRequest | None = None) -> TrackersResult:
    """The trackers with their stored hits and review figures (reads only)."""
    from workbench.coaching import tracking

    request = request or TrackersRequest()
    conn = eng.conn
    specs = tracking.load_trackers(conn)
    hits = conn.execute(
        "SELECT tracker_key, meeting_crm_id, turn_index, phrase FROM tracker_hits"
    ).fetchall()
    reps = analysis.call_reps(conn)
    deals = dict(
        conn.execute(
            "SELECT crm_id, opportunity_crm_id FROM meetings WHERE opportunity_crm_id IS NOT NULL"
        )
    )
    reviewed = tracking.accuracy(conn)
    by_key: dict[str, list[tuple]] = {}
    for h in hits:
        by_key.setdefault(h[0], []).append(h)
    summaries = []
    for spec in specs:
        mine = by_key.get(spec.key, [])
        rep_counts: dict[str, int] = {}
        for _, meeting, _, _ in mine:
            rep = reps.get(meeting, (None, None, None, 0))[2] or "no rep identified"
            rep_counts[rep] = rep_counts.get(rep, 0) + 1
        n, noise = reviewed.get(spec.key, (0, 0))
        rate = noise / n if n else None
        summaries.append(
            TrackerSummary(
                spec.key,
                spec.label,
                spec.category,
                spec.side,
                spec.is_active,
                spec.phrases,
                spec.variants,
                spec.exclusions,
                spec.alert_to,
                len(mine),
                len({m for _, m, _, _ in mine}),
                len({deals[m] for _, m, _, _ in mine if m in deals}),
                dict(sorted(rep_counts.items(), key=lambda kv: -kv[1])),
                n,
                int(noise or 0),
                round(rate, 4) if rate is not None else None,
                rate is not None and rate > tracking.FALSE_POSITIVE_FLAG,
            )
        )
    active = sum(1 for s in specs if s.is_active)
    warnings = []
    if active > tracking.MAX_ACTIVE:
        warnings.append(
            f"{active} trackers are active; the playbook advises 10 to 15 high-value ones, "
            "since more produce noise users stop reading."
        )
    for s in summaries:
        if s.red_flag:
            warnings.append(
                f"{s.label}: {s.noise} of {s.reviewed} reviewed hits are noise "
                f"({s.false_positive_rate:.0%}, above the 30% red flag); tighten its phrases or add exclusions."
            )
    queue = {}
    if request.review:
        for s in summaries:
            if s.active:
                queue[s.key] = [
                    {"call": m, "utterance": i, "phrase": p, "speaker": sp, "text": t}
                    for m, i, p, sp, t in tracking.review_sample(conn, s.key, request.sample_size)
                ]
    calls = int(conn.execute("SELECT count(*) FROM transcripts").fetchone()[0])
    return TrackersResult(summaries, active, calls, warnings, queue)


@dataclass
class TrackerEditRequest:
    key: str
    label: str | None = None
    category: str | None = None
    add_phrases: list[str] = field(default_factory=list)
    remove_phrases: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=list)
    side: str | None = None
    alert_to: list[str] | None = None
    active: bool | None = None


def edit_tracker(eng: Engagement, request: TrackerEditRequest, *, progress: Progress | None = None):
    """Add a tracker or change one (phrases, variants, exclusions, side, alerts, on/off)."""
    from workbench.coaching import tracking

    key = (request.key or "").strip().lower().replace(" ", "_")
    if not key:
        raise WorkbenchError("A tracker needs a key (a short name such as 'security_review').")
    if request.side is not None and request.side not in tracking.SIDES:
        raise WorkbenchError(
            f"A tracker listens to {', '.join(tracking.SIDES)}, not {request.side!r}."
        )
    with eng.atomic() as conn:
        _ensure_trackers(eng, conn)
        current = {s.key: s for s in tracking.load_trackers(conn)}
        spec = current.get(key)
        if spec is None:
            if not request.add_phrases:
                raise WorkbenchError(f"There is no tracker {key!r}; give phrases to add it.")
            spec = tracking.TrackerSpec(
                key,
                request.label or key.replace("_", " ").capitalize(),
                request.category or "Custom",
                [],
            )
        if request.label:
            spec.label = request.label
        if request.category:
            spec.category = request.category
        missing = [p for p in request.remove_phrases if p not in spec.phrases]
        if missing:
            raise WorkbenchError(f"{spec.label} has no phrase {missing[0]!r}.")
        spec.phrases = [p for p in spec.phrases if p not in request.remove_phrases]
        spec.phrases += [
            p.strip() for p in request.add_phrases if p.strip() and p.strip() not in spec.phrases
        ]
        spec.variants += [
            v.strip() for v in request.variants if v.strip() and v.strip() not in spec.variants
        ]
        spec.exclusions += [
            e.strip() for e in request.exclusions if e.strip() and e.strip() not in spec.exclusions
        ]
        if request.side:
            spec.side = request.side
        if request.alert_to is not None:
            spec.alert_to = request.alert_to
        if request.active is not None:
            spec.is_active = request.active
        if not spec.phrases and not spec.variants:
            raise WorkbenchError(f"{spec.label} would have no phrase left; disable it instead.")
        tracking.save_tracker(conn, spec, now_iso())
        eng.touch()
    return spec


@dataclass
class HitVerdict:
    tracker: str
    call: str
    utterance: int
    phrase: str
    verdict: str  # relevant or noise


@dataclass
class ReviewRequest:
    verdicts: list[HitVerdict]
    reviewer: str = ""


def review_hits(
    eng: Engagement, request: ReviewRequest, *, progress: Progress | None = None
) -> int:
    """Record reviewed hits as relevant or noise (all or none); returns how many."""
    with eng.atomic() as conn:
        for v in request.verdicts:
            if v.verdict not in ("relevant", "noise"):
                raise WorkbenchError(f"A reviewed hit is 'relevant' or 'noise', not {v.verdict!r}.")
            found = conn.execute(
                "SELECT 1 FROM tracker_hits WHERE tracker_key = ? AND meeting_crm_id = ? AND "
                "turn_index = ? AND phrase = ?",
                (v.tracker, v.call, v.utterance, v.phrase),
            ).fetchone()
            if not found:
                raise WorkbenchError(
                    f"There is no {v.tracker} hit {v.phrase!r} in call {v.call}, utterance "
                    f"{v.utterance}; 'workbench trackers FILE --review' lists the sample."
                )
            conn.execute(
                "INSERT INTO tracker_reviews (tracker_key, meeting_crm_id, turn_index, phrase, verdict, "
                "reviewer, reviewed_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET "
                "verdict = excluded.verdict, reviewer = excluded.reviewer, reviewed_at = excluded.reviewed_at",
                (v.tracker, v.call, v.utterance, v.phrase, v.verdict, request.reviewer, now_iso()),
            )
        eng.touch()
    return len(request.verdicts)


# ------------------------------------------------------------------ scorecards
@dataclass
class RubricRequest:
    name: str
    methodology: str = "MEDDIC"
    criteria: list[tuple[str, str, float]] | None = None  # key, label, weight; None: template
    scale_min: int = 1
    scale_max: int = 5


def create_rubric(eng: Engagement, request: RubricRequest, *, progress: Progress | None = None):
    """Add a scorecard rubric: a methodology's template or the consultant's own criteria."""
    from workbench.coaching import scorecards

    name = (request.name or "").strip()
    method = (request.methodology or "").strip().upper()
    if not name:
        raise WorkbenchError("A scorecard needs a name.")
    if request.criteria is None:
        if method not in scorecards.TEMPLATES:
            raise WorkbenchError(
                f"There is no {request.methodology!r} template; use MEDDIC, BANT, SPICED or "
                "CUSTOM, or give the criteria."
            )
        criteria = [scorecards.Criterion(*c) for c in scorecards.TEMPLATES[method]]
    else:
        criteria = [
            scorecards.Criterion(k.strip(), label.strip(), float(w))
            for k, label, w in request.criteria
        ]
    if not criteria:
        raise WorkbenchError("A scorecard needs at least one criterion.")
    bad = [c for c in criteria if not c.key or c.weight <= 0]
    if bad:
        raise WorkbenchError(
            f"Criterion {bad[0].label or bad[0].key!r} needs a key and a weight above 0."
        )
    if len({c.key for c in criteria}) != len(criteria):
        raise WorkbenchError("Two criteria share a key; give each its own.")
    if request.scale_max <= request.scale_min:
        raise WorkbenchError(
            f"The scale {request.scale_min}-{request.scale_max} runs the wrong way."
        )
    with eng.atomic() as conn:
        if conn.execute("SELECT 1 FROM scorecard_rubrics WHERE name = ?", (name,)).fetchone():
            raise WorkbenchError(f"There is already a scorecard named {name!r}.")
        rid = conn.execute(
            "INSERT INTO scorecard_rubrics (name, methodology, scale_min, scale_max, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (name, method or "CUSTOM", request.scale_min, request.scale_max, now_iso()),
        ).lastrowid
        conn.executemany(
            "INSERT INTO scorecard_criteria (rubric_id, key, label, weight, guidance, position) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(rid, c.key, c.label, c.weight, c.guidance, i) for i, c in enumerate(criteria)],
        )
        eng.touch()
    return scorecards.load_rubric(eng.conn, name)


def _rubric(eng: Engagement, name: str | None):
    """The named rubric, or the engagement's methodology's (created on first use)."""
    from workbench.coaching import scorecards

    method = eng.meta().methodology.upper()
    name = name or method
    rubric = scorecards.load_rubric(eng.conn, name)
    if rubric is None and name == method:
        rubric = create_rubric(
            eng, RubricRequest(name, method if method in scorecards.TEMPLATES else "CUSTOM")
        )
    if rubric is None:
        raise WorkbenchError(f"There is no scorecard named {name!r}.")
    return rubric


@dataclass
class ScoreCallRequest:
    call: str
    manager: str
    scores: dict[str, float]
    rubric: str | None = None
    note: str = ""


def score_call(eng: Engagement, request: ScoreCallRequest, *, progress: Progress | None = None):
    """Record a manager's scores of one call (replacing that manager's earlier ones)."""
    from workbench.coaching import scorecards

    rubric = _rubric(eng, request.rubric)
    manager = (request.manager or "").strip()
    if not manager:
        raise WorkbenchError("Say which manager scored the call.")
    if not eng.conn.execute("SELECT 1 FROM meetings WHERE crm_id = ?", (request.call,)).fetchone():
        raise WorkbenchError(f"There is no call {request.call!r} in {eng.path.name}.")
    keys = {c.key for c in rubric.criteria}
    if not request.scores:
        raise WorkbenchError("Give at least one criterion's score.")
    for key, value in request.scores.items():
        if key not in keys:
            raise WorkbenchError(
                f"{rubric.name} has no criterion {key!r}; it has {', '.join(sorted(keys))}."
            )
        if not rubric.scale_min <= value <= rubric.scale_max:
            raise WorkbenchError(
                f"{key} = {value:g} is outside the scale {rubric.scale_min}-{rubric.scale_max}."
            )
    with eng.atomic() as conn:
        conn.execute(
            "DELETE FROM call_scores WHERE rubric_id = ? AND meeting_crm_id = ? AND manager = ?",
            (rubric.id, request.call, manager),
        )
        now = now_iso()
        conn.executemany(
            "INSERT INTO call_scores (rubric_id, meeting_crm_id, manager, criterion_key, score, note, "
            "scored_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (rubric.id, request.call, manager, k, float(v), request.note, now)
                for k, v in request.scores.items()
            ],
        )
        eng.touch()
    return next(
        s
        for s in scorecards.call_scores(eng.conn, rubric)
        if s.call == request.call and s.manager == manager
    )


@dataclass
class ScorecardReport:
    rubric: object
    calls: list
    reps: list
    calibration: list


def scorecard_report(eng: Engagement, rubric: str | None = None) -> ScorecardReport:
    """Every scored call, the per-rep summary and the calibration between managers."""
    from workbench.coaching import scorecards

    r = _rubric(eng, rubric)
    scores = scorecards.call_scores(eng.conn, r)
    reps = {
        m: (name or user or label)
        for m, (label, user, name, _) in analysis.call_reps(eng.conn).items()
    }
    return ScorecardReport(
        r, scores, scorecards.rep_summaries(scores, reps, r), scorecards.calibration(scores)
    )


def load_coaching_run(eng: Engagement, run_id: int | None = None) -> dict | None:
    """A stored coaching run (the latest by default) as plain rows, or None before any run."""
    conn = eng.conn
    row = conn.execute(
        "SELECT id, run_at, as_of, benchmark, calls, reps FROM coaching_runs "
        + ("WHERE id = ?" if run_id else "ORDER BY id DESC LIMIT 1"),
        (run_id,) if run_id else (),
    ).fetchone()
    if row is None:
        return None

    def rows(table: str, order: str) -> list[dict]:
        cur = conn.execute(f"SELECT * FROM {table} WHERE run_id = ? ORDER BY {order}", (row[0],))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur]

    reps = rows("coaching_rep_metrics", "rep_name")
    for r in reps:
        r["flags"] = json.loads(r["flags"])
    return {
        "run_id": row[0],
        "run_at": row[1],
        "as_of": row[2],
        "benchmark": json.loads(row[3]),
        "calls": rows("coaching_call_metrics", "started_at, meeting_crm_id"),
        "reps": reps,
    }
