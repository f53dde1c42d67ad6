"""The coaching rubric per sales methodology: what a manager hears on the call at each level.

Each criterion has three anchored levels (1, 3 and 5; 2 and 4 sit between them), each
written as behaviour a manager can observe in a recording, not as an adjective. The
starting benchmarks for the talk metrics are replaced by the team's own top-performer
figures once its calls are measured.
"""

from __future__ import annotations

# (criterion, why it matters, score 1, score 3, score 5)
Rubric = list[tuple[str, str, str, str, str]]

_METRICS = (
    "Metrics",
    "The buyer's own numbers make the business case.",
    "The rep talks about benefits in general terms and never asks what the buyer measures today.",
    "The rep asks what the buyer measures and hears a number, but does not tie it to the proposal.",
    "The rep gets a baseline and a target in the buyer's words (for example hours saved per "
    "week) and repeats them back to confirm they will judge success by them.",
)
_ECONOMIC_BUYER = (
    "Economic buyer",
    "Only one person can release the budget.",
    "The rep does not ask who signs, or assumes the contact on the call does.",
    "The rep asks who approves the spend and gets a name, but has no plan to meet that person.",
    "The rep names the economic buyer, has spoken with them or has a date to, and knows what "
    "they need to see to approve.",
)
_DECISION_CRITERIA = (
    "Decision criteria",
    "The buyer compares options against a list; the rep needs to know it.",
    "The rep presents features without asking how the options will be compared.",
    "The rep asks how the decision will be made and hears some criteria, without their order.",
    "The rep lists the buyer's criteria in order of weight, checks where the offer stands on "
    "each and agrees how the gaps will be covered.",
)
_DECISION_PROCESS = (
    "Decision process",
    "Deals slip when the steps to a signature are unknown.",
    "The rep does not ask what happens between this call and a signature.",
    "The rep learns some steps (a security review, a pilot) but not who runs them or when.",
    "The rep walks through every step to signature with the buyer, with owners and dates, and "
    "checks that the close date fits them.",
)
_PAPER_PROCESS = (
    "Paper process",
    "Legal, procurement and security reviews take weeks of their own.",
    "The rep does not raise contracts, procurement or security until the buyer does.",
    "The rep asks about procurement and legal review but does not know their lead times.",
    "The rep knows who reviews the contract, the security questionnaire and the purchase "
    "order, how long each takes, and has started them.",
)
_IDENTIFY_PAIN = (
    "Identify pain",
    "A problem the buyer feels is what moves a deal.",
    "The rep pitches before asking what is not working today.",
    "The buyer describes a problem, but the rep does not ask what it costs or who feels it.",
    "The buyer describes the problem, its cost and who suffers from it in their own words, and "
    "the rep confirms it is a priority this quarter.",
)
_CHAMPION = (
    "Champion",
    "Someone inside has to sell when the rep is not in the room.",
    "The rep relies on a friendly contact without testing their influence.",
    "The rep has a supporter who shares information, but has not asked them to act.",
    "The rep's contact has influence, gains personally from the change and has done something "
    "concrete for the deal (introduced the economic buyer, shared the evaluation plan).",
)
_COMPETITION = (
    "Competition",
    "The buyer always has an alternative, including doing nothing.",
    "The rep does not ask what else the buyer is considering.",
    "The rep learns the competitors' names but not how the buyer sees them.",
    "The rep knows every alternative (including staying as they are), where each is stronger "
    "in the buyer's eyes, and has a plan for each.",
)
_BUDGET = (
    "Budget",
    "A deal without money set aside waits for next year.",
    "The rep does not ask about budget, or accepts 'we will find it'.",
    "The rep hears that a budget exists but not its size or the line it comes from.",
    "The rep knows the amount, the budget line and the fiscal period it belongs to, and has "
    "checked the proposal fits.",
)
_AUTHORITY = (
    "Authority",
    "The person who can say yes must be part of the decision.",
    "The rep does not ask who else takes part in the decision.",
    "The rep knows who decides but has only the contact's word for it.",
    "The rep has confirmed with the decision maker directly that they will take part, and how.",
)
_NEED = (
    "Need",
    "The buyer buys to fix something specific.",
    "The rep describes the product without asking what the buyer needs it for.",
    "The buyer names a need, but the rep does not test how pressing it is.",
    "The buyer states the need, why it matters now and what happens if nothing changes; the "
    "rep links each part of the offer to it.",
)
_TIMELINE = (
    "Timeline",
    "A date the buyer cares about keeps the deal moving.",
    "The rep does not ask when the buyer needs the solution in place.",
    "The rep hears a target date without the reason behind it.",
    "The rep knows the go-live date the buyer needs, the event that sets it, and has worked "
    "back from it to the signature date with the buyer.",
)
_SITUATION = (
    "Situation",
    "Context comes first: how the buyer works today.",
    "The rep skips the buyer's current set-up and goes straight to the pitch.",
    "The rep asks about the current set-up but with generic questions the research could answer.",
    "The rep confirms what they researched, then asks only what cannot be looked up, and "
    "summarises the buyer's situation back accurately.",
)
_PAIN = (
    "Pain",
    "The problem the buyer wants gone.",
    "The rep does not ask what is not working.",
    "The buyer mentions a problem, but the rep moves on without exploring it.",
    "The rep explores the problem until the buyer describes its causes and who it affects, "
    "and the buyer agrees it is worth fixing.",
)
_IMPACT = (
    "Impact",
    "What fixing the problem is worth to the buyer.",
    "The rep states the value of the product rather than asking about the buyer's.",
    "The buyer describes a benefit but without a number or an owner.",
    "The buyer quantifies the impact (revenue, cost, time) and names who in the business will "
    "notice it.",
)
_CRITICAL_EVENT = (
    "Critical event",
    "A date with consequences if it is missed.",
    "The rep does not ask what makes now the right time.",
    "The rep hears a preferred date without a consequence attached to missing it.",
    "The rep knows the event, its date and what it costs the buyer to miss it, and the plan to "
    "signature fits before it.",
)
_DECISION = (
    "Decision",
    "Who decides, how, and by when.",
    "The rep does not ask how the decision will be made.",
    "The rep knows some of the people and steps but not the criteria or the order.",
    "The rep knows the people, the criteria and the steps to a signature with dates, confirmed "
    "by the buyer on the call.",
)

