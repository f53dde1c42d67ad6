"""Command-line commands of coaching: speakers, coaching (and the transcript import path)."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from workbench.commandline import (
    add_file_argument,
    add_json_argument,
    emit_json,
    opened,
    terminal_progress,
)
from workbench.errors import WorkbenchError


def register(sub: argparse._SubParsersAction) -> None:
    """Add this capability's subcommands to the ``workbench`` parser."""
    p = sub.add_parser("speakers", help="list call speakers and decide the unknown ones")
    add_file_argument(p)
    p.add_argument("--unknown", action="store_true", help="only speakers not yet known")
    p.add_argument(
        "--set",
        metavar="NAME=SIDE",
        action="append",
        default=[],
        help="decide a speaker: 'Jane Doe=customer' or 'Sam Lee=rep' (repeatable)",
    )
    p.add_argument("--user", help="with one --set NAME=rep: the roster user id of that rep")
    add_json_argument(p)
    p.set_defaults(handler=cmd_speakers)

    p = sub.add_parser("coaching", help="talk metrics per call and per rep against the benchmark")
    add_file_argument(p)
    p.add_argument(
        "--top",
        metavar="REP",
        action="append",
        help="a top performer for the benchmark (rep id or name, repeatable; "
        "default: top quartile by win rate)",
    )
    add_json_argument(p)
    p.set_defaults(handler=cmd_coaching)
    _register_trackers(sub)

    p = sub.add_parser("scorecard", help="coaching scorecards: rubrics, call scores, calibration")
    add_file_argument(p)
    p.add_argument("--rubric", help="the scorecard's name (default: the engagement's methodology)")
    p.add_argument(
        "--create",
        metavar="NAME",
        help="create a scorecard NAME from --methodology's template or --criterion lines",
    )
    p.add_argument("--methodology", default=None, help="MEDDIC, BANT, SPICED or CUSTOM")
    p.add_argument(
        "--criterion",
        action="append",
        metavar="KEY:LABEL:WEIGHT",
        help="with --create: one criterion of a custom scorecard (repeatable)",
    )
    p.add_argument("--scale", default="1-5", help="with --create: the scale, e.g. 1-5 or 0-10")
    p.add_argument("--score", metavar="CALL", help="score the call CALL (with --manager and --set)")
    p.add_argument("--manager", help="with --score: who scored the call")
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=N",
        help="with --score: a criterion's score",
    )
    p.add_argument("--note", default="", help="with --score: a note for the rep")
    add_json_argument(p)
    p.set_defaults(handler=cmd_scorecard)

    p = sub.add_parser(
        "match-review", help="review calls' account and deal links for the matching accuracy"
    )
    add_file_argument(p)
    p.add_argument(
        "--mark",
        metavar="CALL=correct|incorrect",
        action="append",
        default=[],
        help="record whether a call is linked to the right account and deal (repeatable)",
    )
    p.add_argument("--note", default="", help="a note kept with the marked calls")
    add_json_argument(p)
    p.set_defaults(handler=cmd_match_review)


def _register_trackers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "trackers", help="tracker hits per call, deal and rep; edit and review trackers"
    )
    add_file_argument(p)
    p.add_argument(
        "--review", action="store_true", help="show a sample of unreviewed hits per tracker"
    )
    p.add_argument("--sample", type=int, default=10, help="hits per tracker in the review sample")
    p.add_argument(
        "--mark",
        metavar="TRACKER|CALL|UTTERANCE|PHRASE=relevant|noise",
        action="append",
        default=[],
        help="record a reviewed hit (repeatable; the --review listing prints these)",
    )
    p.add_argument("--reviewer", default="", help="who reviewed the marked hits")
    p.add_argument("--edit", metavar="KEY", help="add or change the tracker KEY")
    p.add_argument("--label", help="with --edit: the tracker's name")
    p.add_argument("--phrase", action="append", default=[], help="with --edit: add a phrase")
    p.add_argument(
        "--remove-phrase", action="append", default=[], help="with --edit: drop a phrase"
    )
    p.add_argument("--variant", action="append", default=[], help="with --edit: add a variant")
    p.add_argument("--exclude", action="append", default=[], help="with --edit: add an exclusion")
    p.add_argument(
        "--side", choices=("any", "rep", "customer"), help="with --edit: whose words count"
    )
    p.add_argument("--alert", action="append", help="with --edit: who is alerted (repeatable)")
    p.add_argument("--disable", action="store_true", help="with --edit: switch the tracker off")
    p.add_argument("--enable", action="store_true", help="with --edit: switch the tracker on")
    add_json_argument(p)
    p.set_defaults(handler=cmd_trackers)


