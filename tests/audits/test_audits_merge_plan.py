"""The merge plan (master by the stated rules, fields to carry) and the decide command."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest

from workbench.audits.crm_hygiene import run_crm_hygiene
from workbench.audits.merge_plan import build_merge_plan
from workbench.cli import main
from workbench.models import Engagement


@pytest.fixture
def acme_file(acme):
    # a2 (the copy of a1) alone has the billing country and the head count.
    acme.conn.execute(
        "UPDATE accounts SET country = 'United States', employees = 120 WHERE crm_id = 'a2'"
    )
    acme.conn.commit()
    path = acme.path
    acme.close()
    return path


def _rows(path):
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_master_is_the_record_with_open_opportunities_and_blank_fields_are_carried(acme_file):
    with Engagement.open(acme_file) as eng:
        plan = build_merge_plan(eng)
    # a1 has one open deal (o8), a2 none; a3 two (o9, o10), a4 none.
    assert [(g.master_id, g.merged_ids, g.rule) for g in plan.accounts] == [
        ("a1", ["a2"], "most open opportunities"),
        ("a3", ["a4"], "most open opportunities"),
    ]
    assert plan.accounts[0].carry_over == {
        "BillingCountry": ("United States", "a2"),
        "NumberOfEmployees": ("120", "a2"),
    }
    assert plan.accounts[1].carry_over == {}
    # c1 and c2 (John Smith at a1): c1 is on the open deal o8.
    assert [(g.master_id, g.merged_ids, g.rule) for g in plan.contacts] == [
        ("c1", ["c2"], "most open opportunities")
    ]


def test_merge_plan_command_writes_csv_and_workbook(acme_file, tmp_path, capsys):
    out = tmp_path / "plan"
    assert main(["merge-plan", str(acme_file), "--out", str(out), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["account_clusters"], result["accounts_to_merge"]) == (2, 2)
    assert (result["contact_clusters"], result["fields_carried"]) == (1, 2)
    merges = _rows(out / "account_merges.csv")
    assert [(r["MasterRecordId"], r["DuplicateRecordId"]) for r in merges] == [
        ("a1", "a2"), ("a3", "a4"),
    ]  # fmt: skip
    assert merges[0]["MasterName"] == "Acme Inc" and merges[0]["DuplicateName"] == "ACME, Inc."
    assert _rows(out / "account_field_updates.csv") == [
        {"Id": "a1", "BillingCountry": "United States", "NumberOfEmployees": "120"}
    ]
    book = openpyxl.load_workbook(out / "Duplicate Merge Plan.xlsx")
    assert book.sheetnames == [
        "How to use", "Account merges", "Account field updates", "Contact merges",
        "Contact field updates", "Clusters",
    ]  # fmt: skip
    sheet = book["Account merges"]
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "Cluster")
    assert header[:4] == ("Cluster", "Master record id", "Master name", "Duplicate record id")
    values = [r for r in sheet.iter_rows(values_only=True) if r[0] in (1, 2)]
    assert [(r[1], r[3]) for r in values] == [("a1", "a2"), ("a3", "a4")]


def test_decisions_are_kept_and_followed_on_the_next_run(acme_file, capsys):
    # Hill / Hall Medical (a5 / a6) is in the review tier; a3 / a4 is asserted.
    assert main(["decide", str(acme_file), "a5", "a6", "--same", "--by", "Dana"]) == 0
    assert main(["decide", str(acme_file), "a4", "a3", "--different"]) == 0
    assert "a3 and a4 recorded as different" in capsys.readouterr().out
    with Engagement.open(acme_file) as eng:
        result = run_crm_hygiene(eng, record=False)
        stored = eng.conn.execute(
            "SELECT crm_id_a, crm_id_b, same, decided_by FROM duplicate_decisions ORDER BY id"
        ).fetchall()
    assert stored == [("a5", "a6", 1, "Dana"), ("a3", "a4", 0, "")]
    assert [c.ids for c in result.duplicate_accounts] == [["a1", "a2"], ["a5", "a6"]]
    assert result.duplicate_accounts[1].pairs[0].decision == "same"
    assert result.possible_duplicate_accounts == []


def test_decide_refuses_unknown_ids(acme_file, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["decide", str(acme_file), "a1", "nope", "--same"])
    assert exit_.value.code == 1
    assert capsys.readouterr().err.strip() == "error: No account has the CRM id nope."


def test_merge_plan_reads_the_stored_hygiene_run_and_refuses_a_stale_one(acme_file):
    from workbench.audits.operations import RunAudits, run_audits_op
    from workbench.errors import WorkbenchError

    with Engagement.open(acme_file) as eng:
        run = run_audits_op(eng, RunAudits(["crm-hygiene"])).outcomes["crm-hygiene"].run
        plan = build_merge_plan(eng)
        # the clusters and the run they come from are the audit's, not a second matching
        assert plan.source == run.label()
        assert [g.master_id for g in plan.accounts] == ["a1", "a3"]
        with eng.atomic() as conn:
            conn.execute("INSERT INTO accounts (crm_id, name) VALUES ('a99', 'Late Arrival')")
        with pytest.raises(WorkbenchError, match=r"data changed since the CRM hygiene audit"):
            build_merge_plan(eng)
