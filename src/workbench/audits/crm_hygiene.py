"""CRM hygiene audit: duplicates, field completion, stages, staleness, threading, orphans.

``run_crm_hygiene`` measures the customer's CRM the way the architect's Track B prep
asks (duplicate accounts, missing fields, inconsistent stage definitions) plus the
deal-level checks that make scoring untrustworthy: stale deals, missing next steps,
single-threaded deals, orphans and inactive owners. It returns the figures and a
0-100 health score with its breakdown (formula in ``HEALTH_WEIGHTS`` and
docs/audits.md), and records findings (ASSUMED until the customer confirms them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from workbench.audits.common import (
    AuditData,
    blank,
    category_text,
    finding,
    fmt_pct,
    lookup,
    pct,
    setting,
    severity_for_share,
)
from workbench.audits.completion import CompletionRow, field_completion, missing_ids
from workbench.audits.dedup import (
    ContactDuplicates,
    DedupOptions,
    DuplicateCluster,
    DuplicatePair,
    find_duplicate_contacts,
    match_engagement_accounts,
    normalise_domain,
)
from workbench.audits.stages import StageCheck, StageProfile, check_stages
from workbench.models import Engagement
from workbench.models.findings import Finding, record_findings
from workbench.models.vocabulary import field_words, health_words, table_words
from workbench.progress import Progress

AUDIT = "crm-hygiene"

# Health score = weighted mean of the measurable components (each 0-100, the share of
# records that pass); a component that cannot be measured drops out and the weights
# of the others are rescaled.
HEALTH_WEIGHTS: dict[str, float] = {
    "duplicates": 15,
    "completion": 25,
    "stages": 15,
    "freshness": 15,
    "next_steps": 10,
    "multi_threading": 10,
    "integrity": 10,
}


@dataclass
class HealthComponent:
    name: str
    score: float | None
    weight: float
    passed: int
    total: int
    explanation: str


@dataclass
class HealthScore:
    score: float | None
    components: list[HealthComponent]


@dataclass
class ThreadingSummary:
    """Engaged contacts per open opportunity (contact roles, activities, meetings)."""

    open_opportunities: int
    min_contacts: int
    below_min: int
    by_contacts: dict[str, int]


@dataclass
class StaleSummary:
    open_opportunities: int
    past_close_date: int
    no_recent_activity: int
    never_touched: int
    days_by_stage: dict[str, int]
    default_days: int


@dataclass
class OrphanSummary:
    opportunities_without_account: int
    opportunities_without_owner: int
    contacts_without_account: int
    open_deals_with_inactive_owner: int
    inactive_owners: list[str]
    notes: list[str] = field(default_factory=list)


@dataclass
class CrmHygieneResult:
    """Everything the CRM hygiene audit measured, with its findings."""

    as_of: date
    accounts: int
    contacts: int
    opportunities: int
    open_opportunities: int
    health: HealthScore
    duplicate_accounts: list[DuplicateCluster]
    duplicate_contacts: ContactDuplicates
    completion: list[CompletionRow]
    unknown_required_fields: list[str]
    stage_checks: list[StageCheck]
    stage_profiles: list[StageProfile]
    stale: StaleSummary
    missing_next_step: int
    threading: ThreadingSummary
    orphans: OrphanSummary
    findings: list[Finding] = field(default_factory=list)
    # the review tier and what the duplicate model lacked (see audits/dedup.py)
    possible_duplicate_accounts: list[DuplicatePair] = field(default_factory=list)
    duplicate_evidence: dict = field(default_factory=dict)

    def duplicate_account_clusters(self) -> list[DuplicateCluster]:
        """The duplicate account clusters (CRM ids sorted within each cluster)."""
        return self.duplicate_accounts

    @property
    def accounts_in_duplicate_clusters(self) -> int:
        return sum(c.size for c in self.duplicate_accounts)


def _dedup_options(eng: Engagement) -> DedupOptions:
    raw = setting(eng, "dedup", {})
    options = DedupOptions()
    for key, value in raw.items() if isinstance(raw, dict) else []:
        if hasattr(options, key):
            setattr(options, key, type(getattr(options, key))(value))
    return options


def run_crm_hygiene(
    eng: Engagement,
    progress: Progress | None = None,
    *,
    data: AuditData | None = None,
    record: bool = True,
) -> CrmHygieneResult:
    """Run the CRM hygiene audit on ``eng`` and record its findings (unless ``record=False``)."""
    progress = progress or Progress.none()
    data = data or AuditData(eng)
    progress.update(0.0, "Loading accounts and opportunities")
    accounts = data.table("accounts")
    contacts = data.table("contacts")
    opps = data.table("opportunities")
    open_mask = opps["is_closed"].eq(0)

    matches = match_engagement_accounts(
        eng, accounts, _dedup_options(eng), progress.span(0.02, 0.5)
    )
    clusters = matches.clusters
    progress.update(0.5, "Duplicate contacts")
    contact_dups = find_duplicate_contacts(contacts)
    progress.update(0.55, "Field completion")
    completion, unknown = field_completion(data)
    progress.update(0.7, "Stage hygiene")
    stage_checks, stage_profiles, stage_failing = check_stages(data)
    progress.update(0.78, "Stale deals and next steps")
    stale, stale_ids = _stale(data, open_mask)
    no_next = open_mask & opps["next_step_blank"]
    progress.update(0.85, "Multi-threading")
    threading, engaged = _threading(data, open_mask)
    progress.update(0.93, "Orphans and inactive owners")
    orphans, orphan_ids = _orphans(data, open_mask)
    data.forget_factorized()

    health = _health(
        data,
        clusters,
        completion,
        stage_failing,
        stale_ids,
        no_next,
        threading,
        engaged,
        orphan_ids,
        open_mask,
    )
    result = CrmHygieneResult(
        as_of=data.as_of,
        accounts=len(accounts),
        contacts=len(contacts),
        opportunities=len(opps),
        open_opportunities=int(open_mask.sum()),
        health=health,
        duplicate_accounts=clusters,
        duplicate_contacts=contact_dups,
        completion=completion,
        unknown_required_fields=unknown,
        stage_checks=stage_checks,
        stage_profiles=stage_profiles,
        stale=stale,
        missing_next_step=int(no_next.sum()),
        threading=threading,
        orphans=orphans,
        possible_duplicate_accounts=matches.review,
        duplicate_evidence={
            "missing": matches.missing_evidence,
            "sparse": matches.sparse_evidence,
            "candidates": matches.candidates,
            "estimated_from_data": matches.trained,
            "notes": matches.notes,
        },
    )
    result.findings = _findings(data, result, stale_ids, no_next, engaged, orphan_ids)
    if record:
        record_findings(eng, AUDIT, result.findings)
    progress.update(1.0, "CRM hygiene audit done")
    return result


# ----------------------------------------------------------------------- staleness
def _stale(data: AuditData, open_mask: pd.Series) -> tuple[StaleSummary, dict[str, set[str]]]:
    opps = data.table("opportunities")
    as_of = pd.Timestamp(data.as_of)
    default_days = int(setting(data.eng, "stale_days", 30))
    by_stage_raw = setting(data.eng, "stale_days_by_stage", {})
    by_stage = {
        str(k).strip().lower(): int(v)
        for k, v in (by_stage_raw.items() if isinstance(by_stage_raw, dict) else [])
    }
    open_opps = opps[open_mask]
    last_touch = _last_touch(data, open_opps)
    past_close = open_opps["close_day"] < as_of
    limit = open_opps["stage"].fillna("").astype(str).str.strip().str.lower().map(by_stage)
    limit = pd.to_numeric(limit, errors="coerce").fillna(default_days)
    reference = last_touch.fillna(open_opps["created_day"])
    idle_days = (as_of - reference).dt.days
    no_activity = idle_days > limit
    never = last_touch.isna()
    summary = StaleSummary(
        open_opportunities=len(open_opps),
        past_close_date=int(past_close.sum()),
        no_recent_activity=int(no_activity.sum()),
        never_touched=int(never.sum()),
        days_by_stage=by_stage,
        default_days=default_days,
    )
    ids = {
        "past_close_date": set(open_opps.loc[past_close, "crm_id"].astype(str)),
        "no_recent_activity": set(open_opps.loc[no_activity, "crm_id"].astype(str)),
    }
    return summary, ids


def _last_touch(data: AuditData, open_opps: pd.DataFrame) -> pd.Series:
    """Latest activity day per open opportunity (CRM field, activities, meetings), on
    or before the as-of day: each touch's deal found by its position among the open
    deals (a hash lookup) and the latest day kept per position, rather than grouping
    half a million touches by text and sorting the groups (``_last_touch_grouped``, the
    same days)."""
    meetings = data.table("meetings")
    acts = data.table("activity_last")
    parts = [
        (open_opps["crm_id"], open_opps["last_activity_day"]),
        (acts["opportunity_crm_id"], acts["day"]),
        (meetings["opportunity_crm_id"], meetings["day"]),
    ]
    keys = pd.Index(open_opps["crm_id"].astype(str).to_numpy(dtype=object), dtype=object)
    unit = open_opps["last_activity_day"].dtype
    if not keys.is_unique or any(day.dtype != unit for _, day in parts):
        return _last_touch_grouped(data, open_opps, parts)
    as_of = np.datetime64(pd.Timestamp(data.as_of)).astype(unit)
    latest = np.full(len(keys), np.datetime64("NaT"), dtype=unit).view(np.int64)
    for opp, day in parts:
        days = day.to_numpy(dtype=unit)
        where = keys.get_indexer(opp.to_numpy(dtype=object))
        keep = (where >= 0) & ~np.isnat(days) & (days <= as_of)
        # NaT is the smallest int64: any real day replaces it
        np.maximum.at(latest, where[keep], days[keep].view(np.int64))
    return pd.Series(latest.view(unit), index=open_opps.index)


def _last_touch_grouped(data: AuditData, open_opps: pd.DataFrame, sources: list) -> pd.Series:
    """``_last_touch`` by grouping the touches by their deal's text (odd data: deal ids
    equal once decoded, or day columns of different precision)."""
    as_of = pd.Timestamp(data.as_of)
    parts = [pd.DataFrame({"opp": opp, "day": day}) for opp, day in sources]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.Series(pd.NaT, index=open_opps.index, dtype="datetime64[ns]")
    touches = pd.concat(parts, ignore_index=True).dropna()
    touches = touches[touches["day"] <= as_of]
    latest = touches.groupby("opp")["day"].max()
    return lookup(open_opps["crm_id"].astype(str), latest)


# ------------------------------------------------------------------ multi-threading
def _split_emails(values: pd.Series) -> pd.Series:
    text = values.fillna("").astype(str).str.lower()
    text = text.str.replace(r"[\[\]\"']", " ", regex=True)
    return text.str.split(r"[\s,;]+", regex=True).explode().loc[lambda s: s.str.contains("@")]


def _threading(data: AuditData, open_mask: pd.Series) -> tuple[ThreadingSummary, pd.Series]:
    """Engaged contacts per open opportunity: the seeds' multi-threading is 3 or more."""
    opps = data.table("opportunities")
    minimum = int(setting(data.eng, "multithreading_min_contacts", 3))
    open_ids = set(opps.loc[open_mask, "crm_id"].astype(str))
    parts = []
    roles = data.table("roles")
    if not roles.empty:
        parts.append(
            roles[["opportunity_crm_id", "contact_crm_id"]].rename(
                columns={"contact_crm_id": "who"}
            )
        )
    acts = data.table("activity_contacts")
    if not acts.empty:
        parts.append(acts.rename(columns={"contact_crm_id": "who"}))
    meetings = data.table("meetings")
    if not meetings.empty:
        with_opp = meetings[
            meetings["opportunity_crm_id"].notna() & meetings["participant_emails"].notna()
        ]
        if not with_opp.empty:
            emails = _split_emails(with_opp["participant_emails"])
            frame = pd.DataFrame(
                {
                    "opportunity_crm_id": with_opp.loc[emails.index, "opportunity_crm_id"],
                    "email": emails.to_numpy(),
                }
            )
            users = data.table("users")
            internal = set(users["email"].dropna().astype(str).str.lower())
            internal_domains = {normalise_domain(e) for e in internal} - {""}
            hosts = meetings["host_email"].dropna().astype(str).str.lower()
            internal_domains |= {normalise_domain(e) for e in hosts.unique()} - {""}
            domain = frame["email"].str.rsplit("@", n=1).str[-1]
            frame = frame[~frame["email"].isin(internal) & ~domain.isin(internal_domains)]
            contacts = data.table("contacts")
            by_email = dict(
                zip(
                    contacts["email"].dropna().astype(str).str.lower(),
                    contacts.loc[contacts["email"].notna(), "crm_id"],
                    strict=True,
                )
            )
            frame["who"] = frame["email"].map(by_email).fillna(frame["email"])
            parts.append(frame[["opportunity_crm_id", "who"]])
    if parts:
        engaged_all = pd.concat(parts, ignore_index=True).dropna()
        engaged_all = engaged_all[engaged_all["opportunity_crm_id"].astype(str).isin(open_ids)]
        counts = engaged_all.drop_duplicates().groupby("opportunity_crm_id")["who"].size()
    else:
        counts = pd.Series(dtype=int)
    engaged = opps.loc[open_mask, "crm_id"].astype(str).map(counts).fillna(0).astype(int)
    engaged.index = opps.loc[open_mask, "crm_id"].astype(str).to_numpy()
    buckets = {
        "0": int((engaged == 0).sum()),
        "1": int((engaged == 1).sum()),
        "2": int((engaged == 2).sum()),
        "3+": int((engaged >= 3).sum()),
    }
    summary = ThreadingSummary(len(engaged), minimum, int((engaged < minimum).sum()), buckets)
    return summary, engaged