def _verdict(item: str):
    from workbench.coaching.operations import HitVerdict

    hit, sep, verdict = item.rpartition("=")
    parts = hit.split("|")
    if not sep or len(parts) != 4 or not parts[2].strip().isdigit():
        raise WorkbenchError(
            f"--mark takes TRACKER|CALL|UTTERANCE|PHRASE=relevant or =noise, not {item!r}."
        )
    return HitVerdict(parts[0], parts[1], int(parts[2]), parts[3], verdict.strip().lower())


def cmd_trackers(args: argparse.Namespace) -> int:
    from workbench.coaching.operations import (
        ReviewRequest,
        TrackerEditRequest,
        TrackersRequest,
        edit_tracker,
        review_hits,
        run_trackers,
    )

    with opened(args.file) as eng:
        if args.edit:
            active = False if args.disable else True if args.enable else None
            edit_tracker(
                eng,
                TrackerEditRequest(
                    args.edit,
                    args.label,
                    None,
                    args.phrase,
                    args.remove_phrase,
                    args.variant,
                    args.exclude,
                    args.side,
                    args.alert,
                    active,
                ),
            )
        result = run_trackers(
            eng, TrackersRequest(args.review, args.sample), progress=terminal_progress()
        )
        if args.mark:
            review_hits(eng, ReviewRequest([_verdict(m) for m in args.mark], args.reviewer))
            result = run_trackers(eng, TrackersRequest(args.review, args.sample))
    if args.json:
        emit_json(result)
        return 0
    print(f"{result.active} active trackers over {result.calls:,} calls.")
    for t in result.trackers:
        state = "" if t.active else " (off)"
        rate = (
            "not reviewed"
            if t.false_positive_rate is None
            else (f"{t.noise}/{t.reviewed} noise ({t.false_positive_rate:.0%})")
        )
        print(
            f"  {t.label}{state}: {t.hits:,} hits in {t.calls:,} calls, {t.deals:,} deals; {rate}"
        )
    for w in result.warnings:
        print(f"  ! {w}")
    for key, sample in result.review_queue.items():
        if sample:
            print(f"Review sample, {key}:")
        for h in sample:
            print(f"  --mark '{key}|{h['call']}|{h['utterance']}|{h['phrase']}=relevant|noise'")
            print(f"      {h['speaker']}: {h['text'][:160]}")
    return 0


def import_transcripts_command(args: argparse.Namespace) -> int:
    """``workbench import FILE TRANSCRIPT_OR_FOLDER``: the transcript path of the import command."""
    from workbench.coaching.operations import ImportTranscriptsRequest, import_transcripts

    if getattr(args, "dry_run", False):
        return _dry_run(args)
    with opened(args.file) as eng:
        result = import_transcripts(
            eng, ImportTranscriptsRequest(Path(args.source)), progress=terminal_progress()
        )
    if args.json:
        emit_json(
            {
                "import_id": result.import_id,
                "entity": "transcripts",
                "source_name": result.source_name,
                "files": result.files,
                "calls": [
                    {
                        "call": c.meeting_crm_id,
                        "file": c.source_name,
                        "format": c.format,
                        "utterances": c.utterances,
                        "rejected_cues": len(c.rejected),
                        "linked": c.linked,
                        "unchanged": c.unchanged,
                        "speakers": c.speakers,
                    }
                    for c in result.calls
                ],
                "rows_imported": result.utterances,
                "rows_rejected": len(result.rejected_cues),
                "rejected_files": [{"file": f, "reason": r} for f, r in result.rejected_files],
                "rejected": [asdict(r) for r in result.rejected_cues],
                "unknown_speakers": result.unknown_speakers,
            }
        )
        return 0
    changed = [c for c in result.calls if not c.unchanged]
    print(
        f"Import {result.import_id}: {result.source_name}, {_n(result.files, 'transcript file')}: "
        f"{_n(len(changed), 'call')}, {_n(result.utterances, 'utterance')}, "
        f"{_n(len(result.rejected_cues), 'cue')} rejected, {len(result.calls) - len(changed):,} unchanged."
    )
    for c in changed[:10]:
        sides = ", ".join(f"{k} ({v})" for k, v in c.speakers.items())
        print(f"  {c.source_name}: call {c.meeting_crm_id} ({c.format}, {c.linked}); {sides}")
    for f, reason in result.rejected_files[:10]:
        print(f"  rejected file {f}: {reason}")
    for r in result.rejected_cues[:10]:
        print(f"  rejected {r.file} cue {r.cue} ({r.field}): {r.reason}")
    if len(result.rejected_cues) > 10:
        print(f"  ... all rejects: workbench rejects {args.file} {result.import_id}")
    if result.unknown_speakers:
        print(
            f"  {len(result.unknown_speakers)} speakers are not in the roster or contacts: "
            f"{', '.join(result.unknown_speakers[:8])}; decide them with "
            f"'workbench speakers {args.file} --set NAME=rep|customer'."
        )
    return 0


