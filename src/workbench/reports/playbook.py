"""Reference content from the two implementation playbooks, in Workbench's own words.

The seeds (revenue intelligence ``000_*``, conversation intelligence ``001_*``) are
the specification of what each deliverable covers: troubleshooting scenarios,
escalation rules, dashboard views, tracker categories, scorecard metrics, training
audiences, forecast cadence. The documents combine this reference with the
engagement's own data; nothing here is shown without the engagement around it.
"""

from __future__ import annotations

import json
from functools import cache

from workbench.locations import read_resource_text

RI = "revenue-intelligence"
CI = "conversation-intelligence"


@cache
def content(name: str) -> dict:
    """A JSON content file from resources/templates/content."""
    return json.loads(read_resource_text("templates", "content", name))


# Recommended definition-alignment terms (pre-filled before the kickoff).
DEFINITIONS: dict[str, list[tuple[str, str]]] = {
    RI: [
        (
            "Deal Risk Score",
            "A composite score, built from conversation signals and CRM activity patterns, of how likely a deal is to slip or be lost.",
        ),
        (
            "Forecast Category",
            "The commitment tier of each deal in the forecast roll-up: Commit, Best Case, Pipeline or Omitted.",
        ),
        (
            "Coaching Scorecard",
            "Rep-level measures drawn from conversation analysis: talk-to-listen ratio, question frequency, monologue length and topic coverage.",
        ),
        (
            "Multi-Threading",
            "Three or more stakeholder contacts actively engaged in a deal, so that it does not hang on one person.",
        ),
        (
            "Deal Inspection",
            "A structured review in which managers judge deal health from data signals rather than the rep's own account.",
        ),
        (
            "Conversation Intelligence",
            "AI analysis of recorded sales conversations that surfaces deal signals, coaching moments and competitor mentions.",
        ),
        (
            "Pipeline Analytics",
            "Data-driven visibility into deal health, stage progression and the forecast roll-up across the sales organisation.",
        ),
    ],
    CI: [
        (
            "Conversation Intelligence",
            "AI recording, transcription and analysis of customer-facing calls.",
        ),
        (
            "Tracker",
            "A keyword or AI topic detector that flags competitor mentions, objections, pricing talk and similar moments.",
        ),
        (
            "Coaching Scorecard",
            "A structured rubric for call quality built on the customer's sales methodology.",
        ),
        (
            "Deal Risk Signal",
            "An indicator, identified by the platform, that a deal may be stalling or at risk.",
        ),
        (
            "Recording Consent",
            "The legal notice or permission required before recording; the configuration approach is agreed with Legal.",
        ),
        (
            "Success Criteria",
            "Specific KPIs, each with a baseline and a target, against which the implementation is judged.",
        ),
        (
            "Talk-to-Listen Ratio",
            "The share of call time the rep speaks versus listens (healthy range: 40-60% talk).",
        ),
        (
            "Engagement Score",
            "A platform metric of buyer participation: speaking share, questions asked and sentiment.",
        ),
    ],
}

# Default success KPIs (used until the lifecycle capability holds the agreed ones).
SUCCESS_DEFAULTS: dict[str, list[tuple[str, str, str]]] = {
    RI: [
        ("Forecast accuracy", "forecast_accuracy", "+15 percentage points within 2 quarters"),
        ("Deal slippage rate", "slippage_rate", "30% reduction"),
        ("Call recording coverage", "capture_rate", "95% or more"),
        ("New rep ramp time", "ramp_time", "20% faster"),
        ("Forecast submission compliance", "forecast_compliance", "90% or more"),
    ],
    CI: [
        ("Weekly active users", "adoption", "80% or more by day 30"),
        ("Manager call reviews", "call_reviews", "3-5 per rep per month"),
        ("Win rate", "win_rate", "+10-15% within 6 months"),
        ("New hire ramp time", "ramp_time", "25-30% reduction"),
        ("Empty Next Steps fields", "next_step_empty", "50% fewer"),
    ],
}

