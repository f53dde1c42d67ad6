"""Templates from the seeds, editing, validation that changes nothing, pilot, selection."""

from __future__ import annotations

import pytest

from workbench.errors import WorkbenchError
from workbench.evaluation import create_evaluation, edit, load_matrix
from workbench.evaluation.matrix import compute_results


def test_conversation_intelligence_template_carries_the_seed_scorecard(new_engagement):
    create_evaluation(new_engagement, "conversation-intelligence")
    m = load_matrix(new_engagement)
    assert [(c.name, c.weight) for c in m.criteria] == [
        ("CRM native integration", 25),
        ("AI insight quality", 20),
        ("Coaching features", 15),
        ("Security/compliance", 15),
        ("Ease of admin/maintenance", 10),
        ("Video/phone integrations", 10),
        ("Pricing (TCO)", 5),
    ]
    assert [v.name for v in m.vendors] == ["Gong", "Chorus (ZoomInfo)", "Clari Copilot", "Jiminny"]
    assert [e.name for e in m.evaluators] == ["RevOps", "Sales manager", "IT/security"]
    assert [s.level for s in m.scale] == [1, 2, 3, 4, 5] and all(s.description for s in m.scale)
    assert all(c.subcriteria for c in m.criteria)
    assert [p.name for p in m.pilot_metrics] == [
        "Recording quality",
        "Transcription accuracy",
        "Insight value",
        "Ease of use",
        "CRM sync reliability",
    ]
    assert m.tco_years == 3


def test_revenue_intelligence_template_has_platform_options_and_weights_summing_to_100(
    new_engagement,
):
    create_evaluation(new_engagement, "revenue-intelligence")
    m = load_matrix(new_engagement)
    assert sum(c.weight for c in m.criteria) == 100
    assert {v.name: v.platform_option for v in m.vendors} == {
        "Gong": "single",
        "Clari": "single",
        "Chorus (ZoomInfo)": "single",
        "Gong + Clari": "dual",
        "Salesforce Einstein": "crm-native",
        "HubSpot": "crm-native",
    }
    assert m.platform_options["dual"]["complexity"] == "High"
    assert m.platform_options["crm-native"]["complexity"] == "Low"


def test_scores_persist_with_evidence_and_names_match_loosely(new_engagement):
    create_evaluation(new_engagement, "conversation-intelligence")
    m = load_matrix(new_engagement)
    names = edit.set_score(new_engagement, m, "chorus", "crm", "4", "it", "SOC 2 report seen")
    assert names == ("Chorus (ZoomInfo)", "CRM native integration", "IT/security")
    m = load_matrix(new_engagement)
    (s,) = m.scores
    assert (s.score, s.evidence) == (4, "SOC 2 report seen")
    edit.set_score(
        new_engagement, m, "Chorus (ZoomInfo)", "CRM native integration", 5, "IT/security"
    )
    assert load_matrix(new_engagement).scores[0].evidence == "SOC 2 report seen"  # kept


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda e, m: edit.set_score(e, m, "Gong", "CRM", 7), "not a whole number from 1 to 5"),
        (lambda e, m: edit.set_score(e, m, "Gong", "CRM", "4.5"), "not a whole number"),
        (lambda e, m: edit.set_score(e, m, "Zoom", "CRM", 3), "Unknown vendor 'Zoom'"),
        (lambda e, m: edit.set_score(e, m, "Gong", "Price", 3), "Unknown criterion 'Price'"),
        (lambda e, m: edit.set_weights(e, m, {"CRM native integration": "abc"}), "not a number"),
        (lambda e, m: edit.set_weights(e, m, {"CRM native integration": 140}), "between 0 and 100"),
        (lambda e, m: edit.set_tco(e, m, "Gong", "seats.Rep", "ten"), "not a number"),
        (lambda e, m: edit.set_tco(e, m, "Gong", "colour", 3), "Unknown TCO field"),
    ],
)
def test_bad_values_raise_plainly_and_change_nothing(new_engagement, call, message):
    create_evaluation(new_engagement, "conversation-intelligence")
    m = load_matrix(new_engagement)
    with pytest.raises(WorkbenchError, match=message):
        with new_engagement.atomic():
            edit.set_weights(new_engagement, m, {"Coaching features": 30})  # rolled back too
            call(new_engagement, m)
    after = load_matrix(new_engagement)
    assert [c.weight for c in after.criteria] == [c.weight for c in m.criteria]
    assert after.scores == []


