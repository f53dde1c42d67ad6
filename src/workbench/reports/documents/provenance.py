"""Where each document sits in the playbook and what it is built from.

The Package Index and ``workbench export --list`` show, for every document, its
phase, what it is built from and, when the data it needs is not in the engagement
yet, that it waits for data and for which.
"""

from __future__ import annotations

from workbench.models import Engagement

# name -> (phase, built from)
PROVENANCE: dict[str, tuple[str, str]] = {
    "index": ("4c Handoff", "every document of this export"),
    "intake-pack": ("1a Pre-kickoff, 1b Kickoff", "intake answers, CRM users, jurisdictions, imports on record"),
    "gap-analysis": ("1a Pre-kickoff", "capture audit of the meeting and dialer logs; CRM hygiene audit"),
    "baseline-metrics": ("1a Pre-kickoff", "baselines audit of opportunities, their history and forecast submissions"),
    "definition-alignment": ("1a Pre-kickoff to 1d Sign-off", "definition terms and their approvals"),
    "success-criteria": ("1b Kickoff", "success criteria with the baselines audit"),
    "ci-requirements": ("1b Kickoff", "intake priorities, call transcripts and tracker hits"),
    "evaluation-matrix": ("1c Alignment", "platform evaluation scores, weights and costs"),
    "evaluation-summary": ("1c Alignment", "platform evaluation scores, weights and costs"),
    "integration-map": ("1a draft, 1c confirmed", "intake tech stack, imports on record, capture audit"),
    "consent-plan": ("1a Homework, 2c Build", "operating jurisdictions and the legal review"),
    "field-mapping": ("2a Tech spec", "import mappings and the imported CRM fields"),
    "scoring-rules": ("1c Alignment, 2c Build", "deal scoring rule set and the stored calibration"),
    "tracker-design": ("2c Build", "trackers, intake competitors and call transcripts"),
    "coaching-scorecard": ("2c Build", "methodology, scorecards and measured calls"),
    "dashboard-specs": ("1c Alignment", "CRM users, accounts, open deals and quotas"),
    "ci-dashboards": ("2a Tech spec", "measured calls, trackers and CRM users"),
    "technical-spec": ("2a Tech spec, 2b Engineering handoff", "field mapping, intake tech stack, capture audit, rule set and calibration, roster, trackers, approval"),
    "platform-config": ("2c Build, 4c Handoff", "rule set, roster, intake and jurisdictions"),
    "admin-runbook": ("3a Training prep", "roster, integrations and the troubleshooting library"),
    "deal-review-playbook": ("3a Training prep", "rule set and the stored pipeline scores"),
    "training-package": ("3a Training prep, 3b Sessions", "rule set and pipeline scores, roster, intake channels, jurisdictions, training meetings"),
    "forecast-cadence": ("4c Handoff", "fiscal calendar and forecast cadence"),
    "tracker-guide": ("4c Handoff", "trackers and their reviewed accuracy"),
    "coaching-playbook": ("3a Training prep", "measured calls and top performers"),
    "call-library": ("2c Build", "call transcripts, trackers and coaching scores"),
    "sales-call-library": ("2c Build", "call transcripts, trackers and coaching scores"),
    "marketing-cs-guide": ("4c Handoff", "tracker hits on the calls"),
    "faq": ("3a Training prep", "jurisdictions and the platform settings"),
    "maintenance-schedule": ("4a Maintenance", "maintenance library, check-in and go-live dates"),
    "quick-start": ("3a Training prep", "roster, rule set and forecast cadence"),
}  # fmt: skip

# name -> the data the document cannot do without: (table, what it is, who provides it)
NEEDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "intake-pack": (("lc_intake_items", "the intake answers", "the customer's RevOps lead"),),
    "gap-analysis": (("meetings", "the dialer and meeting logs", "Sales Ops"),),
    "baseline-metrics": (("opportunities", "the opportunity export", "RevOps"),),
    "dashboard-specs": (("users", "the CRM users", "RevOps"),),
    "technical-spec": (
        ("opportunities", "the opportunity export", "RevOps"),
        ("lc_intake_items", "the intake answers", "the customer's RevOps lead"),
    ),
    "scoring-rules": (("opportunities", "the opportunity export", "RevOps"),),
    "deal-review-playbook": (("opportunities", "the opportunity export", "RevOps"),),
    "training-package": (("users", "the CRM users", "RevOps"),),
    "tracker-design": (
        ("trackers", "the trackers", "the consultant, from the intake competitors"),
    ),
    "ci-requirements": (("transcripts", "the call transcripts", "Sales Ops"),),
    "coaching-playbook": (("transcripts", "the call transcripts", "Sales Ops"),),
    "call-library": (("transcripts", "the call transcripts", "Sales Ops"),),
    "sales-call-library": (("transcripts", "the call transcripts", "Sales Ops"),),
    "tracker-guide": (("trackers", "the trackers", "the consultant"),),
    "marketing-cs-guide": (("transcripts", "the call transcripts", "Sales Ops"),),
}


def phase(name: str) -> str:
    return PROVENANCE.get(name, ("", ""))[0]


def built_from(name: str) -> str:
    return PROVENANCE.get(name, ("", ""))[1]


def waiting_for(eng: Engagement, name: str) -> list[str]:
    """What the document still waits for, e.g. 'the call transcripts (from Sales Ops)'."""
    out = []
    for table, what, who in NEEDS.get(name, ()):
        if table == "lc_intake_items":
            sql = (
                "SELECT count(*) FROM lc_intake_items WHERE value IS NOT NULL "
                "AND source NOT IN ('', 'engagement settings')"
            )
        else:
            sql = f"SELECT count(*) FROM {table}"
        if not eng.conn.execute(sql).fetchone()[0]:
            out.append(f"{what} (from {who})")
    return out