TROUBLESHOOTING: list[tuple[str, str, str]] = [
    (
        "CRM integration disconnects",
        "Conversations stop linking to the CRM; sync errors appear in the logs.",
        "Check that the dedicated integration user is active; re-authorise OAuth; confirm API limits are not exhausted.",
    ),
    (
        "Conversations linked to the wrong accounts",
        "Call data lands on the wrong account or opportunity.",
        "Review matching rules; tighten e-mail-to-contact matching; look for duplicate CRM records.",
    ),
    (
        "Bot joins before the host",
        "Customers see the notetaker before the meeting begins.",
        "Delay the bot's join to 45-60 seconds after the scheduled start; review its display name.",
    ),
    (
        "Trackers too noisy",
        "Alert fatigue; users ignore tracker notifications.",
        "Cut the number of trackers; prefer AI topic detection to keywords; add exclusion terms.",
    ),
    (
        "Low adoption after rollout",
        "Fewer than 60% weekly active users after two weeks.",
        "One-to-one outreach to non-adopters; quick-win sessions; make managers accountable for call reviews.",
    ),
    (
        "Managers not coaching from call data",
        "Manager dashboard unused; no coaching comments on calls.",
        "Retrain managers one to one; tie call review to the existing coaching cadence; obtain a VP Sales mandate.",
    ),
    (
        "Reps perceive surveillance",
        "Resistance, complaints to management, low engagement.",
        "Present the platform as a coaching tool; show reps their own insights; let champions share successes.",
    ),
    (
        "Transcription quality issues",
        "Inaccurate transcripts, wrong speaker labels.",
        "Check audio quality and language settings; report examples to vendor support for model tuning.",
    ),
    (
        "Recording consent misconfigured",
        "No announcement on calls with participants in all-party consent jurisdictions.",
        "Audit the consent configuration; turn on the bot announcement for all external meetings; involve Legal.",
    ),
    (
        "Dashboards show no data",
        "Empty dashboards despite active recording.",
        "Allow for processing lag (24-48 hours is typical); check user permissions and dashboard filters.",
    ),
    (
        "CRM sync delays",
        "Deal scores or activity lag behind the CRM.",
        "Check API rate limits and the sync schedule; stagger bulk jobs outside business hours.",
    ),
    (
        "Scoring anomalies",
        "Risk scores contradict what managers know about a deal.",
        "Spot-check the signals behind the score; recalibrate weights against recent outcomes; escalate logic changes.",
    ),
]

ESCALATION: list[tuple[str, str, str]] = [
    (
        "Small tweaks and questions",
        "Customer admin or Architect",
        "Add a user, adjust a dashboard filter, re-enable recording for a rep, basic tracker edits",
    ),
    (
        "CRM sync errors, integration reconnection",
        "Customer admin (this runbook), then Architect",
        "Re-authorise OAuth, reactivate the integration user, clear a sync backlog",
    ),
    (
        "Scoring threshold adjustments, new alert rules",
        "Architect",
        "Move a risk threshold, add an alert for a new competitor",
    ),
    (
        "Significant changes",
        "SME re-engagement",
        "Restructure scoring logic, redesign a scorecard, align to a new methodology, add a CRM integration",
    ),
    (
        "New department rollout (more than 10 users)",
        "SME scopes a mini project",
        "A CS team or a new region joins the platform",
    ),
    (
        "Platform migration or major reconfiguration",
        "SME scopes a new project",
        "Switching vendors, re-architecting the CRM integration",
    ),
]

ROLES = ("Admin", "Manager", "Rep", "Read-only")
PERMISSIONS: list[tuple[str, str, str, str, str]] = [
    ("Own calls and deals", "Yes", "Yes", "Yes", "No"),
    ("Team calls, scorecards and dashboards", "Yes", "Yes", "No", "Yes"),
    ("Company dashboards and forecast roll-up", "Yes", "Own team", "No", "Yes"),
    ("Forecast submission / override", "Yes", "Override", "Submit", "No"),
    ("Trackers, scoring rules, alerts", "Edit", "View", "No", "No"),
    ("User provisioning and integrations", "Edit", "No", "No", "No"),
]

