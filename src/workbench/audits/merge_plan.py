"""A merge plan for the asserted duplicates: which record survives, what merges into it.

For every asserted cluster of duplicate accounts (and every cluster of duplicate
contacts) the surviving record is chosen by these rules, in order, the first that
separates the records deciding:

1. the most open opportunities (contacts: roles on open opportunities);
2. the most complete (the most of the compared fields filled in);
3. the most recent activity (the latest activity date of its opportunities);
4. the oldest (earliest created);
5. the lowest CRM id (so the plan is the same every time).

The others merge into it. A field blank on the survivor but filled on a merged record
is carried over (from the first merged record, in the order above, that has it). The
shape follows what an admin feeds to Salesforce: one row per merged record with its
master id (Salesforce's merge takes a master and up to two records at a time; a
cluster of four is two calls), and one row per master with the fields to set (a Data
Loader update file: Id plus the API field names).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from workbench.audits.crm_hygiene import CrmHygieneResult
from workbench.audits.dedup import DuplicateCluster
from workbench.errors import WorkbenchError
from workbench.models import Engagement
from workbench.progress import Progress

RULES = (
    "most open opportunities",
    "most complete",
    "most recent activity",
    "oldest",
    "lowest CRM id",
)
# Engagement field -> Salesforce API name, for the fields the plan may carry over.
ACCOUNT_FIELDS = {
    "name": "Name", "website": "Website", "industry": "Industry", "country": "BillingCountry",
    "segment": "Segment__c", "owner_crm_id": "OwnerId", "employees": "NumberOfEmployees",
    "annual_revenue": "AnnualRevenue", "city": "BillingCity", "phone": "Phone",
}  # fmt: skip
CONTACT_FIELDS = {
    "first_name": "FirstName", "last_name": "LastName", "email": "Email", "title": "Title",
    "phone": "Phone", "account_crm_id": "AccountId", "owner_crm_id": "OwnerId",
}  # fmt: skip
_EXTRA = {"city": ("BillingCity", "Billing City", "City"), "phone": ("Phone", "Phone Number")}


@dataclass
class MergeRecord:
    """One record of a cluster: kept (the master) or merged into it, and why."""

    crm_id: str
    name: str
    master: bool
    open_opportunities: int
    filled_fields: int
    last_activity: str
    created: str


@dataclass
class MergeGroup:
    """One cluster: its master, the records to merge, the deciding rule, fields to carry."""

    number: int
    master_id: str
    records: list[MergeRecord]
    rule: str
    carry_over: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # API field -> (value, from)
    probability: float | None = None  # the weakest asserted pair of the cluster (accounts)

    @property
    def merged_ids(self) -> list[str]:
        return [r.crm_id for r in self.records if not r.master]


@dataclass
class MergePlan:
    """Account and contact merge groups with the rules that chose their masters."""

    accounts: list[MergeGroup]
    contacts: list[MergeGroup]
    rules: tuple[str, ...] = RULES
    source: str = ""  # the hygiene run the clusters come from ("run #12 of ...")


def _blank(value: object) -> bool:
    return (
        value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == ""
    )


def _with_extra(frame: pd.DataFrame) -> pd.DataFrame:
    if "extra" not in frame:
        return frame
    out = frame.copy()
    parsed = [
        json.loads(x) if isinstance(x, str) and x.startswith("{") else {} for x in out["extra"]
    ]
    for column, keys in _EXTRA.items():
        if column not in out:
            out[column] = [next((d[k] for k in keys if d.get(k)), None) for d in parsed]
    return out


def _order(rows: pd.DataFrame, fields: list[str]) -> tuple[pd.DataFrame, str]:
    """Rows sorted master first by RULES; and the rule that decided between the top two."""
    rows = rows.assign(
        _filled=rows[fields].apply(lambda r: sum(not _blank(v) for v in r), axis=1),
        _activity=rows["last_activity"].fillna(""),
        _created=rows["created"].fillna("9999"),
    )
    keys = [("open_opportunities", False), ("_filled", False), ("_activity", False),
            ("_created", True), ("crm_id", True)]  # fmt: skip
    ordered = rows.sort_values([k for k, _ in keys], ascending=[a for _, a in keys], kind="stable")
    first, second = ordered.iloc[0], ordered.iloc[1]
    rule = RULES[-1]
    for (key, _), name in zip(keys, RULES, strict=True):
        if first[key] != second[key]:
            rule = name
            break
    return ordered, rule


def _groups(
    clusters: list[DuplicateCluster], table: pd.DataFrame, fields: dict[str, str],
    probability: dict[tuple[str, ...], float] | None = None,
) -> list[MergeGroup]:  # fmt: skip
    indexed = table.drop_duplicates("crm_id").set_index(
        table.drop_duplicates("crm_id")["crm_id"].rename("_key")
    )
    groups = []
    for number, cluster in enumerate(clusters, start=1):
        ids = [i for i in cluster.ids if i in indexed.index]
        if len(ids) < 2:
            continue
        rows = indexed.loc[ids]
        ordered, rule = _order(rows, [f for f in fields if f in rows])
        master = ordered.iloc[0]
        carry = {}
        for column, api in fields.items():
            if column not in ordered or not _blank(master[column]):
                continue
            donor = next((r for _, r in ordered.iloc[1:].iterrows() if not _blank(r[column])), None)
            if donor is not None:
                value = donor[column]
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                carry[api] = (str(value), str(donor["crm_id"]))
        records = [
            MergeRecord(
                crm_id=str(r["crm_id"]), name=str(r["display"]), master=k == 0,
                open_opportunities=int(r["open_opportunities"]), filled_fields=int(r["_filled"]),
                last_activity=str(r["_activity"])[:10], created=str(r["created"] or "")[:10],
            )
            for k, (_, r) in enumerate(ordered.iterrows())
        ]  # fmt: skip
        groups.append(
            MergeGroup(
                number,
                str(master["crm_id"]),
                records,
                rule,
                carry,
                (probability or {}).get(tuple(cluster.ids)),
            )  # fmt: skip
        )
    return groups


def build_merge_plan(eng: Engagement, progress: Progress | None = None) -> MergePlan:
    """The merge plan of the asserted duplicate accounts and contacts of the latest
    CRM hygiene run (the clusters the Audits page and the Gap Analysis show).

    The hygiene audit runs (and is stored) when it never ran; a run whose data changed
    since is refused, so an admin never merges records from an out-of-date list.
    """
    from workbench.audits.operations import ensure_audits

    progress = progress or Progress.none()
    progress.update(0.05, "Reading the latest CRM hygiene run")
    hygiene, run = ensure_audits(eng, ["crm-hygiene"], progress=progress.span(0.05, 0.8))[
        "crm-hygiene"
    ]
    if run.stale:
        raise WorkbenchError(
            f"The data changed since the CRM hygiene audit {run.label()}; run the audits "
            "again (Audits page, Run; or workbench audit FILE crm-hygiene), then write the "
            "merge plan."
        )
    assert isinstance(hygiene, CrmHygieneResult)
    accounts = _with_extra(
        pd.read_sql_query(
            "SELECT crm_id, name, website, domain, industry, country, segment, owner_crm_id, "
            "employees, annual_revenue, created_at AS created, extra FROM accounts",
            eng.conn,
        )
    )
    opps = pd.read_sql_query(
        "SELECT account_crm_id AS crm_id, sum(coalesce(is_closed, 0) = 0) AS open_opportunities, "
        "max(substr(coalesce(last_activity_date, created_date), 1, 10)) AS last_activity "
        "FROM opportunities GROUP BY account_crm_id",
        eng.conn,
    )
    accounts = accounts.merge(opps, on="crm_id", how="left")
    accounts["open_opportunities"] = accounts["open_opportunities"].fillna(0)
    accounts["display"] = accounts["name"].fillna("")
    weakest = {
        tuple(c.ids): min((p.probability for p in c.pairs), default=1.0)
        for c in hygiene.duplicate_accounts
    }
    account_groups = _groups(hygiene.duplicate_accounts, accounts, ACCOUNT_FIELDS, weakest)
    progress.update(0.85, "Reading the duplicate contacts")
    contacts = pd.read_sql_query(
        "SELECT c.crm_id, c.account_crm_id, c.first_name, c.last_name, c.email, c.title, c.phone, "
        "c.owner_crm_id, c.created_at AS created, "
        "(SELECT count(*) FROM opportunity_contact_roles r JOIN opportunities o "
        "ON o.crm_id = r.opportunity_crm_id WHERE r.contact_crm_id = c.crm_id "
        "AND coalesce(o.is_closed, 0) = 0) AS open_opportunities, NULL AS last_activity FROM contacts c",
        eng.conn,
    )
    contacts["display"] = (
        contacts["first_name"].fillna("") + " " + contacts["last_name"].fillna("")
    ).str.strip()
    contact_groups = _groups(hygiene.duplicate_contacts.clusters, contacts, CONTACT_FIELDS)
    progress.update(1.0, "Merge plan ready")
    return MergePlan(account_groups, contact_groups, source=run.label())


def merge_rows(groups: list[MergeGroup]) -> list[dict[str, object]]:
    """One row per merged record: what Salesforce's merge needs (master and duplicate)."""
    rows = []
    for g in groups:
        master = next(r for r in g.records if r.master)
        for r in g.records:
            if r.master:
                continue
            rows.append({
                "Cluster": g.number, "MasterRecordId": g.master_id, "MasterName": master.name,
                "DuplicateRecordId": r.crm_id, "DuplicateName": r.name,
                "MasterChosenBy": g.rule,
                "MatchProbability": "" if g.probability is None else round(g.probability, 4),
            })  # fmt: skip
    return rows


def update_rows(groups: list[MergeGroup]) -> tuple[list[str], list[dict[str, object]]]:
    """Data Loader update rows: Id and the fields to carry over (blank = leave as is)."""
    columns = ["Id"] + sorted({api for g in groups for api in g.carry_over})
    rows = [
        {"Id": g.master_id} | {api: value for api, (value, _) in g.carry_over.items()}
        for g in groups
        if g.carry_over
    ]
    return columns, rows


def write_merge_plan_csv(plan: MergePlan, folder) -> list:
    """Write the four CSV files into ``folder``; return their paths."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for label, groups in (("account", plan.accounts), ("contact", plan.contacts)):
        merges = pd.DataFrame(
            merge_rows(groups),
            columns=["Cluster", "MasterRecordId", "MasterName", "DuplicateRecordId",
                     "DuplicateName", "MasterChosenBy", "MatchProbability"],
        )  # fmt: skip
        path = folder / f"{label}_merges.csv"
        merges.to_csv(path, index=False, lineterminator="\n")
        written.append(path)
        columns, rows = update_rows(groups)
        path = folder / f"{label}_field_updates.csv"
        pd.DataFrame(rows, columns=columns).to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    return written
