"""Rule sets: scoring arithmetic, bands, versions with author/date/rationale."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from workbench.errors import WorkbenchError
from workbench.scoring.rules import (
    Rule,
    RuleSet,
    apply_rules,
    default_rule_set,
    diff_rule_sets,
    ensure_rule_set,
    get_rule_set,
    list_rule_sets,
    save_rule_set,
)


def test_default_rule_set_points_add_up_to_100_and_validate():
    rules = default_rule_set()
    rules.validate()
    assert sum(r.points for r in rules.rules) == 100
    assert rules.rule("engaged_contacts").threshold == 3  # multi-threading: 3+ contacts
    assert rules.rule("ghosting_days").threshold == 5  # no response 5+ days


def test_score_is_share_of_available_points_and_contributions_sum_to_it():
    rs = RuleSet(
        [
            Rule("days_since_activity", ">", 14, 30),
            Rule("close_pushes", ">=", 2, 20),
            Rule("competitor_mentions", ">=", 1, 50),
        ],
        low_max=30,
        high_min=60,
    )
    values = pd.DataFrame(
        {
            "days_since_activity": [20, 3, 20],
            "close_pushes": [2, 0, 0],
            "competitor_mentions": [np.nan, np.nan, 1],
        },
        index=["a", "b", "c"],
    )
    scored = apply_rules(rs, values)
    # a: 50 of the 50 available points fired (no transcripts: competitor rule unavailable)
    assert scored.scores["a"] == 100
    assert scored.scores["b"] == 0
    assert scored.scores["c"] == 80  # 30 + 50 of 100
    assert list(scored.bands) == ["high", "low", "high"]
    for deal in values.index:
        assert math.isclose(scored.contributions.loc[deal].sum(), scored.scores[deal])
    assert scored.contributions.at["c", "days_since_activity"] == 30


def test_bands_use_the_thresholds():
    rs = default_rule_set()
    assert [rs.band(s) for s in (0, 29.9, 30, 59.9, 60, 100)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
        "high",
    ]


def test_saving_versions_keeps_author_date_rationale_and_old_versions(new_engagement):
    eng = new_engagement
    eng.set_setting("as_of_date", "2026-03-31")
    v1 = ensure_rule_set(eng)
    assert v1.version == 1 and v1.source == "default" and "playbook" in v1.rationale
    edited = RuleSet([*v1.rules], low_max=25, high_min=70)
    edited.rules[0] = Rule("days_since_activity", ">", 21, 20)
    v2 = save_rule_set(
        eng,
        edited,
        author="Dana (VP Sales)",
        rationale="Our cycles are long; three weeks of silence is normal.",
    )
    assert v2.version == 2 and v2.effective_from == "2026-03-31" and v2.created_at
    assert [v.version for v in list_rule_sets(eng)] == [1, 2]
    assert get_rule_set(eng).version == 2
    assert get_rule_set(eng, 1).rule("days_since_activity").threshold == 14
    again = get_rule_set(eng, 2)
    assert again.author == "Dana (VP Sales)" and again.low_max == 25
    changes = {c.signal: c.change for c in diff_rule_sets(v1, again).changes}
    assert changes["days_since_activity"] == "threshold > 14 -> > 21; points 12 -> 20"
    assert "bands" in changes


@pytest.mark.parametrize(
    ("rule_set", "message"),
    [
        (RuleSet([Rule("no_such_signal", ">", 1, 10)]), "no such signal"),
        (RuleSet([Rule("close_pushes", "=>", 1, 10)]), "operator"),
        (RuleSet([Rule("close_pushes", ">", 1, -5)]), "points 0 or more"),
        (RuleSet([Rule("close_pushes", ">", 1, 5)], low_max=70, high_min=60), "Band thresholds"),
    ],
)
def test_invalid_rule_sets_are_refused_with_a_plain_message(new_engagement, rule_set, message):
    with pytest.raises(WorkbenchError, match=message):
        save_rule_set(new_engagement, rule_set, author="A", rationale="R")
    assert list_rule_sets(new_engagement) == []


def test_a_version_needs_an_author_and_a_rationale(new_engagement):
    with pytest.raises(WorkbenchError, match="rationale"):
        save_rule_set(new_engagement, default_rule_set(), author="A", rationale=" ")
    with pytest.raises(WorkbenchError, match="who set"):
        save_rule_set(new_engagement, default_rule_set(), author="", rationale="R")
    with pytest.raises(WorkbenchError, match="version 7 does not exist"):
        get_rule_set(new_engagement, 7)