DASHBOARDS: dict[str, dict] = {
    "Rep": {
        "audience": "Account executives, SDRs/BDRs",
        "purpose": "Run their own pipeline and improve their own calls.",
        "metrics": [
            "Personal pipeline by stage and forecast category",
            "Deal health (risk) score per open deal",
            "Activity in the last 14 days per deal",
            "Next steps present / missing",
            "Own talk-to-listen ratio and question rate against benchmark",
        ],
        "filters": ["Close quarter", "Stage", "Risk band"],
        "drill": "Deal -> conversations -> transcript moments",
        "delivery": "In-platform; no e-mail",
    },
    "Manager": {
        "audience": "Sales managers, team leads",
        "purpose": "Inspect deals weekly, coach from data, build the team forecast.",
        "metrics": [
            "Team pipeline and coverage against quota",
            "Forecast by category against quota",
            "At-risk deals (high risk score, no activity, missing next step)",
            "Rep comparison: win rate, cycle length, activity, scorecard",
            "Recording coverage and forecast submission compliance",
        ],
        "filters": ["Team", "Rep", "Close quarter", "Segment"],
        "drill": "Team -> rep -> deal -> conversation",
        "delivery": "Weekly e-mail digest before the pipeline review",
    },
    "Executive": {
        "audience": "CRO, VP Sales",
        "purpose": "See the company forecast, quarter projection and risk at a glance.",
        "metrics": [
            "Company forecast roll-up (Commit, Best Case, Pipeline)",
            "Quarter projection against plan",
            "Pipeline coverage by segment",
            "Risk summary: value of at-risk pipeline",
            "Forecast accuracy trend against the baseline",
        ],
        "filters": ["Segment", "Region", "Fiscal quarter"],
        "drill": "Company -> segment -> team -> deal",
        "delivery": "Weekly or monthly e-mail; used in the monthly forecast call and QBR",
    },
}

TRACKERS: list[tuple[str, str, str]] = [
    (
        "Competitors",
        'Competitor names and product names, "other vendors", "evaluating"',
        "Sales manager",
    ),
    (
        "Pricing objections",
        '"too expensive", "over budget", "need a discount", "pricing"',
        "Sales manager",
    ),
    ("Next steps", '"next steps", "follow up", "action items", "schedule"', "Rep (self)"),
    (
        "Churn signals",
        '"cancel", "not renewing", "looking at alternatives", "frustrated"',
        "CS manager",
    ),
    ("Feature requests", '"wish it could", "feature request", "roadmap", "missing"', "Product"),
    ("Legal / escalation", '"legal", "escalate", "contract issue", "compliance"', "Sales manager"),
    ("Methodology", "Qualification criteria of the customer's methodology", "Sales manager"),
]

METHODOLOGY_CRITERIA: dict[str, list[str]] = {
    "MEDDIC": [
        "Metrics",
        "Economic buyer",
        "Decision criteria",
        "Decision process",
        "Identify pain",
        "Champion",
    ],
    "MEDDPICC": [
        "Metrics",
        "Economic buyer",
        "Decision criteria",
        "Decision process",
        "Paper process",
        "Identify pain",
        "Champion",
        "Competition",
    ],
    "BANT": ["Budget", "Authority", "Need", "Timeline"],
    "SPICED": ["Situation", "Pain", "Impact", "Critical event", "Decision"],
}

SCORECARD_METRICS: list[tuple[str, str, str]] = [
    (
        "Talk-to-listen ratio",
        "Share of call time the rep speaks",
        "40% talk / 60% listen (healthy range 40-60% talk)",
    ),
    ("Question frequency", "Open questions asked per call", "Benchmark from top performers"),
    (
        "Longest monologue",
        "Longest uninterrupted rep speech",
        "Keep under the top-performer benchmark",
    ),
    (
        "Topic coverage",
        "Discovery, demo, negotiation, pricing, objection handling covered when relevant",
        "Covered in the right stage",
    ),
    ("Next steps agreed", "A dated next step before the call ends", "Every external call"),
]

