"""Audits on real public Salesforce data (../shared/data/sf-fivetran-seeds), each key
figure recomputed independently with plain pandas from the CSV files."""

from __future__ import annotations

import pandas as pd
import pytest
from audits_loaders import load_salesforce_seeds, read_sf

from workbench.audits import run_audits


@pytest.fixture
def seeds(shared_data, new_engagement):
    folder = shared_data / "sf-fivetran-seeds"
    load_salesforce_seeds(new_engagement, folder)
    new_engagement.set_setting("as_of_date", "2019-01-15")
    return new_engagement, folder


def test_baselines_match_a_plain_pandas_recount(seeds):
    eng, folder = seeds
    result = run_audits(eng, ["baselines"]).results["baselines"]
    opp = read_sf(folder, "opportunity")
    close = pd.to_datetime(opp["close_date"].str[:10])
    created = pd.to_datetime(opp["created_date"].str[:10])
    in_2018 = close.dt.year.eq(2018) & opp["is_closed"].str.lower().eq("true")
    won = in_2018 & opp["is_won"].str.lower().eq("true")
    lost = in_2018 & ~won
    assert result.quarters == ["FY2018-Q1", "FY2018-Q2", "FY2018-Q3", "FY2018-Q4"]
    assert result.win_rate["overall"]["won"] == int(won.sum()) == 5
    assert result.win_rate["overall"]["lost"] == int(lost.sum()) == 4
    cycle = (close - created).dt.days[won]
    valid = cycle[cycle >= 0]  # one won deal closes before it was created (a real quirk)
    assert result.cycle_days["n"] == len(valid) == 4
    assert result.cycle_days["mean"] == pytest.approx(valid.mean())
    assert result.cycle_days["median"] == pytest.approx(valid.median())
    assert result.cycle_days["overall"]["excluded_negative"] == int((cycle < 0).sum()) == 1
    per_owner = (
        opp[won | lost]
        .groupby("owner_id")["is_won"]
        .apply(lambda s: s.str.lower().eq("true").mean())
    )
    for owner, rate in per_owner.items():
        assert result.win_rate["by_owner"][owner]["value"] == pytest.approx(rate)
    amounts = pd.to_numeric(opp.loc[won, "amount"])
    size = result.deal_size["overall"]
    assert size["n"] == int((amounts > 0).sum())
    assert size["value"] == pytest.approx(amounts[amounts > 0].mean())


def test_hygiene_matches_a_plain_pandas_recount(seeds):
    eng, folder = seeds
    result = run_audits(eng, ["crm-hygiene"]).results["crm-hygiene"]
    accounts = read_sf(folder, "account")
    same_name = accounts.groupby(accounts["name"].str.lower())["id"].apply(sorted)
    expected = [ids for ids in same_name if len(ids) > 1]
    assert [c.ids for c in result.duplicate_account_clusters()] == expected
    opp = read_sf(folder, "opportunity")
    amount = next(r for r in result.completion
                  if r.entity == "opportunities" and r.field == "amount" and not r.group_by)  # fmt: skip
    assert (amount.complete, amount.total) == (int(opp["amount"].notna().sum()), len(opp))
    users = read_sf(folder, "user")
    unknown_owner = ~opp["owner_id"].isin(users["id"])
    assert result.orphans.opportunities_without_owner == int(unknown_owner.sum())
    probability = pd.to_numeric(opp["probability"])
    out_of_range = next(c for c in result.stage_checks if c.check == "probability_out_of_range")
    assert out_of_range.ids == opp.loc[probability > 100, "id"].tolist()  # the 1000% quirk
    still_open = opp["is_closed"].str.lower().eq("false")
    assert result.open_opportunities == int(still_open.sum())
    contacts = read_sf(folder, "contact")
    known = contacts["account_id"].isin(accounts["id"])
    assert result.orphans.contacts_without_account == int((~known).sum())


def test_audits_on_the_importers_output_match_the_pandas_loader(shared_data, tmp_path):
    """The same seeds brought in by the real importer give the same key figures."""
    importers = pytest.importorskip("workbench.importers.engine")
    from workbench.models import Engagement, EngagementMeta

    folder = shared_data / "sf-fivetran-seeds"
    eng = Engagement.create(tmp_path / "imported.engagement", EngagementMeta(customer="Seeds"))
    try:
        for name in ("account", "user", "opportunity", "opportunity_history", "contact"):
            importers.import_file(eng, folder / f"sf_{name}_data.csv")
        eng.set_setting("as_of_date", "2019-01-15")
        run = run_audits(eng, ["crm-hygiene", "baselines"], record=False)
    finally:
        eng.close()
    base = run.results["baselines"]
    assert (base.win_rate["overall"]["won"], base.win_rate["overall"]["lost"]) == (5, 4)
    assert base.cycle_days["n"] == 4
    assert [c.ids for c in run.results["crm-hygiene"].duplicate_accounts] == [
        ["001q000000wW9BZAA0", "001q000000wW9BeAAK"]
    ]