def _dry_run(args: argparse.Namespace) -> int:
    """What the import would read, file by file, without storing anything."""
    from workbench.coaching.transcripts import read_transcripts, transcript_files

    source = Path(args.source)
    rows = []
    for path in transcript_files(source):
        try:
            for t in read_transcripts(path):
                rows.append(
                    {
                        "file": path.name,
                        "format": t.format,
                        "call": t.call_id,
                        "utterances": len(t.cues),
                        "rejected_cues": len(t.rejected),
                        "speakers": sorted({c.speaker for c in t.cues}),
                    }
                )
        except WorkbenchError as exc:
            rows.append({"file": path.name, "error": str(exc)})
    if args.json:
        emit_json(rows)
        return 0
    for r in rows:
        if "error" in r:
            print(f"{r['file']}: rejected: {r['error']}")
        else:
            print(
                f"{r['file']}: {r['format']}, call {r['call']}, {r['utterances']:,} utterances, "
                f"{_n(r['rejected_cues'], 'cue')} rejected; speakers {', '.join(r['speakers'])}"
            )
    return 0


def cmd_speakers(args: argparse.Namespace) -> int:
    from workbench.coaching.operations import ResolveSpeakerRequest, list_speakers, resolve_speaker

    if args.user and len(args.set) != 1:
        raise WorkbenchError("--user goes with exactly one --set NAME=rep.")
    decided = []
    with opened(args.file, read_only=not args.set) as eng:
        for item in args.set:
            name, sep, side = item.rpartition("=")
            if not sep or not name.strip():
                raise WorkbenchError(f"--set takes NAME=rep or NAME=customer, not {item!r}.")
            decided.append(
                resolve_speaker(eng, ResolveSpeakerRequest(name.strip(), side.strip(), args.user))
            )
        rows = list_speakers(eng, unknown_only=args.unknown)
    if args.json:
        emit_json({"decided": decided, "speakers": rows})
        return 0
    for d in decided:
        print(f"{d.name}: {d.role} on {_n(d.calls, 'call')} ({_n(d.utterances, 'utterance')}).")
    if not rows:
        print("No speakers." if not args.unknown else "Every speaker is known.")
    for r in rows:
        user = f" [{r.user_crm_id}]" if r.user_crm_id else ""
        print(f"{r.role:<9} {r.label}{user}: {r.calls} calls, {r.seconds:,.0f} s ({r.basis})")
    return 0


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _num(value: float | None, fmt: str = ".1f") -> str:
    return "-" if value is None else format(value, fmt)


def cmd_coaching(args: argparse.Namespace) -> int:
    from workbench.coaching.operations import CoachingRequest, run_coaching

    with opened(args.file) as eng:
        result = run_coaching(eng, CoachingRequest(args.top), progress=terminal_progress())
    if args.json:
        emit_json(
            {
                "run_id": result.run_id,
                "run_at": result.run_at,
                "calls": [
                    {
                        "call": c.meeting_crm_id,
                        "rep": c.rep_crm_id,
                        "rep_name": c.rep_name,
                        "started_at": c.started_at,
                        "unknown_speakers": c.unknown_speakers,
                        **asdict(c.metrics),
                    }
                    for c in result.calls
                ],
                "reps": result.reps,
                "benchmark": result.benchmark,
                "notes": result.notes,
            }
        )
        return 0
    b = result.benchmark
    print(f"Coaching run {result.run_id}: {len(result.calls):,} calls, {len(result.reps)} reps.")
    print(f"Benchmark: {b.basis}.")
    if any(v is not None for v in b.values.values()):
        v = b.values
        print(
            f"  top performers: talk ratio {_pct(v['talk_ratio'])}, longest monologue "
            f"{_num(v['longest_monologue_s'])} s, {_num(v['questions_per_hour'])} questions/h, "
            f"{_num(v['interactivity'], '.2f')} switches/min, patience {_num(v['patience_s'], '.2f')} s"
        )
    print(
        f"{'rep':<24} {'calls':>5} {'talk':>5} {'mono s':>7} {'q/h':>6} {'sw/min':>6} {'pat s':>6} {'win':>5}"
    )
    for r in result.reps:
        star = "*" if r.top_performer else " "
        print(
            f"{star}{r.rep_name[:23]:<23} {r.calls:>5} {_pct(r.talk_ratio):>5} "
            f"{_num(r.longest_monologue_s):>7} {_num(r.questions_per_hour):>6} "
            f"{_num(r.interactivity, '.2f'):>6} {_num(r.patience_s, '.2f'):>6} {_pct(r.win_rate):>5}"
        )
        for flag in r.flags:
            print(f"    ! {flag}")
    for note in result.notes:
        print(f"note: {note}")
    return 0