FORECAST_CADENCE: list[dict] = [
    {
        "key": "weekly-pipeline-review",
        "name": "Weekly pipeline review",
        "freq": "WEEKLY",
        "weekday": "MO",
        "hour": 9,
        "minutes": 45,
        "attendees": "Sales managers and their reps",
        "purpose": "Inspect open deals by risk, agree next steps, update forecast categories",
        "prep": "Reps update next steps and close dates; managers review the at-risk list",
    },
    {
        "key": "forecast-submission",
        "name": "Forecast submission deadline",
        "freq": "WEEKLY",
        "weekday": "TH",
        "hour": 17,
        "minutes": 15,
        "attendees": "All quota-carrying reps",
        "purpose": "Submit the weekly forecast by category; managers apply overrides by Friday",
        "prep": "Automated reminder the day before",
    },
    {
        "key": "monthly-forecast-call",
        "name": "Monthly forecast call",
        "freq": "MONTHLY",
        "weekday": "TU",
        "hour": 10,
        "minutes": 60,
        "attendees": "CRO/VP Sales, sales managers, RevOps",
        "purpose": "Roll up the forecast, compare with quota and last month, decide actions on the risk list",
        "prep": "RevOps snapshots the forecast and accuracy trend",
    },
    {
        "key": "qbr",
        "name": "Quarterly business review (QBR)",
        "freq": "QUARTERLY",
        "weekday": None,
        "hour": 9,
        "minutes": 180,
        "attendees": "CRO/VP Sales, managers, RevOps, Finance",
        "purpose": "Review the quarter: forecast accuracy, win rate, cycle length, slippage; set the next quarter's plan",
        "prep": "Baseline against current metrics from the success criteria",
    },
]

DEAL_REVIEW_AGENDA: list[tuple[str, str, str]] = [
    (
        "0-5 min",
        "Forecast snapshot",
        "Team forecast by category against quota; change since last week",
    ),
    (
        "5-20 min",
        "At-risk deals",
        "Deals with a high risk score, no activity in 14 days or no next step: what changed, what will the rep do",
    ),
    (
        "20-30 min",
        "Commit and Best Case inspection",
        "Each Commit deal: economic buyer engaged, multi-threaded, dated next step, close date realistic",
    ),
    ("30-40 min", "Coaching moment", "One call snippet from the week: what worked, what to try"),
    (
        "40-45 min",
        "Actions",
        "Owners and dates for every action; forecast categories updated in the CRM",
    ),
]

MANAGER_CHECKLIST: list[str] = [
    "Opened the manager dashboard and the at-risk list before the meeting",
    "Every Commit deal has a dated next step and an engaged economic buyer",
    "Single-threaded deals above the team's average size have a plan to add contacts",
    "Deals with no activity in 14 days were discussed with their rep",
    "Close dates pushed more than once this quarter were challenged",
    "Forecast categories in the CRM match what was agreed in the meeting",
]

QUICKSTART: dict[str, dict] = {
    "Rep": {
        "audience": "Account executives, SDRs/BDRs, CSMs",
        "first10": [
            "Open the platform from the CRM or the web app and check that your calendar and dialer are connected.",
            "Find last week's external call and read its AI summary.",
            "Look at your talk-to-listen ratio and question count against the team benchmark.",
            "Open your deals list: check each deal's risk score and add any missing next step.",
            "Share one useful snippet (a competitor mention or a strong objection answer) with your manager.",
        ],
        "weekly": [
            "Review at least one of your own calls each week.",
            "Keep next steps and close dates current before the pipeline review.",
            "Submit your forecast by the deadline.",
        ],
        "privacy": "External meetings and calls are recorded automatically and announced to participants; internal meetings are not. You see your own calls; your manager sees your team's. Recordings are used for coaching and deal support, not for discipline.",
    },
    "Manager": {
        "audience": "Sales managers, team leads",
        "first10": [
            "Open the manager dashboard: team pipeline, forecast against quota, at-risk deals.",
            "Sort the at-risk list and pick the three deals to raise in the next review.",
            "Open one rep's scorecard and compare it with the benchmark.",
            "Leave one coaching comment on a call moment.",
            "Check forecast submissions and apply overrides where you disagree.",
        ],
        "weekly": [
            "Run the weekly pipeline review from the dashboard, not from spreadsheets.",
            "Review 3-5 calls per rep per month and leave coaching comments.",
            "Confirm your team's forecast before the deadline.",
        ],
        "privacy": "Use call data for coaching and deal support; discuss what you hear with the rep first. Do not share recordings outside the team without the rep's and Legal's agreement.",
    },
    "Admin": {
        "audience": "RevOps, Sales Ops, CRM admin",
        "first10": [
            "Check the integration status page: CRM sync, calendar, video and dialer connectors.",
            "Confirm the CRM integration runs as the dedicated service user, not a person.",
            "Review users: leavers removed, new hires added, roles correct.",
            "Check the recording consent settings and the announcement text.",
            "Open the maintenance schedule and note this month's tasks.",
        ],
        "weekly": [
            "Watch the sync error log and recording coverage.",
            "Process joiners and leavers.",
            "Triage questions from the office-hours channel.",
        ],
        "privacy": "Admins can see configuration and all data: access is logged. Change consent or retention settings only with Legal's written approval.",
    },
    "Executive": {
        "audience": "CRO, VP Sales, CMO",
        "first10": [
            "Open the executive dashboard: forecast roll-up, quarter projection, coverage.",
            "Look at the risk summary: value of at-risk pipeline by segment.",
            "Compare forecast accuracy with the baseline agreed at kickoff.",
            "Open one at-risk deal to see the signals behind its score.",
            "Note questions for the monthly forecast call.",
        ],
        "weekly": [
            "Read the weekly digest.",
            "Use the dashboards in the monthly forecast call and the QBR.",
            "Ask managers which deals they inspected and why.",
        ],
        "privacy": "Executive views are aggregated; individual call review is for coaching by the rep's own manager.",
    },
}

