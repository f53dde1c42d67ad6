"""The CRM hygiene audit's faster paths give the figures of the plain ones, on awkward data.

Field completion of opportunities is counted from the audits' opportunities table
(``opportunity_cells``) instead of a grouped SQLite pass (``_sql_cells``); duplicate
accounts' candidate pairs are made blocks of one size at a time; orphan and stage
checks work once per distinct value. Each is compared here with the plain way on
records chosen to trip them: NULL and whitespace-only values (SQLite's ``trim`` strips
spaces, not tabs), odd dates, amounts stored as text, owners and accounts unknown or
padded with spaces, an empty closed flag, repeated names and ids.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from audits_loaders import insert_rows

from workbench.audits import run_crm_hygiene
from workbench.audits.common import AuditData
from workbench.audits.completion import GROUPS, _sql_cells, field_completion, opportunity_cells
from workbench.audits.dedup_blocking import blocking_keys, candidate_pairs


def _awkward(eng) -> None:
    eng.set_setting("as_of_date", "2026-06-30")
    insert_rows(eng, "users", [
        {"crm_id": "u1", "name": "Ann", "segment": "SMB", "is_active": 1},
        {"crm_id": "u2", "name": "Ben", "segment": "  ", "is_active": 0},
        {"crm_id": "u3", "name": "Cy", "segment": " Enterprise ", "is_active": 1},
    ])  # fmt: skip
    insert_rows(eng, "accounts", [
        {"crm_id": "a1", "name": "Acme", "segment": "Mid-Market"},
        {"crm_id": "a2", "name": "Acme", "segment": None},
        {"crm_id": "a3", "name": "Beta", "segment": "\t"},
    ])  # fmt: skip
    rows = [
        # crm_id, owner, account, stage, amount, close, next step, category, closed
        ("o1", "u1", "a1", "Prospecting", 100, "2026-07-01", "call", "Pipeline", 0),
        ("o2", " u1", "a2", " Prospecting ", None, None, "  ", None, None),
        ("o3", "u2", "a3", "", "", "2026-02-30", "\t", "", 0),
        ("o4", None, None, None, "n/a", "soon", None, "  ", 1),
        ("o5", "", "zz", "Closed Won", "  ", "2026-01-15T10:00:00", "x", "Closed", 1),
        ("o6", "u3", " a1", "closed won", 5.5, "  ", "y", "Commit", 0),
        ("o7", "ghost", "a2", "Negotiation", 0, "2026-06-01", None, "Commit", None),
        ("o8", "u2", "a1", "Prospecting", 100, "2026-07-01", "call", "Pipeline", 0),
    ]
    insert_rows(eng, "opportunities", [
        {"crm_id": c, "owner_crm_id": o, "account_crm_id": a, "stage": s, "amount": m,
         "close_date": d, "created_date": "2026-01-01", "next_step": n,
         "forecast_category": f, "is_closed": closed, "is_won": 1 if s == "Closed Won" else 0,
         "pipeline": " " if c == "o3" else "Sales", "name": "Deal" if c != "o4" else None,
         "extra": '{"Champion__c": " "}' if c == "o1" else '{"Champion__c": "Ann"}'}
        for c, o, a, s, m, d, n, f, closed in rows
    ])  # fmt: skip
    eng.set_setting("audits.required_fields", {
        "opportunities": ["amount", "close_date", "stage", "owner_crm_id", "account_crm_id",
                          "next_step", "forecast_category", "pipeline", "name", "created_date",
                          "extra.Champion__c", "amount"],
        "accounts": ["segment"],
    })  # fmt: skip


def _sorted(cells: pd.DataFrame) -> pd.DataFrame:
    dims = list(GROUPS["opportunities"])
    return cells.sort_values(dims).reset_index(drop=True).astype({c: "int64" for c in
                                                                  cells.columns[3:]})  # fmt: skip


def test_opportunity_completion_from_the_table_equals_the_grouped_sql(new_engagement):
    _awkward(new_engagement)
    data = AuditData(new_engagement)
    known = ["amount", "close_date", "stage", "owner_crm_id", "account_crm_id", "next_step",
             "forecast_category", "pipeline", "name", "created_date", "extra.Champion__c",
             "amount"]  # fmt: skip
    fast = _sorted(opportunity_cells(data, known))
    plain = _sorted(_sql_cells(data, "opportunities", known))
    pd.testing.assert_frame_equal(fast, plain)
    # By hand: (stage, owner, segment) of each deal; o1 and o8 differ only in owner.
    assert sorted(zip(fast["stage"], fast["owner"], fast["segment"], fast["_n"],
                      strict=True)) == [  # fmt: skip
        ("(no stage)", "(no owner)", "(no segment)", 1),  # o4: nothing at all
        ("(no stage)", "u2", "\t", 1),  # o3: a tab is a segment to SQLite's trim
        ("Closed Won", "(no owner)", "(no segment)", 1),  # o5: unknown account, no owner
        ("Negotiation", "ghost", "(no segment)", 1),  # o7: a2 has none, ghost is no user
        ("Prospecting", "u1", "(no segment)", 1),  # o2: its account's segment is NULL and
        # its owner " u1" is not the user u1 (joined as stored, grouped trimmed)
        ("Prospecting", "u1", "Mid-Market", 1),
        ("Prospecting", "u2", "Mid-Market", 1),
        ("closed won", "u3", "Enterprise", 1),  # o6: " a1" is no account: owner's segment
    ]
    rows = {r.field: (r.complete, r.total) for r in field_completion(data)[0]
            if r.entity == "opportunities" and not r.group_by}  # fmt: skip
    # blank: amount o2 (NULL), o3 (''), o5 ('  '); "n/a" on o4 is a value, not a blank
    assert rows["amount"] == (5, 8)
    # blank: o2 (NULL) and o6 (spaces); "soon" and "2026-02-30" are written, if odd
    assert rows["close_date"] == (6, 8)
    assert rows["next_step"] == (5, 8)  # o2 ('  '), o4, o7; o3's tab counts as written
    assert rows["extra.Champion__c"] == (7, 8)


def test_orphans_stale_and_stages_on_awkward_records(new_engagement):
    _awkward(new_engagement)
    result = run_crm_hygiene(new_engagement, record=False)
    o = result.orphans
    # no account: o4 (NULL), o5 ("zz"), o6 (" a1" is not a1); no owner: o4, o5 (''),
    # o2 (" u1" is not u1), o7 ("ghost"); open deals of the inactive Ben (u2): o3 and o8
    assert o.opportunities_without_account == 3
    assert o.opportunities_without_owner == 4
    assert o.open_deals_with_inactive_owner == 2
    assert o.inactive_owners == ["Ben"]
    failing = {c.check: c.ids for c in result.stage_checks}
    assert failing["missing_stage"] == ["o3", "o4"]
    # "closed won" looks closed but o6 is flagged open
    assert failing["closed_not_flagged"] == ["o6"]


def _plain_pairs(features: pd.DataFrame, max_block: int) -> set[tuple[int, int]]:
    keys, positions = blocking_keys(features)
    blocks: dict[int, list[int]] = {}
    for key, pos in zip(keys.tolist(), positions.tolist(), strict=True):
        blocks.setdefault(key, [])
        if pos not in blocks[key]:
            blocks[key].append(pos)
    pairs = set()
    for members in blocks.values():
        members = sorted(members)
        if len(members) <= max_block:
            pairs |= {(a, b) for i, a in enumerate(members) for b in members[i + 1 :]}
        else:
            pairs |= set(zip(members[:-1], members[1:], strict=False))
    return pairs


def test_candidate_pairs_equal_the_plain_block_by_block_pairs():
    names = ["acme corp", "acme corp", "acme corp", "acmee corp", "globex", "globx",
             "initech", "initech", "initech", "initech", "hooli", "", "committee group",
             "comittee group", "acme", "acme"]  # fmt: skip
    n = len(names)
    features = pd.DataFrame({
        "name_core": names,
        "domain": ["acme.com"] * 4 + [""] * (n - 4),
        "domain_label": ["acme"] * 4 + [""] * (n - 4),
        "phone": ["555"] * 3 + [""] * (n - 3),
    })  # fmt: skip
    for max_block in (2, 3, 200):  # 2 and 3: the shared keys make chains
        fast = candidate_pairs(features, max_block)
        assert set(zip(fast["unique_id_l"], fast["unique_id_r"], strict=True)) == _plain_pairs(
            features, max_block
        )
        assert (np.diff(fast["unique_id_l"].to_numpy()) >= 0).all()
    keys, positions = blocking_keys(features)
    # the "committee" deletions: "comittee" both from committee's 3rd and 4th letter
    assert len(keys) == len(positions)
    assert 11 not in set(positions.tolist())  # a blank name and no domain: no key
