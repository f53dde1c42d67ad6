"""The Data page: the import wizard's code path, import history, the record browser."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from workbench.models import Engagement, now_iso
from workbench.ui import importing
from workbench.ui.import_wizard import ImportWizard, write_sample_export
from workbench.ui.pages.data import Page


# A stand-in for workbench.importers with the agreed API, until the real one lands:
# it really reads the CSV and really writes the engagement, in one transaction.
@dataclass
class FakeDetection:
    encoding: str
    delimiter: str
    sheets: list
    sheet: str | None
    header_row: int
    columns: list[str]
    entity: str | None
    profile: str
    mapping: dict[str, str]
    unmapped_columns: list[str]
    preview_rows: list[list[str]]
    problems: list[str] = field(default_factory=list)


@dataclass
class FakeReject:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class FakeResult:
    import_id: int
    entity: str
    profile: str
    source_name: str
    rows_read: int
    rows_imported: int
    rows_updated: int
    rows_rejected: int
    rows_skipped: int
    rejects: list
    notes: list


@dataclass
class FakeSpec:
    table: str
    fields: list[str]


class FakeImporters:
    ENTITIES = {
        "opportunities": FakeSpec("opportunities", ["crm_id", "name", "stage", "amount"]),
        "accounts": FakeSpec("accounts", ["crm_id", "name"]),
    }
    MAPPING = {
        "crm_id": "Opportunity ID",
        "name": "Opportunity Name",
        "stage": "Stage",
        "amount": "Amount",
    }

    def detect(self, source, *, entity=None, sheet=None):
        with open(source, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        header = rows[0]
        problems = [
            f"Row {i}, Amount: {r[4]!r} is not a number"
            for i, r in enumerate(rows[1:], start=2)
            if not _amount(r[4])[0]
        ]
        return FakeDetection(
            "utf-8",
            ",",
            [],
            None,
            1,
            header,
            entity or "opportunities",
            "salesforce",
            dict(self.MAPPING),
            [h for h in header if h not in self.MAPPING.values()],
            rows[1:],
            problems,
        )

    def import_file(
        self, eng, source, *, entity=None, profile="auto", mapping=None, sheet=None, progress=None
    ):
        mapping = mapping or self.MAPPING
        with open(source, newline="", encoding="utf-8") as fh:
            records = list(csv.DictReader(fh))
        rejects = []
        with eng.atomic() as conn:
            import_id = conn.execute(
                "INSERT INTO imports (entity, source_name, profile, started_at) "
                "VALUES ('opportunities', ?, 'salesforce', ?)",
                (Path(source).name, now_iso()),
            ).lastrowid
            for i, rec in enumerate(records, start=2):
                progress.update(i / (len(records) + 2), f"row {i}")
                ok, amount = _amount(rec.get(mapping.get("amount", ""), ""))
                if not ok:
                    rejects.append(FakeReject(i, "Amount", rec["Amount"], "not a number"))
                    conn.execute(
                        "INSERT INTO import_rejects (import_id, row_number, "
                        "column_name, value, reason) VALUES (?, ?, ?, ?, ?)",
                        (import_id, i, "Amount", rec["Amount"], "not a number"),
                    )
                    continue
                conn.execute(
                    "INSERT INTO opportunities (crm_id, name, stage, amount, import_id) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        rec[mapping["crm_id"]],
                        rec.get(mapping.get("name") or "", None),
                        rec.get(mapping.get("stage") or "", None),
                        amount,
                        import_id,
                    ),
                )
            conn.execute(
                "UPDATE imports SET rows_read=?, rows_imported=?, rows_rejected=? WHERE id=?",
                (len(records), len(records) - len(rejects), len(rejects), import_id),
            )
        return FakeResult(
            import_id,
            "opportunities",
            "salesforce",
            Path(source).name,
            len(records),
            len(records) - len(rejects),
            0,
            len(rejects),
            0,
            rejects,
            [],
        )

    def save_mapping(self, eng, name, entity, mapping):
        import json

        with eng.atomic() as conn:
            conn.execute(
                "INSERT INTO mappings VALUES (?, ?, ?, ?, ?)",
                (name, entity, json.dumps(mapping), now_iso(), now_iso()),
            )


def _amount(text: str) -> tuple[bool, float | None]:
    try:
        return True, float(text.replace(",", ""))
    except ValueError:
        return False, None


@pytest.fixture
def fake_importers(monkeypatch):
    fake = FakeImporters()
    monkeypatch.setattr(importing, "api", lambda: fake)
    return fake


def _wait(qtbot, context):
    qtbot.waitUntil(lambda: not context.runner.is_busy(), timeout=20000)


def test_wizard_detects_maps_and_imports_a_small_csv(qtbot, page_context, tmp_path, fake_importers):
    sample = write_sample_export(tmp_path / "opps.csv")
    wizard = ImportWizard(page_context, [sample])
    qtbot.addWidget(wizard)
    _wait(qtbot, page_context)
    # Step 1: what was detected, the first rows, the values that will not parse.
    assert wizard.entity_combo.currentData() == "opportunities"
    assert wizard.profile_value.text() == "salesforce"
    assert wizard.encoding_value.text() == "utf-8 / comma"
    assert wizard.preview.rowCount() == 6
    assert wizard.preview.item(2, 4).text() == "twelve k"
    assert wizard.problems_title.text() == "Values that will not parse (1)"
    # Step 2: a combo per field, preselected; unmap the stage.
    wizard.next()
    assert wizard.stack.currentIndex() == 1
    assert wizard._combos["crm_id"].currentData() == "Opportunity ID"
    wizard._combos["stage"].setCurrentIndex(0)
    assert wizard.chosen_mapping() == {
        "crm_id": "Opportunity ID",
        "name": "Opportunity Name",
        "amount": "Amount",
    }
    assert wizard.mapped_preview.columnCount() == 3
    # Save it as a named mapping (a write through the runner).
    wizard.save_mapping("Salesforce opps")
    _wait(qtbot, page_context)
    assert importing.saved_mappings(page_context.engagement, "opportunities") == {
        "Salesforce opps": {
            "crm_id": "Opportunity ID",
            "name": "Opportunity Name",
            "amount": "Amount",
        }
    }
    # Step 3: import through the runner; summary and first rejects.
    with qtbot.waitSignal(page_context.runner.finished, timeout=20000):
        wizard.next()
    assert "<b>5</b>" in wizard.summary.text()  # new records
    assert wizard.rejects.rowCount() == 1
    assert [wizard.rejects.item(0, c).text() for c in range(4)] == [
        "4",
        "Amount",
        "twelve k",
        "not a number",
    ]
    eng: Engagement = page_context.engagement
    assert eng.conn.execute("SELECT count(*), count(stage) FROM opportunities").fetchone() == (5, 0)
    assert wizard.next_button.text() == "Done"


def test_cancelling_an_import_commits_nothing(
    qtbot, page_context, tmp_path, fake_importers, monkeypatch
):
    sample = write_sample_export(tmp_path / "opps.csv")
    wizard = ImportWizard(page_context, [sample])
    qtbot.addWidget(wizard)
    _wait(qtbot, page_context)
    wizard.next()
    original = FakeImporters.import_file

    def cancelled_midway(self, eng, source, **kw):
        kw["progress"].token.cancel()  # as if Cancel was pressed after the first row
        return original(self, eng, source, **kw)

    monkeypatch.setattr(FakeImporters, "import_file", cancelled_midway)
    with qtbot.waitSignal(page_context.runner.finished, timeout=20000):
        wizard.next()
    assert wizard.summary.text() == "Import cancelled. Nothing from this file was saved."
    eng = page_context.engagement
    assert eng.conn.execute("SELECT count(*) FROM opportunities").fetchone()[0] == 0
    assert eng.conn.execute("SELECT count(*) FROM imports").fetchone()[0] == 0


def test_data_page_lists_imports_rejects_and_records(qtbot, page_context, tmp_path, fake_importers):
    sample = write_sample_export(tmp_path / "opps.csv")
    fake_importers.import_file(page_context.engagement, sample, progress=_progress())
    page = Page(page_context)
    qtbot.addWidget(page)
    page.show()
    assert page.entity_combo.currentText() == "Opportunities  (5)"
    assert page.records.model.rowCount() == 5
    assert page.records.model.headerData(0, Qt.Orientation.Horizontal) == "CRM ID"
    page.records.search.setText("globex")
    page.records.apply_filter()
    assert page.records.model.rowCount() == 1
    assert page.records.model.row_dict(0)["name"] == "Globex - Renewal FY27"
    assert page.history.model.rowCount() == 1
    assert page.history.model.row_dict(0)["source_name"] == "opps.csv"
    assert page.rejects.model.rowCount() == 1
    assert page.rejects.model.row_dict(0)["value"] == "twelve k"


def _progress():
    from workbench.progress import Progress

    return Progress.none()