FAQ: list[tuple[str, str, str]] = [
    (
        "Privacy and recording",
        "Am I being watched?",
        "No. The platform records customer conversations so that you and your manager can coach from real calls and so deals get help sooner. It is not used to monitor your day. Your manager sees your calls in the same way they would join a call, and the company agreed the rules in writing before rollout.",
    ),
    (
        "Privacy and recording",
        "What exactly is recorded?",
        "External meetings on the connected video platforms and calls on the connected dialer, after the recording announcement. Internal meetings, personal calendar entries and calls outside the connected tools are not recorded.",
    ),
    (
        "Privacy and recording",
        "Who can see my calls?",
        "You, your manager and your manager's managers, and the admins who keep the system running. Call libraries and shared snippets are visible to the people they are shared with.",
    ),
    (
        "Privacy and recording",
        "Can I stop a recording?",
        "Yes. You can stop or delete a recording from the meeting controls or the platform, for example when a customer asks. Tell your manager if a customer objects to recording so the account can be flagged.",
    ),
    (
        "Privacy and recording",
        "How are customers told?",
        "The notetaker announces itself when it joins and the meeting invitation carries a notice. In jurisdictions that require every participant's consent, the announcement is always on (see the recording consent plan).",
    ),
    (
        "Privacy and recording",
        "How long are recordings kept?",
        "For the retention period the company set with Legal; after that they are deleted automatically. Transcripts follow the same rule.",
    ),
    (
        "Privacy and recording",
        "Will recordings be used in my performance review?",
        "The agreed use is coaching and deal support. Scorecard metrics are shown against team benchmarks to help you improve; they are not a rating.",
    ),
    (
        "Using the platform",
        "Why is my deal marked at risk?",
        "The risk score combines signals such as no recent activity, a missing next step, a single contact, or a pushed close date. Open the deal to see which signals fired; fixing them lowers the score.",
    ),
    (
        "Using the platform",
        "What should I review each week?",
        "One of your own calls, the risk signals on your open deals, and your forecast before the deadline.",
    ),
    (
        "Using the platform",
        "My call did not record. What now?",
        "Check that your calendar is connected and that the meeting was on a connected platform with an external participant. If it still fails, tell the admin: the runbook covers recording failures.",
    ),
    (
        "Access and support",
        "Who do I ask for help?",
        "Your manager for how to use insights; the platform admin for access, recording and sync problems; weekly office hours run during hypercare.",
    ),
    (
        "Access and support",
        "I changed team. Who updates my access?",
        "The admin updates your role and team during the monthly user provisioning, or sooner on request.",
    ),
]

