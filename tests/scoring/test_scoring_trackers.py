"""Conversation trackers on real meeting speech (QMSum / AMI transcripts)."""

from __future__ import annotations

import json

import pandas as pd

from workbench.coaching.trackers import DEFAULT_TRACKERS, Tracker, count_hits, trackers_for


def _turns(path) -> pd.DataFrame:
    data = json.loads(path.read_text(encoding="utf-8"))
    turns = pd.DataFrame(data["meeting_transcripts"]).rename(columns={"content": "text"})
    turns["is_internal"] = None
    return turns


def test_trackers_find_the_pricing_talk_in_a_real_design_meeting(shared_data):
    turns = _turns(shared_data / "qmsum-meetings" / "ES2004a.json")
    hits = count_hits(turns, DEFAULT_TRACKERS)
    assert len(hits) == len(turns) == 320
    assert int(hits["pricing_objection"].sum()) == 1  # "...does make it cheaper"
    hit_row = turns.loc[hits["pricing_objection"] > 0, "text"].iloc[0]
    assert "cheaper" in hit_row
    assert int(hits["stakeholder_departure"].sum()) == 0


def test_noise_tokens_and_seller_turns_do_not_count():
    turns = pd.DataFrame(
        {
            "text": [
                "{vocalsound} too expensive {disfmarker}",
                "we can give a discount",
                "Kinemax is cheaper",
                "next   quarter maybe",
            ],
            "is_internal": [0, 1, 0, None],
        }
    )
    hits = count_hits(turns, DEFAULT_TRACKERS)
    assert hits["pricing_objection"].tolist() == [1, 0, 1, 0]
    assert hits["timeline_shift"].tolist() == [0, 0, 0, 1]  # whitespace inside a phrase
    named = Tracker("competitor", "Competitors", ("Kinemax",))
    assert count_hits(turns, (named,))["competitor"].tolist() == [0, 0, 1, 0]


def test_customer_competitor_names_extend_the_competitor_tracker(new_engagement):
    new_engagement.set_setting("coaching.competitors", ["Kinemax", "Tessellate Automation"])
    competitor = next(t for t in trackers_for(new_engagement) if t.key == "competitor")
    assert "Tessellate Automation" in competitor.phrases
    turns = pd.DataFrame({"text": ["We also met Tessellate  Automation"], "is_internal": [0]})
    assert count_hits(turns, (competitor,))["competitor"].tolist() == [1]