def cmd_match_review(args: argparse.Namespace) -> int:
    from workbench.audits.matching import record_match_reviews, run_matching

    verdicts = {}
    for item in args.mark:
        call, sep, verdict = item.rpartition("=")
        if not sep or not call:
            raise WorkbenchError(f"--mark takes CALL=correct or CALL=incorrect, not {item!r}.")
        verdicts[call] = verdict.strip().lower()
    with opened(args.file, read_only=not verdicts) as eng:
        if verdicts:
            record_match_reviews(eng, verdicts, args.note)
        result = run_matching(eng, record=bool(verdicts))
    if args.json:
        emit_json(
            {
                "accuracy": result.accuracy,
                "reviewed": result.reviewed,
                "correct": result.correct,
                "target": result.target,
                "sample": result.sample,
            }
        )
        return 0
    for line in result.summary_lines()[:2]:
        print(line)
    if result.sample:
        print(f"Next calls to review ({len(result.sample)}):")
    for m in result.sample:
        print(
            f"  {m.call} ({m.started_at or 'no date'}): linked to account {m.linked_account or '-'}, "
            f"deal {m.linked_opportunity or '-'}; participants say {m.account or '-'}, "
            f"{m.opportunity or '-'}"
        )
    return 0


def cmd_scorecard(args: argparse.Namespace) -> int:
    from workbench.coaching.operations import (
        RubricRequest,
        ScoreCallRequest,
        create_rubric,
        score_call,
        scorecard_report,
    )

    rubric_name = args.create or args.rubric
    with opened(args.file) as eng:
        if args.create:
            criteria = None
            if args.criterion:
                criteria = []
                for item in args.criterion:
                    parts = item.split(":")
                    try:
                        criteria.append((parts[0], parts[1], float(parts[2])))
                    except (IndexError, ValueError):
                        raise WorkbenchError(
                            f"--criterion takes KEY:LABEL:WEIGHT, not {item!r}."
                        ) from None
            low, sep, high = args.scale.partition("-")
            if not sep or not low.strip().isdigit() or not high.strip().isdigit():
                raise WorkbenchError(f"--scale takes LOW-HIGH such as 1-5, not {args.scale!r}.")
            create_rubric(
                eng,
                RubricRequest(
                    args.create,
                    args.methodology or ("CUSTOM" if criteria else eng.meta().methodology),
                    criteria,
                    int(low),
                    int(high),
                ),
            )
        if args.score:
            scores = {}
            for item in args.set:
                key, sep, value = item.partition("=")
                try:
                    scores[key.strip()] = float(value)
                except ValueError:
                    raise WorkbenchError(f"--set takes KEY=N, not {item!r}.") from None
                if not sep:
                    raise WorkbenchError(f"--set takes KEY=N, not {item!r}.")
            score_call(
                eng,
                ScoreCallRequest(args.score, args.manager or "", scores, rubric_name, args.note),
            )
        report = scorecard_report(eng, rubric_name)
    if args.json:
        emit_json(report)
        return 0
    r = report.rubric
    print(f"Scorecard {r.name} ({r.methodology}, scale {r.scale_min}-{r.scale_max}):")
    for c in r.criteria:
        print(f"  {c.label:<22} weight {c.weight:g}")
    print(f"{len(report.calls)} call scores by {len({c.manager for c in report.calls})} managers.")
    for rep in report.reps:
        weakest = f"; weakest: {rep.weakest}" if rep.weakest else ""
        print(f"  {rep.rep:<24} {rep.calls} calls, mean {_pct(rep.mean)}{weakest}")
    for cal in report.calibration:
        mark = "  ! managers disagree" if cal.flagged else ""
        scores = ", ".join(f"{m} {v:.0%}" for m, v in cal.managers.items())
        print(f"  call {cal.call}: {scores}; spread {cal.spread:.0%}{mark}")
    return 0
