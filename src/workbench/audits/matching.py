"""CRM matching audit: are calls linked to the right account and opportunity? And consent.

The playbook makes more than 95% correct matching the engineering sign-off. Each
recorded external call is matched the way a platform should: the participants'
e-mail addresses (a known contact, or the domain of an account) give the account;
the account's opportunity open at the meeting's date gives the deal (the one closing
soonest when several are open). The audit lists:

- calls whose participants belong to more than one account;
- calls linked to a deal already closed before the meeting;
- calls with no match at all;
- calls whose platform link (the account or deal on the call record) differs from
  what the participants say.

The accuracy is the consultant's: a sample of calls is reviewed (``match-review``)
and each marked correct or incorrect; the share correct is compared with 95%.

Consent: a recorded call with a participant in an all-party-consent jurisdiction
(the contact's account's state or country; the engagement's own jurisdictions when
the location is unknown) must carry a recording announcement; where a transcript
exists its first two minutes are searched for one.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from importlib import resources

from workbench.audits.common import AuditData, pct
from workbench.models import Engagement, now_iso
from workbench.models.findings import Finding, record_findings
from workbench.progress import Progress

AUDIT = "matching"
TARGET = 0.95
SAMPLE = 20
ANNOUNCEMENT_WINDOW_S = 120
_ANNOUNCEMENT = re.compile(
    r"\b(record(ed|ing)?|transcrib\w*|notetaker|note taker)\b", re.IGNORECASE
)
_IN_BATCH = 500  # keys per IN (...) list (SQLite caps bound parameters)
_PUBLIC = frozenset("gmail.com googlemail.com outlook.com hotmail.com yahoo.com icloud.com".split())
_US_STATES = {
    "california": "CA",
    "florida": "FL",
    "illinois": "IL",
    "maryland": "MD",
    "massachusetts": "MA",
    "michigan": "MI",
    "montana": "MT",
    "nevada": "NV",
    "new hampshire": "NH",
    "oregon": "OR",
    "pennsylvania": "PA",
    "washington": "WA",
    "connecticut": "CT",
    "delaware": "DE",
}
_US_NAMES = {"us", "usa", "united states", "united states of america", "u.s.", "u.s.a."}


@dataclass
class CallMatch:
    call: str
    started_at: str | None
    accounts: list[str]
    account: str | None
    opportunity: str | None
    linked_account: str | None
    linked_opportunity: str | None
    issue: str  # "", "multi-account", "closed deal", "unmatched", "link differs"
    review: str | None = None


@dataclass
class ConsentCall:
    call: str
    jurisdictions: list[str]
    announced: bool | None  # None: no transcript to check


@dataclass
class MatchingResult:
    calls: int
    matched: int
    multi_account: list[CallMatch]
    closed_deal: list[CallMatch]
    unmatched: list[CallMatch]
    link_differs: list[CallMatch]
    reviewed: int
    correct: int
    accuracy: float | None
    target: float
    consent_calls: list[ConsentCall]
    sample: list[CallMatch] = field(default_factory=list)  # unreviewed calls to review next
    findings: list[Finding] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        acc = (
            "no reviewed sample yet"
            if self.accuracy is None
            else (
                f"{self.accuracy:.0%} correct in a reviewed sample of {self.reviewed} "
                f"(target {self.target:.0%})"
            )
        )
        missing = sum(1 for c in self.consent_calls if c.announced is False)
        return [
            f"{self.calls:,} recorded external calls: {self.matched:,} matched to an account; "
            f"{len(self.multi_account):,} with more than one account, {len(self.closed_deal):,} "
            f"on a closed deal, {len(self.unmatched):,} unmatched, {len(self.link_differs):,} "
            "linked differently from their participants",
            f"matching accuracy: {acc}",
            f"consent: {len(self.consent_calls):,} calls with an all-party-consent participant, "
            f"{missing:,} without a recording announcement in the first two minutes",
        ]


def _domain(email: str) -> str | None:
    return email.rsplit("@", 1)[1].lower() if "@" in email else None


_EMAIL_SPLIT = re.compile(r"[\s,;\[\]\"']+")
_SCHEME = re.compile(r"^[a-z]+://")


def _emails(text: str | None) -> set[str]:
    if not text:
        return set()
    return {e for e in _EMAIL_SPLIT.split(text.lower()) if "@" in e}


def _closing_first(deal: tuple) -> tuple:
    """Order of the deals open at a call: closing soonest first (no close date last)."""
    return (deal[2] or "9999", deal[0])


def _host(website: str | None) -> str | None:
    if not website:
        return None
    text = _SCHEME.sub("", website.strip().lower())
    text = text.split("/")[0]
    return text[4:] if text.startswith("www.") else text or None


def _consent_rules() -> tuple[dict[str, str], dict]:
    path = (
        resources.files("workbench")
        / "resources"
        / "templates"
        / "content"
        / "consent_jurisdictions.json"
    )
    data = json.loads(path.read_text(encoding="utf-8"))
    return {j["code"].upper(): j["consent"] for j in data["jurisdictions"]}, data["default"]


def _jurisdiction(country: str | None, state: str | None) -> str | None:
    c = (country or "").strip()
    s = (state or "").strip()
    if c.upper().startswith("US-"):
        return c.upper()
    if c.lower() in _US_NAMES or (not c and s):
        code = _US_STATES.get(s.lower(), s.upper() if len(s) == 2 else None)
        return f"US-{code}" if code else None
    return c.upper() if len(c) == 2 else None


_DEAL_COLUMNS = (
    "SELECT crm_id, account_crm_id, substr(created_date, 1, 10), substr(close_date, 1, 10), "
    "is_closed FROM opportunities"
)
# Read every deal in one pass rather than looking up the accounts' deals by index when
# the accounts matched are more than this share of all accounts (a lookup cost about
# three times a row of the pass, at a million deals).
_SCAN_SHARE = 0.25


def _deals(
    conn, accounts: set[str], linked: set[str]
) -> tuple[dict[str, list[tuple]], dict[str, str | None]]:
    """The deals of ``accounts`` (account -> (id, created, close, is_closed) rows) and
    the close day of the ``linked`` deals that are closed (None while open)."""
    opps: dict[str, list[tuple]] = {}
    closed_at: dict[str, str | None] = {}
    (n_accounts,) = conn.execute("SELECT count(*) FROM accounts").fetchone()
    if accounts and len(accounts) >= _SCAN_SHARE * n_accounts:
        # Ids read back with a replacement character may not be what is stored (bytes
        # not UTF-8): those are looked up by SQLite as before, the rest matched here.
        plain_accounts = {a for a in accounts if isinstance(a, str) and "\ufffd" not in a}
        plain_linked = {d for d in linked if isinstance(d, str) and "\ufffd" not in d}
        for crm_id, account, created, close, is_closed in conn.execute(_DEAL_COLUMNS):
            if account in plain_accounts:
                opps.setdefault(account, []).append((crm_id, created, close, is_closed))
            if crm_id in plain_linked:
                closed_at[crm_id] = close if is_closed == 1 else None
        accounts, linked = accounts - plain_accounts, linked - plain_linked
    for column, keys in (("account_crm_id", accounts), ("crm_id", linked)):
        keys = sorted(keys)
        for start in range(0, len(keys), _IN_BATCH):
            part = keys[start : start + _IN_BATCH]
            sql = f"{_DEAL_COLUMNS} WHERE {column} IN ({', '.join('?' for _ in part)})"
            for crm_id, account, created, close, is_closed in conn.execute(sql, part):
                if column == "account_crm_id":
                    opps.setdefault(account, []).append((crm_id, created, close, is_closed))
                else:
                    closed_at[crm_id] = close if is_closed == 1 else None
    return opps, closed_at


def run_matching(
    eng: Engagement,
    progress: Progress | None = None,
    *,
    data: AuditData | None = None,
    record: bool = True,
) -> MatchingResult:
    """Match recorded external calls to accounts and deals; check consent; record findings."""
    progress = progress or Progress.none()
    conn = eng.conn
    progress.update(0.0, "Reading calls, accounts and contacts")
    internal = {
        _domain(e) for (e,) in conn.execute("SELECT email FROM users WHERE email LIKE '%@%'")
    } | set(eng.setting("coaching.internal_domains", []) or [])
    contacts = {
        e.lower(): a
        for e, a in conn.execute(
            "SELECT email, account_crm_id FROM contacts WHERE email LIKE '%@%' AND account_crm_id IS NOT NULL"
        )
    }
    by_domain: dict[str, set[str]] = {}
    location: dict[str, str | None] = {}
    for crm_id, domain, website, country, extra in conn.execute(
        "SELECT crm_id, domain, website, country, extra FROM accounts"
    ):
        for d in {(domain or "").strip().lower() or None, _host(website)} - {None}:
            by_domain.setdefault(d, set()).add(crm_id)
        state = None
        if extra:
            try:
                values = json.loads(extra)
                state = next(
                    (
                        values[k]
                        for k in ("state", "billing_state", "BillingState")
                        if values.get(k)
                    ),
                    None,
                )
            except (ValueError, TypeError, AttributeError):
                state = None
        location[crm_id] = _jurisdiction(country, state)
    speakers: dict[str, set[str]] = {}
    for meeting, email in conn.execute(
        "SELECT meeting_crm_id, email FROM transcript_speakers WHERE email IS NOT NULL"
    ):
        speakers.setdefault(meeting, set()).add(email.lower())
    reviews = {
        m: v for m, v in conn.execute("SELECT meeting_crm_id, verdict FROM call_match_reviews")
    }
    rules, default_rule = _consent_rules()
    engagement_all_party = [
        j
        for j in eng.meta().jurisdictions
        if rules.get(j.upper(), default_rule["consent"]) == "all-party"
    ]
    transcripts = {m for (m,) in conn.execute("SELECT meeting_crm_id FROM transcripts")}
    default_consent = default_rule["consent"]
    progress.update(0.3, "Matching calls")
    matches: list[CallMatch] = []
    consent: list[ConsentCall] = []
    rows = conn.execute(
        "SELECT crm_id, substr(started_at, 1, 10), started_at, account_crm_id, opportunity_crm_id, "
        "participant_emails FROM meetings WHERE (is_recorded = 1 OR crm_id IN "
        "(SELECT meeting_crm_id FROM transcripts)) AND coalesce(is_external, 1) = 1 ORDER BY crm_id"
    ).fetchall()
    # The accounts each call's participants point to; then only the deals of the
    # accounts matched alone and the deals the calls are linked to are read (at a
    # million deals, reading them all cost more than the matching).
    # What one address says is worked out once (a contact's address is on many calls):
    # None when it is internal, else the accounts it points to.
    said: dict[str, tuple[str, ...] | None] = {}

    def points_to(e: str) -> tuple[str, ...] | None:
        domain = _domain(e)
        if domain in internal:
            return None
        if e in contacts:
            return (contacts[e],)
        if domain not in _PUBLIC:
            return tuple(by_domain.get(domain, ()))
        return ()

    found = []
    no_speakers: set[str] = set()
    for row in rows:
        call, listed = row[0], row[5]
        emails = _emails(listed) | speakers.get(call, no_speakers)
        external: set[str] = set()
        accounts: set[str] = set()
        for e in emails:
            if e in said:
                points = said[e]
            else:
                points = said[e] = points_to(e)
            if points is not None:
                external.add(e)
                accounts.update(points)
        found.append((external, accounts))
    opps, closed_at = _deals(
        conn,
        {next(iter(a)) for _, a in found if len(a) == 1},
        {row[4] for row in rows if row[4]},
    )
    for (call, day, started, linked_acc, linked_opp, _), (external, accounts) in zip(
        rows, found, strict=True
    ):
        account = next(iter(accounts)) if len(accounts) == 1 else None
        opportunity = None
        if account and day:
            open_then = [
                o
                for o in opps.get(account, [])
                if (o[1] or "") <= day and (o[3] != 1 or (o[2] or "9999") >= day)
            ]
            if open_then:
                # the first closing soonest (``min`` keeps the first of equals, as a
                # stable sort's first does)
                opportunity = min(open_then, key=_closing_first)[0]
        issue = ""
        if len(accounts) > 1:
            issue = "multi-account"
        elif linked_opp and closed_at.get(linked_opp) and day and closed_at[linked_opp] < day:
            issue = "closed deal"
        elif not accounts and not linked_acc and not linked_opp:
            issue = "unmatched"
        elif (linked_acc and account and linked_acc != account) or (
            linked_opp and opportunity and linked_opp != opportunity
        ):
            issue = "link differs"
        matches.append(
            CallMatch(
                call,
                started,
                sorted(accounts),
                account,
                opportunity,
                linked_acc,
                linked_opp,
                issue,
                reviews.get(call),
            )
        )
        places = sorted({location.get(a) for a in accounts} - {None}) if accounts else []
        all_party = [p for p in places if rules.get(p, default_consent) == "all-party"]
        if not places and external:
            all_party = engagement_all_party
        if all_party:
            announced = None
            if call in transcripts:
                first = conn.execute(
                    "SELECT group_concat(text, ' ') FROM transcript_turns WHERE meeting_crm_id = ? "
                    "AND start_s < ?",
                    (call, ANNOUNCEMENT_WINDOW_S),
                ).fetchone()[0]
                announced = bool(first and _ANNOUNCEMENT.search(first))
            consent.append(ConsentCall(call, all_party, announced))
    reviewed = [m for m in matches if m.review]
    correct = sum(1 for m in reviewed if m.review == "correct")
    accuracy = pct(correct, len(reviewed))
    result = MatchingResult(
        calls=len(matches),
        matched=sum(1 for m in matches if m.account or m.linked_account),
        multi_account=[m for m in matches if m.issue == "multi-account"],
        closed_deal=[m for m in matches if m.issue == "closed deal"],
        unmatched=[m for m in matches if m.issue == "unmatched"],
        link_differs=[m for m in matches if m.issue == "link differs"],
        reviewed=len(reviewed),
        correct=correct,
        accuracy=accuracy,
        target=TARGET,
        consent_calls=consent,
    )
    pool = sorted(m.call for m in matches if not m.review and (m.account or m.linked_account))
    picked = set(random.Random(14).sample(pool, SAMPLE) if len(pool) > SAMPLE else pool)
    result.sample = [m for m in matches if m.call in picked]
    result.findings = _findings(result)
    if record:
        record_findings(eng, AUDIT, result.findings)
    progress.update(1.0, "Matching audit done")
    return result


def _finding(
    key: str, severity: str, title: str, detail: str, calls: list[str], metric=None
) -> Finding:
    return Finding(
        f"{AUDIT}:{key}",
        AUDIT,
        severity,
        title,
        detail,
        len(calls),
        "meetings",
        calls[:10_000],
        metric,
    )


def _findings(r: MatchingResult) -> list[Finding]:
    out = []
    if r.accuracy is not None and r.accuracy < r.target:
        out.append(
            _finding(
                "accuracy",
                "high",
                f"Call matching is {r.accuracy:.0%} correct in the reviewed sample, below the 95% sign-off",
                f"{r.reviewed - r.correct} of {r.reviewed} reviewed calls were linked to the wrong "
                "account or deal. Tighten the platform's matching rules (e-mail domain, calendar event) "
                "and review a new sample.",
                [],
                r.accuracy,
            )
        )
    for key, severity, calls, title, detail in (
        (
            "multi-account",
            "medium",
            r.multi_account,
            "Calls with participants from more than one account",
            "The platform must pick one account; check the rule for partner and agency participants.",
        ),
        (
            "closed-deal",
            "medium",
            r.closed_deal,
            "Calls linked to a deal closed before the meeting",
            "Post-sale calls should move to the open renewal or expansion deal, or to the account only.",
        ),
        (
            "unmatched",
            "medium",
            r.unmatched,
            "Recorded external calls with no account or deal",
            "No participant's e-mail belongs to a known contact or account domain.",
        ),
        (
            "link-differs",
            "high",
            r.link_differs,
            "Calls linked to a different account or deal than their participants",
            "The call record's account or deal disagrees with the participants' e-mail addresses and the deal open at the time.",
        ),
    ):
        if calls:
            out.append(
                _finding(
                    key,
                    severity,
                    f"{len(calls):,} {title[0].lower()}{title[1:]}",
                    detail,
                    [c.call for c in calls],
                )
            )
    missing = [c.call for c in r.consent_calls if c.announced is False]
    if missing:
        out.append(
            _finding(
                "consent",
                "critical",
                f"{len(missing):,} recorded calls with an all-party-consent participant have no recording announcement",
                "No mention of the recording in the first two minutes of the transcript. Turn on the "
                "bot's announcement for all external meetings and involve Legal.",
                missing,
            )
        )
    return out


# ------------------------------------------------------------------ the reviewed sample
def record_match_reviews(eng: Engagement, verdicts: dict[str, str], note: str = "") -> int:
    """Mark calls' links correct or incorrect (all or none)."""
    from workbench.errors import WorkbenchError

    with eng.atomic() as conn:
        for call, verdict in verdicts.items():
            if verdict not in ("correct", "incorrect"):
                raise WorkbenchError(
                    f"A reviewed call is 'correct' or 'incorrect', not {verdict!r}."
                )
            row = conn.execute(
                "SELECT account_crm_id, opportunity_crm_id FROM meetings WHERE crm_id = ?", (call,)
            ).fetchone()
            if row is None:
                raise WorkbenchError(f"There is no call {call!r} in {eng.path.name}.")
            conn.execute(
                "INSERT INTO call_match_reviews (meeting_crm_id, verdict, account_crm_id, "
                "opportunity_crm_id, note, reviewed_at) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(meeting_crm_id) DO UPDATE SET verdict = excluded.verdict, "
                "account_crm_id = excluded.account_crm_id, opportunity_crm_id = excluded.opportunity_crm_id, "
                "note = excluded.note, reviewed_at = excluded.reviewed_at",
                (call, verdict, row[0], row[1], note, now_iso()),
            )
        eng.touch()
    return len(verdicts)