# ----------------------------------------------------------------------- orphans
def _as_category(values: pd.Series, factorized: tuple | None = None) -> pd.Series:
    """A text column as a categorical whose categories are the values as stored (object,
    not pandas' own string type: converting a million ids to it took most of the
    orphan checks), so that per-value work (``category_text``) runs once per id.
    ``factorized``: the values' ``pd.factorize`` already worked out."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values
    codes, uniques = factorized or pd.factorize(values.to_numpy(dtype=object))
    categories = pd.Index(np.asarray(uniques, dtype=object), dtype=object)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories)),
                     index=values.index)  # fmt: skip


def _known(values: pd.Series, known: set[str]) -> pd.Series:
    """True where a value (as text) is one of ``known``; NULL is not."""
    return category_text(values, lambda c: c.isin(known), False).astype(bool)


def _orphans(data: AuditData, open_mask: pd.Series) -> tuple[OrphanSummary, dict[str, set[str]]]:
    opps = data.table("opportunities")
    accounts = data.table("accounts")
    users = data.table("users")
    contacts = data.table("contacts")
    notes = []
    account_ids = set(accounts["crm_id"].astype(str))
    user_ids = set(users["crm_id"].astype(str))
    opp_account = _as_category(
        opps["account_crm_id"], data.factorized("opportunities", "account_crm_id")
    )
    opp_owner = _as_category(opps["owner_crm_id"])
    no_account = blank(opp_account)
    if account_ids:
        no_account |= ~_known(opp_account, account_ids)
    else:
        notes.append(
            "No accounts imported: only opportunities with no account at all count as orphans."
        )
    no_owner = blank(opp_owner)
    if user_ids:
        no_owner |= ~_known(opp_owner, user_ids)
    else:
        notes.append("No users imported: owners cannot be checked against the user list.")
    contact_account = _as_category(contacts["account_crm_id"])
    c_no_account = blank(contact_account)
    if account_ids:
        c_no_account |= ~_known(contact_account, account_ids)
    inactive_users = set(users.loc[users["is_active"].eq(0), "crm_id"].astype(str))
    inactive_open = open_mask & _known(opp_owner, inactive_users)
    names = data.user_names()
    inactive_names = sorted(
        {names.get(o, o) for o in opps.loc[inactive_open, "owner_crm_id"].astype(str)}
    )
    summary = OrphanSummary(
        opportunities_without_account=int(no_account.sum()),
        opportunities_without_owner=int(no_owner.sum()),
        contacts_without_account=int(c_no_account.sum()),
        open_deals_with_inactive_owner=int(inactive_open.sum()),
        inactive_owners=inactive_names,
        notes=notes,
    )
    ids = {
        "opportunities_without_account": set(opps.loc[no_account, "crm_id"].astype(str)),
        "opportunities_without_owner": set(opps.loc[no_owner, "crm_id"].astype(str)),
        "contacts_without_account": set(contacts.loc[c_no_account, "crm_id"].astype(str)),
        "inactive_owner": set(opps.loc[inactive_open, "crm_id"].astype(str)),
    }
    return summary, ids


# ------------------------------------------------------------------- health score
def _health(
    data,
    clusters,
    completion,
    stage_failing,
    stale_ids,
    no_next,
    threading,
    engaged,
    orphan_ids,
    open_mask,
) -> HealthScore:
    opps = data.table("opportunities")
    n_accounts = len(data.table("accounts"))
    n_opps = len(opps)
    n_open = int(open_mask.sum())
    parts: list[HealthComponent] = []

    def add(name: str, passed: int, total: int, explanation: str) -> None:
        score = None if total == 0 else round(100.0 * passed / total, 1)
        parts.append(HealthComponent(name, score, HEALTH_WEIGHTS[name], passed, total, explanation))

    extra_accounts = sum(c.size - 1 for c in clusters)
    add(
        "duplicates",
        n_accounts - extra_accounts,
        n_accounts,
        "accounts that are not a redundant copy of another account",
    )
    filled = [r for r in completion if r.group_by == ""]
    add(
        "completion",
        sum(r.complete for r in filled),
        sum(r.total for r in filled),
        "required field values present, all entities",
    )
    add(
        "stages",
        n_opps - len(stage_failing),
        n_opps,
        "opportunities passing every stage-hygiene check",
    )
    stale = stale_ids["past_close_date"] | stale_ids["no_recent_activity"]
    add(
        "freshness",
        n_open - len(stale),
        n_open,
        "open opportunities neither past their close date nor idle too long",
    )
    add("next_steps", n_open - int(no_next.sum()), n_open, "open opportunities with a next step")
    add(
        "multi_threading",
        n_open - threading.below_min,
        n_open,
        f"open opportunities with {threading.min_contacts}+ engaged contacts",
    )
    broken = (
        orphan_ids["opportunities_without_account"]
        | orphan_ids["opportunities_without_owner"]
        | orphan_ids["inactive_owner"]
    )
    add(
        "integrity",
        n_opps - len(broken),
        n_opps,
        "opportunities with a known account and an active, known owner",
    )
    measured = [p for p in parts if p.score is not None]
    weight = sum(p.weight for p in measured)
    score = None if not weight else round(sum(p.score * p.weight for p in measured) / weight, 1)
    return HealthScore(score, parts)


# ----------------------------------------------------------------------- findings
def _findings(
    data, result: CrmHygieneResult, stale_ids, no_next, engaged, orphan_ids
) -> list[Finding]:
    opps = data.table("opportunities")
    out: list[Finding] = []
    n_acc, n_open = result.accounts, result.open_opportunities
    f = lambda *a, **k: finding(AUDIT, *a, **k)  # noqa: E731

    in_clusters = result.accounts_in_duplicate_clusters
    if result.duplicate_accounts:
        share = pct(in_clusters, n_acc)
        biggest = max(c.size for c in result.duplicate_accounts)
        out.append(
            f(
                "duplicate_accounts",
                severity_for_share(share, high=0.05, medium=0.01),
                f"{len(result.duplicate_accounts):,} duplicate account clusters",
                f"{in_clusters:,} of {n_acc:,} accounts ({fmt_pct(share)}) sit in "
                f"{len(result.duplicate_accounts):,} clusters of the same company "
                f"(largest: {biggest}). Merge them before the platform syncs, or activity "
                "and pipeline split across copies.",
                entity="accounts",
                affected=[i for c in result.duplicate_accounts for i in c.ids],
                count=in_clusters,
                metric=share,
            )
        )
    dup_contacts = result.duplicate_contacts
    if dup_contacts.clusters:
        n = sum(c.size for c in dup_contacts.clusters)
        share = pct(n, result.contacts)
        out.append(
            f(
                "duplicate_contacts",
                severity_for_share(share, high=0.1, medium=0.02),
                f"{len(dup_contacts.clusters):,} duplicate contact clusters",
                f"{n:,} contacts in {len(dup_contacts.clusters):,} clusters "
                f"({dup_contacts.by_email:,} matched by e-mail ignoring case and +tags, "
                f"{dup_contacts.by_name_and_account:,} by name at the same account).",
                entity="contacts",
                affected=[i for c in dup_contacts.clusters for i in c.ids],
                count=n,
                metric=share,
            )
        )
    target = float(setting(data.eng, "completion_target", 0.9))
    for row in (r for r in result.completion if r.group_by == ""):
        rate = row.rate
        if rate is None or rate >= target:
            continue
        severity = "high" if rate < 0.5 else "medium" if rate < 0.75 else "low"
        out.append(
            f(
                f"completion.{row.entity}.{row.field}",
                severity,
                f"{table_words(row.entity).capitalize()}: {field_words(row.field)} filled on "
                f"{fmt_pct(rate)}",
                f"{row.total - row.complete:,} of {row.total:,} {table_words(row.entity)} have no "
                f"{field_words(row.field)} (required; target {fmt_pct(target)}).",
                entity=row.entity,
                affected=missing_ids(data, row.entity, row.field),
                count=row.total - row.complete,
                metric=rate,
            )
        )
    if result.unknown_required_fields:
        out.append(
            f(
                "completion.unknown_fields",
                "info",
                "Required fields not in the data",
                "These required fields are not core columns: "
                + ", ".join(result.unknown_required_fields)
                + ". Use extra.<column header> for custom fields.",
                count=len(result.unknown_required_fields),
            )
        )
    stage_severity = {
        "outside_list": "high",
        "closed_not_flagged": "high",
        "open_stage_flagged_closed": "high",
        "probability_varies": "medium",
        "forecast_category_mismatch": "medium",
        "probability_mismatch": "low",
        "probability_out_of_range": "medium",
        "missing_stage": "high",
    }
    for check in result.stage_checks:
        if not check.measurable:
            out.append(
                f(f"stages.{check.check}", "info", "Stage list not defined", check.description)
            )
            continue
        if check.affected == 0:
            continue
        examples = f" Stages: {', '.join(check.examples)}." if check.examples else ""
        out.append(
            f(
                f"stages.{check.check}",
                stage_severity.get(check.check, "medium"),
                f"{check.description}: {check.affected:,} opportunities",
                f"{check.affected:,} of {result.opportunities:,} opportunities." + examples,
                entity="opportunities",
                affected=check.ids,
                count=check.affected,
                metric=pct(check.affected, result.opportunities),
            )
        )
    stale = result.stale
    for key, count, title, detail in (
        (
            "stale.past_close_date",
            stale.past_close_date,
            "Open deals past their close date",
            f"open with a close date before {result.as_of.isoformat()}",
        ),
        (
            "stale.no_recent_activity",
            stale.no_recent_activity,
            "Open deals with no recent activity",
            f"open with no activity for more than {stale.default_days} days "
            "(stricter or looser limits apply where a stage has its own)",
        ),
    ):
        if count:
            share = pct(count, n_open)
            out.append(
                f(
                    key,
                    severity_for_share(share, high=0.2, medium=0.05),
                    f"{title}: {count:,}",
                    f"{count:,} of {n_open:,} open opportunities are {detail}.",
                    entity="opportunities",
                    affected=stale_ids[key.split(".")[1]],
                    count=count,
                    metric=share,
                )
            )
    if result.missing_next_step:
        share = pct(result.missing_next_step, n_open)
        out.append(
            f(
                "next_steps.missing",
                severity_for_share(share, high=0.3, medium=0.1),
                f"Open deals without a next step: {result.missing_next_step:,}",
                f"{result.missing_next_step:,} of {n_open:,} open opportunities "
                f"({fmt_pct(share)}) have no next step.",
                entity="opportunities",
                affected=opps.loc[no_next, "crm_id"],
                count=result.missing_next_step,
                metric=share,
            )
        )
    t = result.threading
    if t.below_min:
        share = pct(t.below_min, t.open_opportunities)
        out.append(
            f(
                "multithreading.below_minimum",
                severity_for_share(share, high=0.5, medium=0.2),
                f"Deals not multi-threaded: {t.below_min:,}",
                f"{t.below_min:,} of {t.open_opportunities:,} open opportunities "
                f"({fmt_pct(share)}) have fewer than {t.min_contacts} engaged contacts "
                f"(contact roles, contacts on logged activities, external meeting "
                f"participants). With 0: {t.by_contacts['0']:,}, 1: {t.by_contacts['1']:,}, "
                f"2: {t.by_contacts['2']:,}.",
                entity="opportunities",
                affected=engaged.index[engaged < t.min_contacts],
                count=t.below_min,
                metric=share,
            )
        )
    o = result.orphans
    for key, count, entity, title, severity in (
        (
            "opportunities_without_account",
            o.opportunities_without_account,
            "opportunities",
            "Opportunities without a known account",
            "high",
        ),
        (
            "opportunities_without_owner",
            o.opportunities_without_owner,
            "opportunities",
            "Opportunities without a known owner",
            "high",
        ),
        (
            "contacts_without_account",
            o.contacts_without_account,
            "contacts",
            "Contacts without a known account",
            "medium",
        ),
    ):
        if count:
            total = result.contacts if entity == "contacts" else result.opportunities
            out.append(
                f(
                    f"orphans.{key}",
                    severity,
                    f"{title}: {count:,}",
                    f"{count:,} of {total:,} {entity} point to no record, or to one not in "
                    "the export. " + " ".join(o.notes),
                    entity=entity,
                    affected=orphan_ids[key],
                    count=count,
                    metric=pct(count, total),
                )
            )
    if o.open_deals_with_inactive_owner:
        out.append(
            f(
                "owners.inactive_with_open_deals",
                "high",
                f"Open deals owned by inactive users: {o.open_deals_with_inactive_owner:,}",
                f"Owners: {', '.join(o.inactive_owners[:20])}. Reassign before go-live; "
                "the platform will not score or alert on them.",
                entity="opportunities",
                affected=orphan_ids["inactive_owner"],
                count=o.open_deals_with_inactive_owner,
            )
        )
    h = result.health
    if h.score is not None:
        breakdown = "; ".join(
            f"{health_words(p.name)} {p.score:.0f}" for p in h.components if p.score is not None
        )
        severity = "high" if h.score < 60 else "medium" if h.score < 80 else "info"
        out.append(
            f(
                "health_score",
                severity,
                f"CRM health score {h.score:.0f}/100",
                f"Breakdown (0-100 each): {breakdown}.",
                metric=h.score,
            )
        )
    return out

