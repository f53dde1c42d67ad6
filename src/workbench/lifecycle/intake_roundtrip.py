"""Read the intake workbook the customer filled in back into the engagement.

``import_intake(eng, IntakeImport(path, apply=False))`` reads the "Intake form" and
"Questions" sheets of the workbook the Intake Pack wrote, and returns the diff: each
answer the customer gave, what the engagement held before and the status it moves
to. With ``apply=True`` the whole diff is written in one transaction (one undo
step): every answered intake item becomes CONFIRMED with the workbook (and who
answered) as its source, and the previous value in its note; answers to the other
questions are kept with the same source, and the checklist's "intake form
returned" task is ticked. A bad value stops the import with the
file, sheet, row, column and value, and nothing is written.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from workbench.errors import WorkbenchError
from workbench.lifecycle import edits, store
from workbench.lifecycle.intake_pack import QUESTIONS_SETTING, questions, stored_answers, text
from workbench.models import Engagement, now_iso
from workbench.models.undo import RowScope
from workbench.progress import Progress

FORM_SHEET = "Intake form"
QUESTIONS_SHEET = "Questions"
ANSWER = "Your answer"
ANSWERED_BY = "Answered by"
REFERENCE = "Reference"
INTAKE_CHECKLIST_ITEM = "1a-intake-form"
_COUNT_PAIR = re.compile(r"([A-Za-z][\w ]*?)\s*[=:]?\s*(\d+)")


@dataclass
class IntakeImport:
    """Import ``path`` (the intake workbook); ``apply`` writes the diff, otherwise only shows it."""

    path: Path
    apply: bool = False


@dataclass
class IntakeAnswer:
    """One answer from the workbook and what it changes."""

    sheet: str
    row: int
    reference: str
    question: str
    before: str
    after: str
    status_before: str
    status_after: str
    source: str
    changed: bool  # the value differs (otherwise only the status moves)


@dataclass
class IntakeImportResult:
    file: str
    answers: list[IntakeAnswer] = field(default_factory=list)
    unchanged: int = 0  # answers equal to what was already confirmed
    applied: bool = False


def _bad(path: Path, sheet: str, row: int, column: str, value: Any, why: str) -> WorkbenchError:
    return WorkbenchError(
        f"{path.name}, sheet {sheet}, row {row}, column {column}: {value!r} {why}"
    )


def _rows(path: Path, wb, sheet: str) -> list[tuple[int, dict[str, Any]]]:
    """The table rows of ``sheet`` under its header (the row holding "Reference")."""
    if sheet not in wb.sheetnames:
        raise WorkbenchError(
            f"{path.name} has no sheet {sheet!r}; import the intake workbook the Intake Pack "
            "wrote (its sheets are Intake form, Questions and Access checklist)."
        )
    ws = wb[sheet]
    header: list[str] | None = None
    out = []
    for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
        cells = ["" if v is None else str(v).strip() for v in values]
        if header is None:
            if REFERENCE in cells and ANSWER in cells:
                header = cells
            continue
        record = dict(zip(header, values, strict=False))
        if any(v not in (None, "") for v in record.values()):
            out.append((r, record))
    if header is None:
        raise WorkbenchError(
            f"{path.name}, sheet {sheet}: no header row with the columns {ANSWER!r} and "
            f"{REFERENCE!r}; export a fresh intake workbook (workbench export FILE --only "
            "intake-pack)."
        )
    return out


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse(item: store.IntakeItem, raw: str) -> Any:
    if item.type == "counts" and "=" not in raw:
        raw = ", ".join(f"{k.strip()}={n}" for k, n in _COUNT_PAIR.findall(raw)) or raw
    return edits.parse_intake_value(item, raw)


def read_intake_workbook(eng: Engagement, path: Path) -> IntakeImportResult:
    """The diff the workbook would make; raises on the first bad value."""
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(f"The intake workbook {path} does not exist.")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise WorkbenchError(
            f"{path.name} is not an Excel workbook Workbench can read ({exc.__class__.__name__})."
        ) from None
    stamp = now_iso()[:10]
    items = {i.key: i for i in store.intake(eng)}
    asked = {q.key: q for q in questions(eng)}
    kept = stored_answers(eng)
    result = IntakeImportResult(path.name)
    try:
        form = _rows(path, wb, FORM_SHEET)
        asks = _rows(path, wb, QUESTIONS_SHEET)
    finally:
        wb.close()
    seen: set[str] = set()

    def source(record: dict) -> str:
        who = _clean(record.get(ANSWERED_BY))
        return (
            f"intake workbook {path.name}" + (f", answered by {who}" if who else "") + f" ({stamp})"
        )

    def add_intake(sheet: str, r: int, record: dict, key: str, answer: str) -> None:
        item = items[key]
        try:
            value = _parse(item, answer)
        except WorkbenchError as exc:
            raise _bad(path, sheet, r, ANSWER, answer, f"is not a valid answer: {exc}") from None
        if key in seen:
            raise _bad(
                path,
                sheet,
                r,
                REFERENCE,
                key,
                "is answered twice in the workbook; keep one answer.",
            )
        seen.add(key)
        changed = value != item.value
        if not changed and item.status in ("CONFIRMED", "CORRECTED"):
            result.unchanged += 1
            return
        result.answers.append(
            IntakeAnswer(sheet, r, f"intake:{key}", item.label, text(item.value), text(value),
                         item.status if item.is_filled else "not known", "CONFIRMED",
                         source(record), changed)
        )  # fmt: skip

    for r, record in form:
        key = _clean(record.get(REFERENCE))
        answer = _clean(record.get(ANSWER))
        if not answer:
            continue
        if key not in items:
            raise _bad(
                path,
                FORM_SHEET,
                r,
                REFERENCE,
                key,
                "is not a question of this engagement's intake form; export a fresh workbook.",
            )
        add_intake(FORM_SHEET, r, record, key, answer)
    for r, record in asks:
        ref = _clean(record.get(REFERENCE))
        answer = _clean(record.get(ANSWER))
        if not answer:
            continue
        if ref.startswith("intake:") and ref[7:] in items:
            add_intake(QUESTIONS_SHEET, r, record, ref[7:], answer)
            continue
        if ref not in asked and ref not in kept:
            raise _bad(
                path,
                QUESTIONS_SHEET,
                r,
                REFERENCE,
                ref,
                "is not a question Workbench asked; export a fresh workbook.",
            )
        before = str((kept.get(ref) or {}).get("answer", ""))
        if before == answer:
            result.unchanged += 1
            continue
        q = asked.get(ref)
        result.answers.append(
            IntakeAnswer(QUESTIONS_SHEET, r, ref, q.question if q else ref, before, answer,
                         "answered" if before else "open", "CONFIRMED", source(record), True)
        )  # fmt: skip
    return result


def import_intake(
    eng: Engagement, request: IntakeImport, *, progress: Progress | None = None
) -> IntakeImportResult:
    """Show (and with ``apply`` write, in one transaction) what the returned workbook changes."""
    progress = progress or Progress.none()
    progress.update(0.0, "Reading the intake workbook")
    result = read_intake_workbook(eng, request.path)
    if not request.apply or not result.answers:
        return result
    if eng.read_only:
        raise WorkbenchError("The engagement is open read-only; close other windows and try again.")
    items = {i.key: i for i in store.intake(eng)}
    answered = dict(stored_answers(eng))
    stamp = now_iso()

    def apply(eng: Engagement) -> None:
        for a in result.answers:
            if a.reference.startswith("intake:"):
                key = a.reference[7:]
                value = _parse(items[key], a.after)
                note = f"was {a.before!r} ({a.status_before})" if a.changed and a.before else ""
                edits._write_intake(eng, key, value, "CONFIRMED", a.source, note, None, "imported")
            else:
                answered[a.reference] = {"answer": a.after, "source": a.source}
        # the returned workbook is the intake form coming back: tick it on the checklist
        eng.conn.execute(
            "UPDATE lc_checklist_items SET status = 'done', done_date = ?, note = ?, "
            "updated_at = ? WHERE key = ? AND status NOT IN ('done', 'n-a')",
            (stamp[:10], f"returned as {result.file}", stamp, INTAKE_CHECKLIST_ITEM),
        )
        eng.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, json(?)) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (QUESTIONS_SETTING, json.dumps(answered)),
        )

    with eng.atomic():
        store.ensure_lifecycle(eng)
        edits._run(
            eng,
            f"Import intake workbook {result.file}",
            [
                RowScope("lc_intake_items", "1 = 1"),
                RowScope("settings", "key = ?", (QUESTIONS_SETTING,), pk="key"),
                RowScope("lc_checklist_items", "key = ?", (INTAKE_CHECKLIST_ITEM,)),
            ],
            apply,
        )
    result.applied = True
    progress.update(1.0, "Intake answers imported")
    return result
