"""The demo's platform evaluation: five vendors scored, two piloted, Gong selected.

Written through ``workbench.evaluation`` only. The scores are fixed, believable
judgements: Gong leads on conversation capture and deal insight, Clari on forecasting,
Salesforce Einstein on CRM integration and security, the Gong + Clari pair costs the
most to run and administer. The three evaluators differ where their jobs would make
them differ (IT/security marks admin effort down; the sales manager marks ease of use
up), including cells where they disagree by two points. Licence prices are
list-price-like illustrations, not quotes.
"""

from __future__ import annotations

from typing import Any

from workbench.models import Engagement

TEMPLATE = "revenue-intelligence"
EVALUATORS = ("RevOps", "Sales manager", "IT/security")
CRITERIA = (
    "Conversation capture",
    "Pipeline analytics and forecasting",
    "Deal scoring",
    "CRM integration",
    "Security/compliance",
    "Ease of admin",
    "Pricing (TCO)",
)
DROPPED = {"HubSpot": "Northwind runs Salesforce; a HubSpot-native option does not apply."}
SELECTED = "Gong"
FINALISTS = ("Gong", "Clari")

# vendor -> criterion -> (RevOps, Sales manager, IT/security) scores and the evidence.
SCORES: dict[str, dict[str, tuple[tuple[int, int, int], str]]] = {
    "Gong": {
        "Conversation capture": ((5, 5, 4), "Recorded Zoom, Teams, Meet and Aircall in the demo"),
        "Pipeline analytics and forecasting": ((4, 4, 4), "Forecast board by category; roll-up"),
        "Deal scoring": ((4, 5, 4), "Deal warnings explained from call and e-mail signals"),
        "CRM integration": ((4, 4, 4), "Salesforce read/write; MEDDIC fields mapped in demo"),
        "Security/compliance": ((4, 4, 4), "SOC 2 Type II, ISO 27001; consent per region"),
        "Ease of admin": ((4, 5, 3), "Simple team setup; IT: SCIM needs an extra SKU"),
        "Pricing (TCO)": ((3, 3, 3), "Platform fee plus per-seat licence"),
    },
    "Clari": {
        "Conversation capture": ((2, 3, 3), "Recorder is a newer add-on; no Aircall connector"),
        "Pipeline analytics and forecasting": ((5, 5, 4), "Best forecast call workflow seen"),
        "Deal scoring": ((4, 3, 4), "Deal inspection strong; fewer conversation signals"),
        "CRM integration": ((4, 4, 4), "Salesforce sync with field history snapshots"),
        "Security/compliance": ((4, 4, 5), "SOC 2 Type II, SSO, field-level permissions"),
        "Ease of admin": ((4, 3, 4), "Forecast hierarchy follows the Salesforce roles"),
        "Pricing (TCO)": ((3, 4, 3), "Per-seat; recorder priced separately"),
    },
    "Chorus (ZoomInfo)": {
        "Conversation capture": ((4, 4, 3), "Good Zoom and dialer capture; Meet via bot only"),
        "Pipeline analytics and forecasting": ((2, 2, 2), "No forecast roll-up; pipeline views"),
        "Deal scoring": ((3, 2, 3), "Basic deal health; no calibration on history"),
        "CRM integration": ((3, 3, 4), "Salesforce activity sync; custom fields limited"),
        "Security/compliance": ((3, 3, 3), "SOC 2; EU data residency on request"),
        "Ease of admin": ((3, 3, 3), "Admin tied to the ZoomInfo account"),
        "Pricing (TCO)": ((4, 4, 4), "Bundled with the ZoomInfo renewal"),
    },
    "Gong + Clari": {
        "Conversation capture": ((5, 5, 4), "Gong recorder; same as the single platform"),
        "Pipeline analytics and forecasting": ((5, 5, 4), "Clari forecasting on Gong data"),
        "Deal scoring": ((4, 5, 4), "Signals from both tools; two scores to reconcile"),
        "CRM integration": ((4, 3, 2), "Two Salesforce integrations to run; IT: API limits"),
        "Security/compliance": ((4, 4, 3), "Two vendors to review and two data stores"),
        "Ease of admin": ((2, 3, 2), "Two admin consoles, overlapping features"),
        "Pricing (TCO)": ((1, 2, 1), "Two licences per seat"),
    },
    "Salesforce Einstein": {
        "Conversation capture": ((2, 1, 3), "Einstein Conversation Insights: Zoom and Teams only"),
        "Pipeline analytics and forecasting": ((3, 3, 3), "Collaborative forecasts built in"),
        "Deal scoring": ((3, 2, 3), "Opportunity scoring; little conversation signal"),
        "CRM integration": ((5, 5, 5), "Native: no sync to run"),
        "Security/compliance": ((5, 4, 5), "Inside the existing Salesforce trust boundary"),
        "Ease of admin": ((4, 3, 4), "Admin in Salesforce Setup, which RevOps knows"),
        "Pricing (TCO)": ((4, 4, 4), "Add-on to the Sales Cloud contract"),
    },
}