RUBRICS: dict[str, Rubric] = {
    "MEDDIC": [
        _METRICS,
        _ECONOMIC_BUYER,
        _DECISION_CRITERIA,
        _DECISION_PROCESS,
        _IDENTIFY_PAIN,
        _CHAMPION,
    ],
    "MEDDPICC": [
        _METRICS,
        _ECONOMIC_BUYER,
        _DECISION_CRITERIA,
        _DECISION_PROCESS,
        _PAPER_PROCESS,
        _IDENTIFY_PAIN,
        _CHAMPION,
        _COMPETITION,
    ],
    "BANT": [_BUDGET, _AUTHORITY, _NEED, _TIMELINE],
    "SPICED": [_SITUATION, _PAIN, _IMPACT, _CRITICAL_EVENT, _DECISION],
}

# Starting benchmarks for the talk metrics (published conversation-analytics research on
# B2B sales calls), used until this team's top performers are measured.
STARTING_BENCHMARKS = {
    "talk_ratio": "Rep talks 40-60% of the call; top performers sit near 43%",
    "questions": "11 to 14 open questions on a discovery call",
    "monologue": "Longest rep monologue under 2 minutes (about 75 seconds for top performers)",
}


def metric_benchmarks(values: dict | None) -> dict[str, str]:
    """The benchmark text of each talk metric: the team's top performers' figure when
    measured (``values`` from the coaching run's benchmark), else the starting value."""
    values = values or {}
    out = dict(STARTING_BENCHMARKS)
    talk = values.get("talk_ratio")
    if talk is not None:
        out["talk_ratio"] = (
            f"Top performers talk {talk * 100:.0f}% of the call (healthy range 40-60%)"
        )
    qph = values.get("questions_per_hour")
    if qph is not None:
        out["questions"] = f"Top performers ask {qph:.1f} questions per hour of call"
    mono = values.get("longest_monologue_s")
    if mono is not None:
        out["monologue"] = f"Top performers' longest monologue is {mono:.0f} seconds; stay under it"
    return out
