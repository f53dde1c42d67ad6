"""The scale-data generator at a tiny size: exact headers, counts, planted pairs, determinism."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import sqlite3
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("gen_scale", REPO / "bench" / "gen_scale.py")
gen_scale = importlib.util.module_from_spec(spec)
sys.modules["gen_scale"] = gen_scale
spec.loader.exec_module(gen_scale)

OPPORTUNITY_HEADERS = (
    "Id,Name,AccountId,OwnerId,StageName,Amount,CloseDate,CreatedDate,Probability,"
    "ForecastCategoryName,NextStep,LastActivityDate,IsClosed,IsWon,Type,LeadSource,"
    "CurrencyIsoCode,Champion__c"
)
FILES = (
    "users.csv",
    "accounts.csv",
    "opportunities.csv",
    "opportunity_history.csv",
    "planted_duplicates.csv",
    "planted_lookalikes.csv",
)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("scale")
    result = gen_scale.generate(
        out, opportunities=2_500, accounts=600, seed=3, engagement=True, log=lambda *_: None
    )
    return out, result


def test_headers_are_exactly_the_salesforce_api_names(tiny) -> None:
    out, _ = tiny
    first = {name: (out / name).read_text(encoding="utf-8").splitlines()[0] for name in FILES}
    assert first["opportunities.csv"] == OPPORTUNITY_HEADERS
    assert first["accounts.csv"] == (
        "Id,Name,Website,Industry,BillingCountry,OwnerId,NumberOfEmployees,AnnualRevenue,CreatedDate"
    )
    assert first["users.csv"] == "Id,Name,Email,UserRole,ManagerId,Team,Segment,IsActive"
    assert first["opportunity_history.csv"] == (
        "OpportunityId,CreatedDate,StageName,Amount,CloseDate,Probability,ForecastCategoryName"
    )
    assert first["planted_duplicates.csv"] == "id_a,id_b"


def test_row_counts_match_the_request(tiny) -> None:
    out, result = tiny
    assert len(read(out / "opportunities.csv")) == 2_500
    assert len(read(out / "accounts.csv")) == 600
    assert len(read(out / "opportunity_history.csv")) == 7_500
    assert len(read(out / "users.csv")) == result["users"] == 20
    assert len(read(out / "planted_duplicates.csv")) == 12  # 2% of 600


def test_values_look_like_a_data_loader_export(tiny) -> None:
    out, _ = tiny
    rows = read(out / "opportunities.csv")
    ids = [r["Id"] for r in rows]
    assert len(set(ids)) == len(ids) and all(len(i) == 18 and i.startswith("006") for i in ids)
    assert {r["IsClosed"] for r in rows} == {"true", "false"}
    assert all(r["CreatedDate"].endswith(".000+0000") and len(r["CreatedDate"]) == 28 for r in rows)
    assert all(r["IsWon"] == "false" or r["StageName"] == "Closed Won" for r in rows)
    assert any(r["NextStep"] == "" for r in rows) and any(r["Champion__c"] == "" for r in rows)
    accounts = {r["Id"] for r in read(out / "accounts.csv")}
    users = {r["Id"] for r in read(out / "users.csv")}
    assert all(r["AccountId"] in accounts and r["OwnerId"] in users for r in rows)


def test_sf_ids_carry_the_real_case_safe_checksum() -> None:
    import numpy as np

    from workbench.demodata.common import sf_id

    numbers = np.array([0, 1, 61, 62, 123_456_789, 5_000_000])
    assert list(gen_scale.sf_ids("006", numbers)) == [sf_id("006", int(n)) for n in numbers]


def test_planted_pairs_exist_and_are_near_duplicates(tiny) -> None:
    from rapidfuzz import fuzz

    out, _ = tiny
    accounts = {r["Id"]: r for r in read(out / "accounts.csv")}

    def host(website: str) -> str:
        w = website.lower().removeprefix("http://").removeprefix("https://").removeprefix("www.")
        return w.split("/")[0]

    for pair in read(out / "planted_duplicates.csv"):
        a, b = accounts[pair["id_a"]], accounts[pair["id_b"]]
        assert fuzz.token_set_ratio(a["Name"].lower(), b["Name"].lower()) >= 75
        if a["Website"] and b["Website"]:
            assert host(a["Website"]) == host(b["Website"])
    for pair in read(out / "planted_lookalikes.csv"):
        a, b = accounts[pair["id_a"]], accounts[pair["id_b"]]
        assert b["Name"].endswith("Europe GmbH")
        if a["Website"] and b["Website"]:
            assert host(a["Website"]) != host(b["Website"])


def test_same_seed_gives_identical_files(tiny, tmp_path: Path) -> None:
    out, _ = tiny
    gen_scale.generate(tmp_path, opportunities=2_500, accounts=600, seed=3, log=lambda *_: None)
    for name in FILES:
        assert (
            hashlib.sha256((out / name).read_bytes()).digest()
            == hashlib.sha256((tmp_path / name).read_bytes()).digest()
        ), name


def test_engagement_holds_the_same_records_and_the_planted_pairs(tiny) -> None:
    import json

    out, result = tiny
    conn = sqlite3.connect(out / "scale.engagement")
    try:
        count = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in (
                "users",
                "accounts",
                "opportunities",
                "opportunity_history",
                "activities",
                "meetings",
            )
        }
        pairs = json.loads(
            conn.execute(
                "SELECT value FROM settings WHERE key = 'demo.planted_duplicate_accounts'"
            ).fetchone()[0]
        )
        as_of = json.loads(
            conn.execute("SELECT value FROM settings WHERE key = 'as_of_date'").fetchone()[0]
        )
        orphan = conn.execute(
            "SELECT count(*) FROM opportunities WHERE account_crm_id NOT IN "
            "(SELECT crm_id FROM accounts)"
        ).fetchone()[0]
    finally:
        conn.close()
    assert count["opportunities"] == 2_500 and count["accounts"] == 600 and count["users"] == 20
    assert count["opportunity_history"] == 7_500
    assert 3_500 <= count["activities"] <= 6_500
    assert count["meetings"] > 0
    assert as_of == "2026-11-16" and orphan == 0
    assert pairs == [[r["id_a"], r["id_b"]] for r in read(out / "planted_duplicates.csv")]


def test_command_line_writes_the_files(tmp_path: Path, capsys) -> None:
    assert (
        gen_scale.main(
            [
                "--out",
                str(tmp_path),
                "--opportunities",
                "300",
                "--accounts",
                "200",
                "--no-history",
                "--quiet",
            ]
        )
        == 0
    )
    assert (tmp_path / "opportunities.csv").exists()
    assert not (tmp_path / "opportunity_history.csv").exists()
    assert "'opportunities': 300" in capsys.readouterr().out


def test_shuffle_puts_no_indexed_column_in_order(tiny, tmp_path: Path) -> None:
    out, _ = tiny
    shuffled = tmp_path / "shuffled"
    gen_scale.generate(
        shuffled, opportunities=2_500, accounts=600, seed=3, history=False, shuffle=True,
        log=lambda *_: None,
    )  # fmt: skip
    plain = read(out / "opportunities.csv")
    mixed = read(shuffled / "opportunities.csv")
    # The same deals (by id, every column equal), only the ids are dealt out in random order.
    assert sorted(r["Id"] for r in mixed) == sorted(r["Id"] for r in plain)
    assert [r["Name"] for r in mixed] == [r["Name"] for r in plain]
    for column in ("Id", "AccountId", "OwnerId", "CloseDate"):
        values = [r[column] for r in mixed]
        ascending = sum(a <= b for a, b in zip(values, values[1:], strict=False))
        # Random order: about half of neighbouring pairs ascend (sorted would be all).
        assert 0.4 < ascending / (len(values) - 1) < 0.6, column
    again = tmp_path / "again"
    gen_scale.generate(
        again, opportunities=2_500, accounts=600, seed=3, history=False, shuffle=True,
        log=lambda *_: None,
    )  # fmt: skip
    assert (again / "opportunities.csv").read_bytes() == (
        shuffled / "opportunities.csv"
    ).read_bytes()
