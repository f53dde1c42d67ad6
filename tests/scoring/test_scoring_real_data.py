"""The real public Salesforce rows (sf-fivetran-seeds): far below the minimum-data gate.

A small pandas loader puts the export into an engagement the way an importer would
(opportunities, the history-mode opportunity table as change rows, tasks and events
as activities). Ten deals cannot calibrate anything; the point is that Workbench says
so plainly, still scores the open deal, and its metrics equal scikit-learn's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss, roc_auc_score

from workbench.models import Engagement
from workbench.scoring import calibrate, score_closed, score_pipeline
from workbench.scoring.metrics import auc, brier


def _bool(series: pd.Series) -> pd.Series:
    return series.astype(str).str.lower().map({"true": 1, "false": 0})


def _day(series: pd.Series) -> pd.Series:
    return series.astype("string").str.slice(0, 10)


def load_fivetran(eng: Engagement, folder: Path) -> None:
    opp = pd.read_csv(folder / "sf_opportunity_data.csv", dtype=str)
    hist = pd.read_csv(folder / "sf_opportunity_history_data.csv", dtype=str)
    tasks = pd.read_csv(folder / "sf_task_data.csv", dtype=str)
    events = pd.read_csv(folder / "sf_event_data.csv", dtype=str)
    opps = pd.DataFrame(
        {
            "crm_id": opp["id"],
            "name": opp["name"],
            "stage": opp["stage_name"],
            "amount": pd.to_numeric(opp["amount"], errors="coerce"),
            "close_date": _day(opp["close_date"]),
            "created_date": _day(opp["created_date"]),
            "is_closed": _bool(opp["is_closed"]),
            "is_won": _bool(opp["is_won"]),
            "next_step": opp["next_step"],
            "last_activity_date": _day(opp["last_activity_date"]),
        }
    )
    history = pd.DataFrame(
        {
            "crm_id": hist["id"] + "@" + hist["_fivetran_start"],
            "opportunity_crm_id": hist["id"],
            "changed_at": hist["_fivetran_start"].str.replace(" ", "T").str.slice(0, 19),
            "stage": hist["stage_name"],
            "amount": pd.to_numeric(hist["amount"], errors="coerce"),
            "close_date": _day(hist["close_date"]),
        }
    )
    acts = pd.concat(
        [
            pd.DataFrame(
                {
                    "crm_id": tasks["id"],
                    "kind": "task",
                    "opportunity_crm_id": tasks["what_id"],
                    "contact_crm_id": tasks["who_id"],
                    "activity_date": _day(tasks["activity_date"]),
                }
            ),
            pd.DataFrame(
                {
                    "crm_id": events["id"],
                    "kind": "event",
                    "opportunity_crm_id": events["what_id"],
                    "contact_crm_id": events["who_id"],
                    "activity_date": _day(events["activity_date"]),
                }
            ),
        ]
    )
    acts = acts[acts["opportunity_crm_id"].fillna("").str.startswith("006")]
    with eng.atomic() as conn:
        for table, frame in (
            ("opportunities", opps),
            ("opportunity_history", history),
            ("activities", acts),
        ):
            frame = frame.astype(object).where(frame.notna(), None)
            cols = ", ".join(frame.columns)
            marks = ", ".join("?" for _ in frame.columns)
            conn.executemany(
                f"INSERT INTO {table} ({cols}) VALUES ({marks})",
                frame.itertuples(index=False, name=None),
            )


@pytest.fixture
def fivetran(new_engagement, shared_data):
    load_fivetran(new_engagement, shared_data / "sf-fivetran-seeds")
    new_engagement.set_setting("as_of_date", "2019-12-31")
    return new_engagement


def test_real_export_is_below_the_gate_and_the_report_says_so_plainly(fivetran):
    report = calibrate(fivetran)
    # One won deal closes before it was created (a real-export quirk): left out, counted.
    assert report.left_out == {"closed before it was created": 1}
    assert report.gate.n_won == 4 and report.gate.n_lost == 4
    assert not report.gate.passed
    assert "Not enough closed history" in report.gate.message
    assert "4 won and 4 lost" in report.gate.message
    assert report.auc is None and report.brier is None  # nothing pretended
    assert any("No model could be fitted" in n for n in report.notes)
    assert report.n_closed == 8


def test_real_export_open_deal_is_scored_with_reasons_summing_to_its_score(fivetran):
    result = score_pipeline(fivetran)
    assert [d.opportunity_crm_id for d in result.deals] == ["006q000000HdOhuAAF"]
    deal = result.deals[0]
    assert sum(r.points for r in deal.reasons) == pytest.approx(deal.score)
    assert deal.band in ("low", "medium", "high")


def test_metrics_equal_scikit_learn_on_the_real_deals(fivetran):
    scored = score_closed(fivetran)
    outcome = pd.read_sql_query(
        "SELECT crm_id, 1 - is_won AS lost FROM opportunities WHERE is_closed = 1", fivetran.conn
    ).set_index("crm_id")["lost"]
    y = outcome.reindex([d.opportunity_crm_id for d in scored]).to_numpy()
    s = np.array([d.score for d in scored])
    assert len(y) == 8
    if len(np.unique(s)) > 1:
        assert auc(y, s) == pytest.approx(roc_auc_score(y, s))
    p = s / 100.0
    assert brier(y, p) == pytest.approx(brier_score_loss(y, p))