def test_pilot_results_feed_scores_as_one_more_evaluator(new_engagement):
    create_evaluation(new_engagement, "conversation-intelligence")
    m = load_matrix(new_engagement)
    edit.set_pilot_result(new_engagement, m, "Gong", "Transcription accuracy", 5, "95% words")
    edit.set_pilot_result(new_engagement, m, "Gong", "Insight value", 4)
    edit.set_pilot_result(new_engagement, m, "Gong", "CRM sync reliability", 3, "97% synced")
    edit.set_score(new_engagement, m, "Gong", "AI insight quality", 3, "RevOps")
    written = edit.apply_pilot(new_engagement, load_matrix(new_engagement))
    assert written == 2  # AI insight quality (two measures) and CRM native integration
    m = load_matrix(new_engagement)
    pilot = next(e for e in m.evaluators if e.name == "Pilot")
    ai = next(c for c in m.criteria if c.name == "AI insight quality")
    s = m.score_of(pilot.id, m.vendors[0].id, ai.id)
    assert s.score == 5  # mean of 5 and 4 = 4.5, rounded half up
    assert "Transcription accuracy 5/5 (95% words)" in s.evidence
    cell = next(
        c
        for c in compute_results(m).consensus
        if (c.vendor, c.criterion) == ("Gong", "AI insight quality")
    )
    assert cell.score == pytest.approx(4.0)  # mean of RevOps 3 and Pilot 5
    assert edit.apply_pilot(new_engagement, m) == 2  # re-applying replaces, not duplicates
    assert len(load_matrix(new_engagement).scores) == 3


def test_selected_vendor_lands_in_evaluations_table_for_the_lifecycle_gate(new_engagement):
    create_evaluation(new_engagement, "conversation-intelligence")
    edit.select_vendor(new_engagement, load_matrix(new_engagement), "gong", "Best CRM fit")
    row = new_engagement.conn.execute(
        "SELECT selected_vendor, decision_note, selected_at FROM evaluations"
    ).fetchone()
    assert row[0] == "Gong" and row[1] == "Best CRM fit" and row[2]


def test_vendor_criterion_and_evaluator_can_be_added_and_removed(new_engagement):
    create_evaluation(new_engagement, "conversation-intelligence")
    m = load_matrix(new_engagement)
    edit.add_vendor(new_engagement, m, "Avoma", "single")
    edit.add_criterion(new_engagement, load_matrix(new_engagement), "Mobile app", 5)
    edit.add_evaluator(new_engagement, load_matrix(new_engagement), "CFO", "Finance")
    edit.remove_criterion(new_engagement, load_matrix(new_engagement), "Pricing")
    m = load_matrix(new_engagement)
    assert m.vendors[-1].name == "Avoma" and [x.role for x in m.tco[m.vendors[-1].id].licences] == [
        "Rep",
        "Manager",
        "Admin",
    ]
    assert m.criteria[-1].name == "Mobile app" and len(m.criteria) == 7
    assert m.evaluators[-1].name == "CFO"
    with pytest.raises(WorkbenchError, match="already a vendor"):
        edit.add_vendor(new_engagement, m, "gong")


def test_scored_fixture_ranks_and_prices_from_tco(scored):
    r = compute_results(load_matrix(scored))
    assert r.weight_check.ok and r.complete
    tco = {t.vendor: t for t in r.tco}
    # Gong: (40*1600 + 6*2000 + 2*2000) * 3 * 0.85 + 30,000 + 5,000 = 80,000*2.55 + 35,000
    assert tco["Gong"].total == pytest.approx(239_000)
    # Jiminny: (40*900 + 6*1200 + 2*1200) * 3 + 10,000 + 5,000 = 45,600*3 + 15,000 = 151,800
    assert tco["Jiminny"].total == pytest.approx(151_800)
    assert tco["Jiminny"].pricing_score == 5
    assert tco["Gong"].pricing_score == pytest.approx(5 - (239_000 / 151_800 - 1) * 100 / 20)


def test_lifecycle_gate_sees_the_selected_platform(new_engagement):
    from workbench.lifecycle.gates import selected_platform

    create_evaluation(new_engagement, "revenue-intelligence")
    assert selected_platform(new_engagement)[0] is None
    edit.select_vendor(new_engagement, load_matrix(new_engagement), "HubSpot", "CRM-native")
    assert selected_platform(new_engagement)[0] == "HubSpot"
    edit.rename_vendor(new_engagement, load_matrix(new_engagement), "HubSpot", "HubSpot Sales Hub")
    assert selected_platform(new_engagement)[0] == "HubSpot Sales Hub"
    create_evaluation(new_engagement, "revenue-intelligence")  # a new current evaluation
    assert selected_platform(new_engagement)[0] is None