# Why an evaluator scored a cell away from the others (appended to the evidence).
LENS = {
    ("Gong", "Ease of admin", "Sales manager"): "managers set up their own scorecards",
    ("Gong", "Ease of admin", "IT/security"): "SCIM provisioning is a paid add-on",
    ("Salesforce Einstein", "Conversation capture", "Sales manager"): (
        "no dialer or Meet calls: a third of my team's calls missed"
    ),
    ("Salesforce Einstein", "Conversation capture", "IT/security"): (
        "no new vendor to review for the calls it does record"
    ),
    ("Gong + Clari", "CRM integration", "RevOps"): "each tool syncs well on its own",
    ("Gong + Clari", "CRM integration", "IT/security"): "two integrations share the API quota",
}

# Pilot (two weeks, Enterprise East and SMB Velocity): measure -> rating, measured value.
PILOT: dict[str, dict[str, tuple[int, str, str]]] = {
    "Gong": {
        "Recording quality": (5, "97% of pilot calls captured", "Aircall and Meet included"),
        "Transcription accuracy": (4, "~92% word accuracy on a 20-call sample", ""),
        "Insight value": (5, "flagged 9 of 11 deals that later slipped", ""),
        "Ease of use": (4, "11 of 12 pilot users weekly active", ""),
        "CRM sync reliability": (4, "2 sync errors in 1,480 activities", ""),
    },
    "Clari": {
        "Recording quality": (3, "81% of pilot calls captured", "no Aircall connector yet"),
        "Transcription accuracy": (3, "~88% word accuracy on a 20-call sample", ""),
        "Insight value": (4, "flagged 7 of 11 deals that later slipped", ""),
        "Ease of use": (4, "10 of 12 pilot users weekly active", ""),
        "CRM sync reliability": (5, "no sync error in 1,512 activities", ""),
    },
}

# Yearly list-price-like licence per seat by role, one-off costs and the discount.
TCO: dict[str, dict[str, float]] = {
    "Gong": {"Rep": 1600, "Manager": 1600, "Admin": 1600, "implementation": 25000,
             "integration": 12000, "training": 8000, "discount": 12},
    "Clari": {"Rep": 1250, "Manager": 1450, "Admin": 1450, "implementation": 20000,
              "integration": 10000, "training": 6000, "discount": 10},
    "Chorus (ZoomInfo)": {"Rep": 1100, "Manager": 1100, "Admin": 1100,
                          "implementation": 15000, "integration": 9000, "training": 5000,
                          "discount": 15},
    "Gong + Clari": {"Rep": 2850, "Manager": 3050, "Admin": 3050, "implementation": 42000,
                     "integration": 22000, "training": 12000, "discount": 15},
    "Salesforce Einstein": {"Rep": 1150, "Manager": 1150, "Admin": 0, "implementation": 18000,
                            "integration": 4000, "training": 6000, "discount": 5},
}  # fmt: skip

DECISION = (
    "Selected at the strategic sign-off on 1 October 2026 by the VP Sales: highest weighted "
    "score, ahead on conversation capture and deal insight in the pilot, and the only "
    "finalist recording Aircall calls. Clari's forecasting was stronger; its gap on "
    "capture outweighs it at Northwind's weights. Procurement started with a 12% discount "
    "on a three-year term."
)


def tell_evaluation(eng: Engagement, who: Any, seats: dict[str, int]) -> None:
    """Start, score, pilot, cost and decide the revenue-intelligence evaluation."""
    from workbench.evaluation import create_evaluation, edit, load_matrix  # noqa: PLC0415

    create_evaluation(eng, TEMPLATE, name="Northwind Robotics platform evaluation")
    matrix = load_matrix(eng)
    for vendor in DROPPED:
        if any(v.name == vendor for v in matrix.vendors):
            edit.remove_vendor(eng, matrix, vendor)
    matrix = load_matrix(eng)
    with eng.atomic():
        for vendor, row in SCORES.items():
            for criterion, (scores, evidence) in row.items():
                for evaluator, score in zip(EVALUATORS, scores, strict=True):
                    why = LENS.get((vendor, criterion, evaluator))
                    edit.set_score(
                        eng,
                        matrix,
                        vendor,
                        criterion,
                        score,
                        evaluator=evaluator,
                        evidence=f"{evidence}; {why}" if why else evidence,
                    )
        for vendor, measures in PILOT.items():
            for measure, (rating, measured, note) in measures.items():
                edit.set_pilot_result(eng, matrix, vendor, measure, rating, measured, note)
        for vendor, costs in TCO.items():
            for role, count in seats.items():
                edit.set_tco(eng, matrix, vendor, f"seats.{role}", count)
                edit.set_tco(eng, matrix, vendor, f"price.{role}", costs[role])
            for field_name in ("implementation", "integration", "training", "discount"):
                edit.set_tco(eng, matrix, vendor, field_name, costs[field_name])
    matrix = load_matrix(eng)
    edit.apply_pilot(eng, matrix)
    edit.select_vendor(eng, load_matrix(eng), SELECTED, DECISION)
