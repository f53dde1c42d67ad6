"""Command-line commands of the lifecycle: status, check, meeting, intake, define,
criteria, lifecycle (registered by workbench.cli).

Every changing command validates all its input before writing: an unknown item key,
a bad date or a bad status exits 1 with one plain ``error:`` line and leaves the
file as it was.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict

from workbench import lifecycle as lc
from workbench.commandline import add_file_argument, add_json_argument, emit_json, opened
from workbench.errors import WorkbenchError
from workbench.lifecycle import operations as ops
from workbench.lifecycle import records
from workbench.lifecycle.store import CHECKLIST_STATUSES, INPUT_STATUSES


def register(sub: argparse._SubParsersAction) -> None:
    """Add this capability's subcommands to the ``workbench`` parser."""
    p = sub.add_parser("status", help="phase, gates, findings, checklist progress, freshness")
    add_file_argument(p)
    add_json_argument(p)
    p.set_defaults(handler=cmd_status)

    p = sub.add_parser("check", help="change a checklist item (status, owner, dates, note)")
    add_file_argument(p)
    p.add_argument("key", metavar="ITEM_KEY", help="checklist item key, e.g. 1b or 1d-scoring")
    p.add_argument("--status", choices=CHECKLIST_STATUSES)
    p.add_argument("--owner")
    p.add_argument("--due", metavar="DATE", help="due date YYYY-MM-DD ('' clears it)")
    p.add_argument("--done-date", metavar="DATE", help="done date YYYY-MM-DD")
    p.add_argument("--note")
    add_json_argument(p)
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("meeting", help="record a meeting and what it confirmed or corrected")
    add_file_argument(p)
    p.add_argument("--kind", required=True, help=f"one of: {', '.join(lc.MEETING_KINDS)}")
    p.add_argument("--date", required=True, metavar="DATE", help="YYYY-MM-DD (future = booked)")
    p.add_argument("--title", default="")
    p.add_argument("--attendee", action="append", default=[], metavar="NAME")
    p.add_argument("--notes", default="")
    p.add_argument(
        "--confirm",
        action="append",
        default=[],
        metavar="TYPE:KEY",
        help="item confirmed: finding:12, intake:crm, definition:tracker, "
        "criterion:win_rate (repeat)",
    )
    p.add_argument(
        "--correct",
        action="append",
        default=[],
        metavar="TYPE:KEY=VALUE",
        help='item corrected with the right value: intake:team_sizes="reps=52", '
        'criterion:win_rate.target=30, finding:12="38 duplicates, not 52" (repeat)',
    )
    add_json_argument(p)
    p.set_defaults(handler=cmd_meeting)

    p = sub.add_parser("intake", help="show or set intake items")
    add_file_argument(p)
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set an item (lists: comma-separated; team sizes: reps=40,managers=6)",
    )
    p.add_argument("--status", choices=INPUT_STATUSES, help="status of the items set")
    p.add_argument("--source", help="where the values come from (e.g. 'intake form 2026-11-12')")
    add_json_argument(p)
    p.set_defaults(handler=cmd_intake)

    p = sub.add_parser("define", help="show definitions, approve or reword one")
    add_file_argument(p)
    p.add_argument("term", nargs="?", metavar="TERM", help="term key or name")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--approve", action="store_true")
    group.add_argument("--withdraw", action="store_true", help="withdraw the approval")
    p.add_argument("--approver")
    p.add_argument("--date", metavar="DATE", help="approval date (default: the as-of date)")
    p.add_argument("--text", help="the agreed wording")
    p.add_argument("--note")
    add_json_argument(p)
    p.set_defaults(handler=cmd_define)

    p = sub.add_parser("criteria", help="show success criteria or set one")
    add_file_argument(p)
    p.add_argument("key", nargs="?", metavar="KEY")
    p.add_argument("--baseline")
    p.add_argument("--source", help="where the baseline comes from")
    p.add_argument("--target")
    p.add_argument("--current")
    p.add_argument("--kpi", help="add a criterion of your own with this KPI name")
    p.add_argument("--unit", default="")
    p.add_argument("--direction", choices=("up", "down"), default="up")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--include", action="store_true")
    group.add_argument("--exclude", action="store_true")
    p.add_argument("--status", choices=INPUT_STATUSES)
    add_json_argument(p)
    p.set_defaults(handler=cmd_criteria)

    p = sub.add_parser("history", help="the history of one finding or input")
    add_file_argument(p)
    p.add_argument(
        "item",
        metavar="TYPE:KEY",
        help="finding:12, intake:team_sizes, definition:tracker, criterion:win_rate, checklist:1b",
    )
    add_json_argument(p)
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser("lifecycle", help="the whole lifecycle; apply a record file; dates")
    add_file_argument(p)
    p.add_argument("--apply", metavar="RECORD.json", help="apply a record file (docs/lifecycle.md)")
    p.add_argument("--go-live", metavar="DATE")
    p.add_argument("--checkin", metavar="DATE", help="refinement check-in date")
    p.add_argument("--phase", metavar="N|auto", help="pin the current phase, or 'auto'")
    add_json_argument(p)
    p.set_defaults(handler=cmd_lifecycle)