RUNBOOK_PROVISIONING: list[str] = [
    "Add users from the roster in the CRM first, then in the platform, with the same e-mail address so calls match.",
    "Assign the role (Admin, Manager, Rep, Read-only) and the team; a manager must exist before their reps are added.",
    "Connect each new user's calendar and dialer seat; check that their next external meeting shows as 'will record'.",
    "For leavers: reassign open deals in the CRM, transfer ownership of shared libraries, then deactivate the platform user the same day.",
    "Monthly: compare the platform's licensed users with the CRM's active users and the HR leavers list.",
]

RUNBOOK_MONITORING: list[tuple[str, str, str]] = [
    (
        "CRM sync status",
        "Daily during hypercare, then weekly",
        "Last successful sync less than 1 hour old; no growing error count",
    ),
    (
        "Integration user",
        "Monthly",
        "The dedicated service account is active, its password/token has not expired, its API usage is under the limit",
    ),
    (
        "Recording connectivity",
        "Weekly",
        "Every video platform and dialer connector shows connected; coverage trend stable",
    ),
    ("Recording coverage", "Weekly", "Share of external meetings recorded at or above target"),
    ("API errors", "Weekly", "No repeated 401/403 (authorisation) or 429 (rate limit) errors"),
    ("Scoring job", "Weekly", "Scores refreshed on every open opportunity"),
]

EVALUATION_CRITERIA: dict[str, list[tuple[str, str]]] = {
    CI: [
        ("CRM native integration", "25%"),
        ("AI insight quality", "20%"),
        ("Coaching features", "15%"),
        ("Security / compliance", "15%"),
        ("Ease of admin / maintenance", "10%"),
        ("Video / phone integrations", "10%"),
        ("Pricing (TCO)", "5%"),
    ],
    RI: [
        ("CRM native integration", "25%"),
        ("Forecasting and pipeline analytics", "20%"),
        ("Conversation / deal insight quality", "15%"),
        ("Security / compliance", "15%"),
        ("Ease of admin / maintenance", "10%"),
        ("Video / phone integrations", "10%"),
        ("Pricing (TCO)", "5%"),
    ],
}

# Example phrases per tracker category, used to count hits in imported transcripts.
TRACKER_KEYWORDS: dict[str, list[str]] = {
    "Competitors": ["competitor", "other vendor", "evaluating", "alternative"],
    "Pricing objections": ["too expensive", "over budget", "discount", "pricing", "price"],
    "Next steps": ["next step", "follow up", "action item", "schedule"],
    "Churn signals": ["cancel", "not renewing", "alternatives", "frustrated"],
    "Feature requests": ["wish it could", "feature request", "roadmap", "missing"],
    "Legal / escalation": ["legal", "escalate", "contract", "compliance"],
    "Methodology": ["decision maker", "economic buyer", "timeline", "metrics", "budget"],
}

RISK_SIGNALS: list[tuple[str, str, str]] = [
    ("Competitor mentions", "Conversation", "A competitor is named in recent calls"),
    ("Stakeholder drop-off", "Conversation", "A previously engaged contact stops attending"),
    ("Timeline shift", "Conversation / CRM", "Close date pushed, or the buyer talks about delays"),
    ("Budget objection", "Conversation", "Pricing or budget pushback in calls"),
    ("Stalled deal", "CRM activity", "No activity in X days (calibrated per stage)"),
    ("Missing next step", "CRM", "No dated next step on the opportunity"),
    ("No recent engagement", "CRM activity", "No customer reply or meeting recently"),
    ("Single-threaded", "Engagement", "Fewer than three engaged contacts"),
    ("Champion engagement", "Engagement", "Champion inactive or departed"),
]

PLATFORM_WRITEBACK: list[tuple[str, str, str]] = [
    ("Call summary", "Activity / Task", "Platform -> CRM"),
    ("Next steps", "Opportunity.NextStep", "Platform -> CRM"),
    ("Key topics", "Activity custom field", "Platform -> CRM"),
    ("Competitor mentions", "Opportunity custom field", "Platform -> CRM"),
    ("Last conversation date", "Opportunity custom field (new)", "Platform -> CRM"),
    ("Engagement score", "Opportunity custom field (new)", "Platform -> CRM"),
    ("Deal risk level", "Opportunity custom field (new)", "Platform -> CRM"),
]
