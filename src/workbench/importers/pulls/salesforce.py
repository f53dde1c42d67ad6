"""Pulling a Salesforce org through simple-salesforce, into temporary CSV files.

Sign-in: username + password + security token (``login`` or ``test`` domain, or a My
Domain), the JWT bearer flow (consumer key + private key file) or an existing session
id + instance URL (as ``sf org display`` gives). An expired session is signed in again
once; a second expiry is an error. Each object is described first (its custom ``__c``
fields are offered for mapping), counted with ``SELECT COUNT()``, and read with the REST
query API (``nextRecordsUrl`` pages) or, above ``bulk_threshold`` rows, with a Bulk API
2.0 query job (``Sforce-Locator`` result pages). The rows received must equal the count
the org reported, whatever the path: Bulk results are never trusted blindly. The org's
daily API allowance is read from ``/limits`` before the pull and from the
``Sforce-Limit-Info`` header of every reply; the pull stops before it would use more
than ``max_api_share`` of the allowance.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

from workbench.errors import Cancelled, WorkbenchError
from workbench.importers.entities import ENTITIES
from workbench.importers.pulls.fetched import (
    CsvSink,
    FetchedObject,
    PullError,
    network_message,
    scrub,
)
from workbench.models.vocabulary import count, plural
from workbench.progress import Progress

API_VERSION = "59.0"
REST_PAGE = 2000  # records per REST query page (Salesforce's default batch size)
BULK_PAGE = 50_000
# Salesforce refuses request URLs over 16,384 bytes; leave room for the rest of the URL
# and for the percent-encoding of commas and spaces.
MAX_SOQL = 9_000


@dataclass(frozen=True)
class SfObject:
    """A Salesforce object a pull reads, and where it lands."""

    name: str
    entity: str | None  # an importer entity, 'field_history' or 'crm_objects'
    stamp: str = "SystemModstamp"  # field for incremental pulls
    optional: bool = False  # orgs without the feature do not have it
    bulk: bool = True  # Bulk API 2.0 supports it


# In landing order: stages and users before the deals that name them.
OBJECTS: tuple[SfObject, ...] = (
    SfObject("User", "users"),
    SfObject("OpportunityStage", "pipeline_stages", bulk=False),
    SfObject("RecordType", "crm_objects", bulk=False),
    SfObject("CurrencyType", "crm_objects", optional=True, bulk=False),
    SfObject("DatedConversionRate", "crm_objects", optional=True, bulk=False),
    SfObject("Account", "accounts"),
    SfObject("Contact", "contacts"),
    SfObject("Opportunity", "opportunities"),
    SfObject("OpportunityContactRole", "opportunity_contact_roles"),
    SfObject("OpportunityHistory", "opportunity_history"),
    SfObject("OpportunityFieldHistory", "field_history", stamp="CreatedDate"),
    SfObject("Task", "activities"),
    SfObject("Event", "activities"),
    SfObject("ForecastingItem", "forecast_submissions", optional=True, bulk=False),
    SfObject("ForecastingQuota", "crm_objects", optional=True, bulk=False),
)
OBJECT_NAMES = tuple(o.name for o in OBJECTS)
SKIPPED_TYPES = {"address", "location", "base64", "anyType", "complexvalue"}
ALWAYS = {"Id", "SystemModstamp", "CreatedDate", "LastModifiedDate", "RecordTypeId"}
# Record id, then the layout the field-history landing reads (operations), then the type.
FIELD_HISTORY_FIELDS = (
    "Id",
    "OpportunityId",
    "Field",
    "OldValue",
    "NewValue",
    "CreatedDate",
    "CreatedById",
    "DataType",
)


@dataclass
class SalesforceLogin:
    """How to sign in (secrets are passed in, never stored here beyond the pull)."""

    auth: str  # password | jwt | session
    username: str | None = None
    password: str | None = None
    security_token: str | None = None
    domain: str = "login"
    consumer_key: str | None = None
    key_file: str | None = None
    session_id: str | None = None
    instance_url: str | None = None

    @property
    def secrets(self) -> list[str]:
        return [s for s in (self.password, self.security_token, self.session_id) if s]

    @property
    def host(self) -> str:
        if self.auth == "session" and self.instance_url:
            return urlparse(self.instance_url).netloc or self.instance_url
        return f"{self.domain}.salesforce.com"


@dataclass
class SalesforcePlan:
    """What to pull and how."""

    objects: tuple[str, ...] = OBJECT_NAMES
    since: dict[str, str] = field(default_factory=dict)  # object -> watermark (incremental)
    bulk_threshold: int = 50_000
    max_api_share: float = 0.5
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)  # object -> overrides


@dataclass
class ApiUsage:
    used: int
    allowance: int


def sign_in(login: SalesforceLogin, session, *, version: str = API_VERSION):
    """A signed-in ``simple_salesforce.Salesforce`` that signs in again at most once."""
    from simple_salesforce import Salesforce

    kwargs: dict = {"session": session, "version": version}
    with _translated(login):
        if login.auth == "password":
            sf = Salesforce(
                username=login.username,
                password=login.password,
                security_token=login.security_token or "",
                domain=login.domain,
                **kwargs,
            )
        elif login.auth == "jwt":
            if not login.key_file or not Path(login.key_file).is_file():
                raise PullError(
                    f"The private key file {login.key_file or '(none)'} does not exist; pass "
                    "the key of the connected app with --jwt-key."
                )
            sf = Salesforce(
                username=login.username,
                consumer_key=login.consumer_key,
                privatekey_file=login.key_file,
                domain=login.domain,
                **kwargs,
            )
        elif login.auth == "session":
            sf = Salesforce(session_id=login.session_id, instance_url=login.instance_url, **kwargs)
        else:
            raise PullError(f"Unknown Salesforce sign-in {login.auth!r}.")
    partial = sf._salesforce_login_partial
    if partial is not None:
        renewed = [0]

        def sign_in_again():
            renewed[0] += 1
            if renewed[0] > 1:
                raise PullError(
                    "The Salesforce session expired again right after signing in anew; the "
                    "org may end sessions at once (session policy) or the user may have been "
                    "frozen. Nothing was changed."
                )
            return partial()

        sf._salesforce_login_partial = sign_in_again
    return sf


class _translated:
    """Turns the client's and the network's exceptions into one plain ``PullError``."""

    def __init__(self, login: SalesforceLogin, doing: str = "") -> None:
        self.login = login
        self.doing = doing

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None or isinstance(exc, (WorkbenchError, Cancelled)):
            return False
        if not isinstance(exc, Exception):
            return False
        message = scrub(_message(self.login, exc, self.doing), self.login.secrets)
        raise PullError(message) from None


def _message(login: SalesforceLogin, exc: Exception, doing: str) -> str:
    import requests
    from simple_salesforce import exceptions as E

    where = f" while {doing}" if doing else ""
    if isinstance(exc, ValueError):  # JSONDecodeError (also a RequestException) and CSV
        return (
            f"Salesforce sent a reply Workbench could not read (not valid JSON){where}. Try "
            "again; nothing was changed."
        )
    if isinstance(exc, requests.RequestException):
        return network_message("Salesforce", login.host, exc)
    if isinstance(exc, E.SalesforceAuthenticationFailed):
        code = str(getattr(exc, "code", "") or "")
        if login.auth == "jwt":
            return (
                f"Salesforce refused the JWT sign-in for {login.username} ({code}): check the "
                "consumer key, that the certificate of the key file is uploaded to the "
                "connected app and that the user is pre-authorised. Nothing was changed."
            )
        return (
            f"Salesforce refused the sign-in for {login.username} at {login.host} ({code}): "
            "check the password and the security token (it changes when the password is "
            "reset), and whether this is a sandbox (--domain test). Nothing was changed."
        )
    if isinstance(exc, E.SalesforceExpiredSession):
        if login.auth == "session":
            return (
                "The Salesforce session has expired or was revoked. Get a fresh session id "
                "(for example with 'sf org display') and store it with 'workbench "
                "credentials set'. Nothing was changed."
            )
        return f"Salesforce ended the session{where}. Nothing was changed."
    if isinstance(exc, E.SalesforceRefusedRequest):
        text = str(exc)
        if "REQUEST_LIMIT_EXCEEDED" in text:
            return (
                "Salesforce refused the request: the org has used its API allowance (or has "
                f"too many requests running){where}. Try again later; nothing was changed."
            )
        return f"Salesforce refused the request{where} (insufficient access). Nothing was changed."
    if isinstance(exc, E.SalesforceError):
        status = getattr(exc, "status", "")
        content = getattr(exc, "content", None)
        detail = ""
        if isinstance(content, list) and content and isinstance(content[0], dict):
            detail = f": {content[0].get('errorCode', '')} {content[0].get('message', '')}"
        return f"Salesforce answered with an error (HTTP {status}){where}{detail}. Nothing was changed."
    if isinstance(exc, KeyError):
        return (
            f"Salesforce sent a reply without the expected {exc} field{where}. Nothing was changed."
        )
    return f"The pull from Salesforce failed{where} ({type(exc).__name__}). Nothing was changed."


def soql_moment(value: str) -> str:
    """A Salesforce date-time (``2024-01-15T10:00:00.000+0000``) as a SOQL literal in UTC."""
    text = value.strip().replace("Z", "+00:00")
    if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class SalesforcePuller:
    """Downloads the planned objects of one org into a folder of CSV files."""

    def __init__(
        self,
        sf,
        login: SalesforceLogin,
        plan: SalesforcePlan,
        folder: Path,
        progress: Progress,
        *,
        wait: Callable[[float], None] = time.sleep,
    ) -> None:
        self.sf = sf
        self.login = login
        self.plan = plan
        self.folder = folder
        self.progress = progress
        self.wait = wait
        self.usage: ApiUsage | None = None

    # ------------------------------------------------------------- API allowance
    def check_limits(self, planned_calls: int = 0) -> ApiUsage:
        with _translated(self.login, "reading the org's API limits"):
            limits = self.sf.limits()
            daily = limits["DailyApiRequests"]
            allowance, remaining = int(daily["Max"]), int(daily["Remaining"])
        used = allowance - remaining
        self.usage = ApiUsage(used, allowance)
        self._stop_if_over(used + planned_calls, allowance, planned_calls)
        return self.usage

    def _stop_if_over(self, projected: int, allowance: int, planned: int = 0) -> None:
        cap = int(allowance * self.plan.max_api_share)
        if allowance and projected > cap:
            used = projected - planned
            raise PullError(
                f"The org has used {used:,} of its {allowance:,} daily API requests; this "
                f"pull would go past the {self.plan.max_api_share:.0%} Workbench may use "
                f"({cap:,}). Try after the allowance resets (24-hour rolling window) or "
                "allow a larger share with --max-api-share. Nothing was changed."
            )

    def _watch_usage(self) -> None:
        usage = self.sf.api_usage.get("api-usage")
        if usage is not None:
            self.usage = ApiUsage(usage.used, usage.total)
            self._stop_if_over(usage.used, usage.total)

    # --------------------------------------------------------------- the objects
    def available(self) -> set[str]:
        with _translated(self.login, "listing the org's objects"):
            listing = self.sf.describe()
            return {o["name"] for o in listing["sobjects"] if o.get("queryable", True)}

    def pull(self) -> list[FetchedObject]:
        wanted = [o for o in OBJECTS if o.name in self.plan.objects]
        unknown = set(self.plan.objects) - set(OBJECT_NAMES)
        if unknown:
            raise PullError(
                f"Unknown Salesforce {plural('object', len(unknown))} {', '.join(sorted(unknown))}; Workbench pulls "
                f"{', '.join(OBJECT_NAMES)}."
            )
        self.progress.update(0.0, "Checking the org's API allowance")
        self.check_limits(planned_calls=2 + 3 * len(wanted))
        present = self.available()
        out: list[FetchedObject] = []
        for i, obj in enumerate(wanted):
            part = self.progress.span(i / len(wanted), (i + 1) / len(wanted))
            if obj.name not in present:
                if obj.optional:
                    continue
                raise PullError(
                    f"The Salesforce user cannot read {obj.name} (it is not among the objects "
                    "the org shows this user). Ask the admin for read access, or leave it out "
                    "with --objects. Nothing was changed."
                )
            out.append(self.pull_object(obj, part))
        return out

    def describe(self, obj: SfObject) -> tuple[list[str], list[dict]]:
        """The fields to select, and the custom fields offered for mapping."""
        with _translated(self.login, f"describing {obj.name}"):
            described = getattr(self.sf, obj.name).describe()
        fields = [f for f in described["fields"] if f.get("type") not in SKIPPED_TYPES]
        names = {f["name"] for f in fields}
        custom = [
            {"name": f["name"], "label": f.get("label", f["name"]), "type": f.get("type", "")}
            for f in fields
            if f.get("custom")
        ]
        if obj.entity == "field_history":
            return [n for n in FIELD_HISTORY_FIELDS if n in names], custom
        if obj.entity in ENTITIES:
            spec = ENTITIES[obj.entity]
            known = {a for f in spec.fields for a in f.api}
            chosen = [
                f["name"]
                for f in fields
                if f["name"] in known or f["name"] in ALWAYS or f.get("custom")
            ]
        else:
            chosen = [f["name"] for f in fields]
        return chosen, custom

    def pull_object(self, obj: SfObject, progress: Progress) -> FetchedObject:
        progress.update(0.0, f"Reading {obj.name} from Salesforce")
        columns, custom = self.describe(obj)
        since = self.plan.since.get(obj.name)
        where = ""
        if since and obj.stamp in columns:
            where = f" WHERE {obj.stamp} >= {soql_moment(since)}"
        with _translated(self.login, f"counting {obj.name}"):
            reported = int(self.sf.query(f"SELECT COUNT() FROM {obj.name}{where}")["totalSize"])
        self._watch_usage()
        use_bulk = obj.bulk and reported > self.plan.bulk_threshold
        notes: list[str] = []
        if not use_bulk:  # a REST query travels in the URL, which Salesforce caps
            columns, left_out = self._fit_url(obj, columns, where)
            if left_out:
                notes.append(
                    f"{count(len(left_out), 'custom field')} of {obj.name} "
                    f"{'was' if len(left_out) == 1 else 'were'} left out because the "
                    f"query would not fit in a URL: {', '.join(left_out)}. Map the ones you "
                    "need with --map, or lower --bulk-threshold (Bulk API queries have no "
                    "such limit)."
                )
        soql = f"SELECT {', '.join(columns)} FROM {obj.name}{where}"
        path = self.folder / f"{obj.name}.csv"
        if self.usage is not None:  # the calls this object will take, before taking them
            calls = 3 + -(-reported // BULK_PAGE) if use_bulk else -(-reported // REST_PAGE)
            self._stop_if_over(self.usage.used + calls, self.usage.allowance, calls)
        sink = CsvSink(path, columns)
        try:
            if use_bulk:
                self._bulk(obj, soql, sink, reported, progress)
            else:
                self._rest(obj, soql, sink, reported, progress)
        finally:
            sink.close()
        if sink.rows != reported:
            raise PullError(
                f"Salesforce reported {count(reported, obj.name + ' record')} but sent {sink.rows:,}"
                f"{' through the Bulk API' if use_bulk else ''}; the pull was stopped so that "
                "no incomplete data is stored. Try again (records changed during the pull can "
                "cause this). Nothing was changed."
            )
        watermark = _max_column(path, obj.stamp) if obj.stamp in columns else None
        fetched = FetchedObject(
            obj.name,
            obj.entity,
            path,
            columns,
            rows=sink.rows,
            reported=reported,
            method="bulk" if use_bulk else "rest",
            since=since,
            watermark=watermark or since,
            custom_fields=custom,
            mapping=dict(self.plan.mapping.get(obj.name, {})),
            notes=notes,
        )
        progress.update(1.0, f"Read {count(sink.rows, obj.name + ' record')}")
        return fetched

    def _fit_url(self, obj: SfObject, columns: list[str], where: str):
        """The columns whose REST query fits ``MAX_SOQL`` characters (custom fields not
        mapped by the user are left out last to first), and those left out."""
        keep = set(self.plan.mapping.get(obj.name, {}).values())
        columns = list(columns)
        left_out: list[str] = []
        while len(f"SELECT {', '.join(columns)} FROM {obj.name}{where}") > MAX_SOQL:
            victim = next(
                (c for c in reversed(columns) if c.endswith("__c") and c not in keep), None
            )
            if victim is None:
                break
            columns.remove(victim)
            left_out.append(victim)
        return columns, sorted(left_out)

    def _rest(self, obj, soql, sink: CsvSink, reported: int, progress: Progress) -> None:
        with _translated(self.login, f"reading {obj.name}"):
            page = self.sf.query(soql)
            while True:
                for record in page["records"]:
                    sink.write(record)
                self._watch_usage()
                progress.update(sink.rows / max(reported, 1))
                if page.get("done", True) or not page.get("nextRecordsUrl"):
                    break
                page = self.sf.query_more(page["nextRecordsUrl"], identifier_is_url=True)

    def _bulk(self, obj, soql, sink: CsvSink, reported: int, progress: Progress) -> None:
        from simple_salesforce.bulk2 import Operation

        client = getattr(self.sf.bulk2, obj.name)._client
        with _translated(self.login, f"reading {obj.name} through the Bulk API"):
            job = client.create_job(Operation.query, soql)
            job_id = job["id"]
            delay = 0.5
            while True:
                info = client.get_job(job_id, True)
                state = info["state"]
                if state == "JobComplete":
                    break
                if state in ("Failed", "Aborted"):
                    raise PullError(
                        f"Salesforce's Bulk API job for {obj.name} ended as {state.lower()}"
                        f" ({info.get('errorMessage') or 'no reason given'}). Nothing was changed."
                    )
                progress.update(0.0, f"Salesforce is preparing {obj.name} ({state})")
                self.wait(delay)
                delay = min(delay * 2, 10.0)
            locator = ""
            with tempfile.TemporaryDirectory(dir=self.folder) as pages:
                while True:
                    page = client.download_job_data(pages, job_id, locator, BULK_PAGE)
                    got = sink.write_csv_page(Path(page["file"]))
                    Path(page["file"]).unlink()
                    if got != int(page["number_of_records"]):
                        raise PullError(
                            f"A Bulk API page of {obj.name} announced "
                            f"{count(int(page['number_of_records']), 'record')} but held {got:,}. "
                            "Nothing was changed."
                        )
                    progress.update(sink.rows / max(reported, 1))
                    locator = page["locator"]
                    if not locator:
                        break


def _max_column(path: Path, column: str) -> str | None:
    """The greatest value of a date-time column (as given) in a fetched CSV."""
    import csv

    best: tuple[str, str] | None = None
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        for row in reader:
            value = row.get(column) or ""
            if not value:
                continue
            key = soql_moment(value)
            if best is None or key > best[0]:
                best = (key, value)
    return best[1] if best else None


def describe_custom_fields(sf, login: SalesforceLogin, objects: tuple[str, ...]) -> dict:
    """Custom fields of each object (for the mapping dialog and ``--list-fields``)."""
    puller = SalesforcePuller(
        sf, login, SalesforcePlan(objects=objects), Path("."), Progress.none()
    )
    return {o.name: puller.describe(o)[1] for o in OBJECTS if o.name in objects}