# ------------------------------------------------------------------ status
def status_dict(eng) -> dict:
    s = lc.engagement_status(eng)
    return {
        "customer": s.customer,
        "project_kind": s.project_kind,
        "engagement_type": s.engagement_type,
        "as_of": s.as_of,
        "phase": asdict(s.phase),
        "gates": [
            {
                "name": g.name,
                "phase": g.phase,
                "subphase": g.subphase,
                "met": g.met,
                "reasons": g.reasons,
            }
            for g in s.gates
        ],
        "findings": s.findings,
        "inputs": s.inputs,
        "checklist": [
            {
                "phase": p.phase,
                "name": p.name,
                "done": p.done,
                "total": p.total,
                "subphases": p.subphases,
            }
            for p in s.checklist
        ],
        "next_meeting": s.next_meeting,
        "last_meeting": s.last_meeting,
        "freshness": s.freshness,
        "hypercare": {"decision": s.hypercare_decision, "reasons": s.hypercare_reasons},
        "maintenance_owner": s.maintenance_owner,
        "upcoming": s.upcoming,
    }


def cmd_status(args: argparse.Namespace) -> int:
    with opened(args.file, read_only=True) as eng:
        data = status_dict(eng)
    if args.json:
        emit_json(data)
        return 0
    phase = data["phase"]
    extra = (
        " (set by hand)" if phase["overridden"] else (" (all gates met)" if phase["closed"] else "")
    )
    print(
        f"{data['customer']}  ({data['project_kind']}, {data['engagement_type']}), "
        f"as of {data['as_of']}"
    )
    print(f"Phase {phase['number']}: {phase['name']}{extra}")
    print("Gates:")
    for g in data["gates"]:
        print(f"  [{'met' if g['met'] else 'not met'}] {g['subphase']} {g['name']}")
        for reason in g["reasons"][: (3 if g["met"] else 6)]:
            print(f"      - {reason}")
    print("Checklist:")
    for p in data["checklist"]:
        print(f"  {p['phase']}. {p['name']:<12} {p['done']:>3}/{p['total']:<3} done")
    f = data["findings"]
    print("Findings: " + (", ".join(f"{k} {v}" for k, v in f["by_status"].items() if v) or "none"))
    print("  by severity: " + ", ".join(f"{k} {v}" for k, v in f["by_severity"].items() if v))
    for name, counts in data["inputs"].items():
        print(f"{name.capitalize():<12} " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    nm = data["next_meeting"]
    print(
        f"Next meeting: {nm.date} {nm.kind} {nm.title}".rstrip()
        if nm
        else "Next meeting: none booked"
    )
    print(f"Hypercare: {data['hypercare']['decision']}")
    print("Data freshness:" if data["freshness"] else "Data freshness: nothing imported yet")
    for fr in data["freshness"]:
        print(f"  {fr.entity:<26} {fr.last_import}  ({fr.source})")
    return 0


# ------------------------------------------------------------------ changes
def cmd_check(args: argparse.Namespace) -> int:
    kw: dict = {}
    if args.status:
        kw["status"] = args.status
    if args.owner is not None:
        kw["owner"] = args.owner
    if args.note is not None:
        kw["note"] = args.note
    if args.due is not None:
        kw["due_date"] = args.due or None
    if args.done_date is not None:
        kw["done_date"] = args.done_date or None
    if not kw:
        raise WorkbenchError("Say what to change: --status, --owner, --due, --done-date or --note.")
    with opened(args.file) as eng:
        item = ops.change(eng, ops.ChecklistChange(args.key, kw))
    if args.json:
        emit_json(item)
    else:
        print(
            f"{item.key} {item.title}: {item.status}"
            + (f", owner {item.owner}" if item.owner else "")
            + (f", due {item.due_date}" if item.due_date else "")
            + (f", done {item.done_date}" if item.done_date else "")
        )
    return 0


def _split_correction(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise WorkbenchError(
            f"--correct {text!r}: write TYPE:KEY=VALUE, e.g. "
            'intake:team_sizes="reps=52, managers=6".'
        )
    ref, value = text.split("=", 1)
    return ref.strip(), value.strip().strip('"')


def cmd_meeting(args: argparse.Namespace) -> int:
    corrections = [_split_correction(c) for c in args.correct]
    with opened(args.file) as eng:
        meeting = ops.change(
            eng,
            ops.RecordMeeting(
                args.kind,
                args.date,
                {
                    "title": args.title,
                    "attendees": args.attendee,
                    "notes": args.notes,
                    "confirms": args.confirm,
                    "corrections": corrections,
                },
            ),
        )
    if args.json:
        emit_json(meeting)
    else:
        print(
            f"Recorded {meeting.kind} meeting {meeting.id} on {meeting.held_on}: "
            f"{sum(i.action == 'confirmed' for i in meeting.items)} confirmed, "
            f"{sum(i.action == 'corrected' for i in meeting.items)} corrected."
        )
    return 0


def cmd_intake(args: argparse.Namespace) -> int:
    pairs = []
    for text in args.set:
        if "=" not in text:
            raise WorkbenchError(f"--set {text!r}: write KEY=VALUE, e.g. crm=Salesforce.")
        key, value = text.split("=", 1)
        pairs.append((key.strip(), value.strip()))
    if (args.status or args.source) and not pairs:
        raise WorkbenchError("--status and --source apply to the items given with --set.")
    with opened(args.file, read_only=not pairs) as eng:
        if pairs:
            with eng.atomic():  # all or nothing
                for key, value in pairs:
                    kw = {"status": args.status, "source": args.source}
                    ops.change(
                        eng, ops.IntakeChange(key, value, {k: v for k, v in kw.items() if v})
                    )
        items = lc.intake(eng)
    if args.json:
        emit_json(items)
        return 0
    section = None
    for i in items:
        if i.section != section:
            section = i.section
            print(section)
        value = (
            ", ".join(i.value)
            if isinstance(i.value, list)
            else (
                ", ".join(f"{k}={v}" for k, v in i.value.items())
                if isinstance(i.value, dict)
                else ("" if i.value is None else str(i.value))
            )
        )
        print(
            f"  {i.key:<22} {i.status:<10} {value or '-'}" + (f"  [{i.source}]" if i.source else "")
        )
    return 0


def cmd_define(args: argparse.Namespace) -> int:
    changing = args.approve or args.withdraw or args.text or args.note is not None or args.approver
    if changing and not args.term:
        raise WorkbenchError(
            "Name the term to change, e.g. workbench define FILE "
            "deal_risk_score --approve --approver 'Dana Lee (CRO)'."
        )
    with opened(args.file, read_only=not changing) as eng:
        if changing:
            kw: dict = {}
            if args.approve:
                kw["approved"] = True
            if args.withdraw:
                kw["approved"] = False
            if args.approver:
                kw["approver"] = args.approver
            if args.date:
                kw["approved_on"] = args.date
            if args.text:
                kw["definition"] = args.text
            if args.note is not None:
                kw["note"] = args.note
            ops.change(eng, ops.DefinitionChange(args.term, kw))
        defs = lc.definitions(eng)
    if args.term:
        wanted = args.term.lower()
        defs = [d for d in defs if wanted in (d.key, d.term.lower())] or defs
    if args.json:
        emit_json(defs)
        return 0
    for d in defs:
        state = (
            f"approved by {d.approver or '?'} on {d.approved_on}" if d.approved else "not approved"
        )
        print(f"{d.key:<26} {d.term}: {state}{'' if d.required else ' (optional)'}")
        print(f"    {d.definition}")
    return 0


def cmd_criteria(args: argparse.Namespace) -> int:
    fields = {
        k: getattr(args, k)
        for k in ("baseline", "target", "current", "status")
        if getattr(args, k) is not None
    }
    if args.source is not None:
        fields["baseline_source"] = args.source
    if args.include or args.exclude:
        fields["included"] = bool(args.include)
    changing = bool(fields) or bool(args.kpi)
    if changing and not args.key:
        raise WorkbenchError(
            "Name the criterion to change, e.g. workbench criteria FILE "
            "win_rate --baseline 21 --target 25."
        )
    with opened(args.file, read_only=not changing) as eng:
        if changing:
            with eng.atomic():
                if args.kpi:
                    lc.add_criterion(eng, args.key, args.kpi, args.unit, args.direction)
                if fields:
                    ops.change(eng, ops.CriterionChange(args.key, fields))
        items = lc.criteria(eng)
    if args.key:
        items = [c for c in items if c.key == args.key] or items
    if args.json:
        emit_json(items)
        return 0
    for c in items:

        def fmt(v):
            return "-" if v is None else f"{v:g}"

        print(
            f"{c.key:<22} {c.kpi} ({c.unit}){'' if c.included else ' [excluded]'}: "
            f"baseline {fmt(c.baseline)}, target {fmt(c.target)}, current {fmt(c.current)}"
            + (f"  [baseline: {c.baseline_source}]" if c.baseline_source else "")
            + (
                f"  (playbook suggests {c.suggested_target:g})"
                if c.target is None and c.suggested_target is not None
                else ""
            )
        )
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from workbench.models import findings as findings_model

    if ":" not in args.item:
        raise WorkbenchError(f"{args.item!r}: write TYPE:KEY, e.g. finding:12 or intake:crm.")
    item_type, key = (part.strip() for part in args.item.split(":", 1))
    with opened(args.file, read_only=True) as eng:
        if item_type == "finding":
            try:
                finding_id = int(key)
            except ValueError:
                raise WorkbenchError(f"finding:{key} is not a finding number.") from None
            findings_model.get_finding(eng, finding_id)
            events = [
                {
                    "at": e.at,
                    "event": e.event,
                    "status": e.status,
                    "value": e.metric,
                    "note": e.note,
                    "meeting_id": e.meeting_id,
                }
                for e in findings_model.finding_history(eng, finding_id)
            ]
        elif item_type in ("intake", "definition", "criterion", "checklist"):
            if item_type == "definition":
                key = lc.edits.find_definition(eng, key).key
            known = {
                "intake": [i.key for i in lc.intake(eng)],
                "definition": [key],
                "criterion": [c.key for c in lc.criteria(eng)],
                "checklist": [c.key for c in lc.checklist(eng)],
            }[item_type]
            if key not in known:
                raise lc.edits.unknown_key_error(
                    {
                        "intake": "intake item",
                        "criterion": "success criterion",
                        "checklist": "checklist item",
                    }[item_type],
                    key,
                    known,
                )
            events = [asdict(e) for e in lc.item_history(eng, item_type, key)]
        else:
            raise WorkbenchError(
                f"Unknown item type {item_type!r}; use finding, intake, "
                "definition, criterion or checklist."
            )
    if args.json:
        emit_json(events)
        return 0
    if not events:
        print(f"{args.item}: no changes recorded yet.")
    for e in events:
        where = f" (meeting {e['meeting_id']})" if e["meeting_id"] else ""
        value = "" if e["value"] is None else f" {e['value']}"
        print(
            f"{e['at'].replace('T', ' ')}  {e['event']:<14} {e['status'] or '':<10}"
            f"{value}{where}{'  ' + e['note'] if e['note'] else ''}"
        )
    return 0


def cmd_lifecycle(args: argparse.Namespace) -> int:
    changing = bool(args.apply or args.go_live or args.checkin or args.phase)
    record = records.load_record(args.apply) if args.apply else None
    phase = None
    if args.phase and args.phase != "auto":
        try:
            phase = int(args.phase)
        except ValueError:
            raise WorkbenchError(f"--phase {args.phase!r}: use 1, 2, 3, 4 or auto.") from None
    with opened(args.file, read_only=not changing) as eng:
        applied = None
        if changing:
            with eng.atomic():
                if record is not None:
                    applied = records.apply_record(eng, record)
                if args.go_live:
                    ops.change(eng, ops.SetGoLive(args.go_live))
                if args.checkin:
                    ops.change(eng, ops.SetCheckin(args.checkin))
                if args.phase:
                    lc.set_phase_override(eng, phase)
        data = {
            "applied": applied,
            "checklist": lc.checklist(eng),
            "intake": lc.intake(eng),
            "definitions": lc.definitions(eng),
            "criteria": lc.criteria(eng),
            "meetings": lc.meetings(eng),
            "adoption": lc.adoption_report(eng),
            "maintenance": lc.maintenance_owner(eng),
            "triggers": lc.refinement_triggers(eng),
            "reminders": lc.reminders(eng),
        }
    if args.json:
        emit_json(data)
        return 0
    if applied:
        print("Applied: " + ", ".join(f"{v} {k}" for k, v in applied.items() if v))
    subphase = None
    for item in data["checklist"]:
        if item.subphase != subphase:
            subphase = item.subphase
            print(f"{subphase}")
        print(
            f"  [{item.status:<11}] {item.key:<22} {item.title}"
            + (f" (computed: {item.computed})" if item.computed else "")
        )
    a = data["adoption"]
    print(f"Hypercare from {a.start or '-'}: {a.decision}")
    for reason in a.reasons:
        print(f"  - {reason}")
    m = data["maintenance"]
    print(f"Maintenance owner: {m.owner} (handed off at {m.handed_off_at})")
    for t in data["triggers"]:
        print(f"  trigger {t.name}: {t.state} - {t.reason}")
    for r in data["reminders"]:
        print(f"  {r.date.isoformat()}  {r.title}")
    return 0
