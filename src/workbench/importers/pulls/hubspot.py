"""Pulling a HubSpot portal over its CRM v3 REST API, into temporary CSV files.

Why ``requests`` and not ``hubspot-api-client``: the generated client sends through
its own urllib3 pool, so it ignores ``REQUESTS_CA_BUNDLE`` and the proxy settings of a
``requests.Session`` (a corporate proxy with its own certificate authority needs both),
and its retry (urllib3 ``Retry``) sleeps inside the library, where a user's Cancel cannot
reach it. With one ``requests.Session`` for both CRMs, the same TLS trust, proxy and
cancellable back-off apply to every call, and tests can check the waits Retry-After
asked for without sleeping.

Records come from the list endpoints (``/crm/v3/objects/{type}``, ``after`` cursor
paging), which have no result cap: the 10,000-result cap of the search endpoints
cannot truncate a pull. Search is used for one thing only, the total the portal
reports (``limit=1``), which the rows received must match. 429 and 5xx replies are
retried with exponential back-off, honouring Retry-After.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from workbench.errors import Cancelled, WorkbenchError
from workbench.importers.pulls.fetched import (
    CsvSink,
    FetchedObject,
    PullError,
    network_message,
    scrub,
)
from workbench.models.vocabulary import plural
from workbench.progress import Progress

DEFAULT_BASE_URL = "https://api.hubapi.com"
PAGE = 100
RETRIES = 5
MAX_WAIT = 60.0

DEAL_PROPERTIES = (
    "dealname",
    "amount",
    "deal_currency_code",
    "dealstage",
    "pipeline",
    "closedate",
    "createdate",
    "hubspot_owner_id",
    "hs_is_closed",
    "hs_is_closed_won",
    "hs_deal_stage_probability",
    "hs_forecast_category",
    "hs_manual_forecast_category",
    "hs_next_step",
    "notes_last_updated",
    "dealtype",
    "hs_analytics_source",
    "hs_lastmodifieddate",
)
COMPANY_PROPERTIES = (
    "name",
    "domain",
    "website",
    "industry",
    "country",
    "hubspot_owner_id",
    "numberofemployees",
    "annualrevenue",
    "createdate",
    "hs_lastmodifieddate",
)
CONTACT_PROPERTIES = (
    "firstname",
    "lastname",
    "email",
    "jobtitle",
    "phone",
    "hubspot_owner_id",
    "createdate",
    "lastmodifieddate",
)
OBJECTS = ("owners", "pipelines", "companies", "contacts", "deals", "associations")
HISTORY_PAGE = 50  # HubSpot's page limit when property history is requested
# Deal properties whose history is read (with every custom property): stage, amount and
# close date feed the opportunity history; all of them the dated field history.
HISTORY_PROPERTIES = (
    "dealstage",
    "amount",
    "closedate",
    "hs_deal_stage_probability",
    "hs_forecast_category",
    "hs_manual_forecast_category",
    "hs_next_step",
)
# The property that says when a record last changed (incremental pulls start there).
STAMPS = {
    "deals": "hs_lastmodifieddate",
    "companies": "hs_lastmodifieddate",
    "contacts": "lastmodifieddate",
}
SEARCH_CAP = 10_000  # HubSpot's search endpoints return at most this many results
SEARCH_PAGE = 200
BATCH = 50  # ids per batch read (the limit when property history is asked for)
HISTORY_COLUMNS = ["deal_id", "name", "value", "old_value", "timestamp", "source_id"]


@dataclass
class HubSpotPlan:
    objects: tuple[str, ...] = OBJECTS
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)
    since: dict[str, str] = field(default_factory=dict)  # object -> last modification seen


class HubSpotClient:
    """Authenticated GETs and POSTs with retry, back-off and plain errors."""

    def __init__(
        self,
        session,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        progress: Progress | None = None,
        *,
        wait: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = session
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.host = urlparse(self.base_url).netloc or self.base_url
        self.progress = progress or Progress.none()
        self.wait = wait

    def request(self, method: str, path: str, doing: str, **kwargs) -> dict:
        import requests

        url = path if path.startswith("http") else f"{self.base_url}{path}"
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        for attempt in range(RETRIES + 1):
            self.progress.check()
            try:
                reply = self.session.request(method, url, headers=headers, timeout=60, **kwargs)
                if reply.status_code == 429 or reply.status_code >= 500:
                    if attempt == RETRIES:
                        raise PullError(self._status_message(reply, doing))
                    self._back_off(reply, attempt, doing)
                    continue
                if reply.status_code >= 400:
                    raise PullError(self._status_message(reply, doing))
                return reply.json()
            except (WorkbenchError, Cancelled):
                raise
            except ValueError:  # requests' JSONDecodeError is a RequestException too
                raise PullError(
                    f"HubSpot sent a reply Workbench could not read (not valid JSON) while "
                    f"{doing}. Try again; nothing was changed."
                ) from None
            except requests.RequestException as exc:
                raise PullError(
                    scrub(network_message("HubSpot", self.host, exc), [self.token])
                ) from None
        raise AssertionError("unreachable")

    def _back_off(self, reply, attempt: int, doing: str) -> None:
        delay = min(MAX_WAIT, 2.0**attempt)
        after = reply.headers.get("Retry-After")
        if after:
            try:
                delay = min(MAX_WAIT, max(0.0, float(after)))
            except ValueError:
                pass
        why = "rate limit" if reply.status_code == 429 else f"HTTP {reply.status_code}"
        self.progress.update(0.0, f"HubSpot asked to wait ({why}) while {doing}; retrying")
        self.wait(delay)

    def _status_message(self, reply, doing: str) -> str:
        status = reply.status_code
        if status == 401:
            return (
                "HubSpot refused the private app token (it was revoked, rotated or mistyped). "
                "Create or copy the app's current token and store it with 'workbench "
                "credentials set'. Nothing was changed."
            )
        if status == 403:
            return (
                f"HubSpot refused access while {doing}: the private app lacks a scope (it "
                "needs crm.objects.deals/companies/contacts.read, crm.objects.owners.read and "
                "crm.schemas.deals.read). Nothing was changed."
            )
        if status == 429:
            return (
                f"HubSpot kept refusing requests for exceeding its rate limit while {doing}, "
                f"after {RETRIES} retries. Try again later; nothing was changed."
            )
        if status >= 500:
            return (
                f"HubSpot had a server error (HTTP {status}) while {doing}, after {RETRIES} "
                "retries. Try again later; nothing was changed."
            )
        return f"HubSpot answered HTTP {status} while {doing}. Nothing was changed."

    def pages(self, path: str, params: dict, doing: str) -> Iterator[dict]:
        """Every result of a list endpoint, following ``paging.next.after``."""
        after = None
        while True:
            query = dict(params)
            if after:
                query["after"] = after
            body = self.request("GET", path, doing, params=query)
            yield from body.get("results", [])
            after = ((body.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return

    def total(self, object_type: str) -> int:
        """The number of records the portal reports (search with limit 1; not capped)."""
        body = self.request(
            "POST",
            f"/crm/v3/objects/{object_type}/search",
            f"counting {object_type}",
            json={"limit": 1, "properties": ["hs_object_id"]},
        )
        return int(body["total"])


class HubSpotPuller:
    """Downloads owners, pipelines, companies, contacts, deals and associations."""

    def __init__(self, client: HubSpotClient, plan: HubSpotPlan, folder: Path) -> None:
        self.client = client
        self.plan = plan
        self.folder = folder
        self.deal_contacts: list[tuple[str, str]] = []
        self.history: FetchedObject | None = None

    def pull(self, progress: Progress) -> list[FetchedObject]:
        unknown = set(self.plan.objects) - set(OBJECTS)
        if unknown:
            raise PullError(
                f"Unknown HubSpot {plural('object', len(unknown))} {', '.join(sorted(unknown))}; Workbench pulls "
                f"{', '.join(OBJECTS)}."
            )
        steps = [o for o in OBJECTS if o in self.plan.objects]
        if "associations" in steps and "deals" not in steps:
            steps.insert(steps.index("associations"), "deals")
        out: list[FetchedObject] = []
        for i, name in enumerate(steps):
            part = progress.span(i / len(steps), (i + 1) / len(steps))
            self.client.progress = part
            part.update(0.0, f"Reading {name} from HubSpot")
            fetched = getattr(self, f"_{name}")(part)
            if name == "deals" and "deals" not in self.plan.objects:
                continue
            out.append(fetched)
            if name == "deals" and self.history is not None:
                # stage, amount and close date through the importer into the opportunity
                # history; every property (MEDDIC ones too) into the dated field history
                self.history.also_field_history = True
                out.append(self.history)
        return out

    def _sink(self, name: str, columns: list[str]) -> CsvSink:
        return CsvSink(self.folder / f"{name}.csv", columns)

    def _done(self, name, entity, sink: CsvSink, reported, custom=None) -> FetchedObject:
        sink.close()
        if reported is not None and sink.rows != reported:
            raise PullError(
                f"HubSpot reported {reported:,} {name} but sent {sink.rows:,}; the pull was "
                "stopped so that no incomplete data is stored. Try again (records changed "
                "during the pull can cause this). Nothing was changed."
            )
        return FetchedObject(
            name,
            entity,
            sink.path,
            sink.columns,
            rows=sink.rows,
            reported=reported,
            custom_fields=custom or [],
            mapping=dict(self.plan.mapping.get(name, {})),
        )

    def _owners(self, progress: Progress) -> FetchedObject:
        sink = self._sink("owners", ["owner_id", "email", "first_name", "last_name", "active"])
        for archived in ("false", "true"):
            for o in self.client.pages(
                "/crm/v3/owners", {"limit": PAGE, "archived": archived}, "reading owners"
            ):
                sink.write(
                    {
                        "owner_id": o.get("id"),
                        "email": o.get("email"),
                        "first_name": o.get("firstName"),
                        "last_name": o.get("lastName"),
                        "active": not o.get("archived", archived == "true"),
                    }
                )
        return self._done("owners", "users", sink, None)

    def _pipelines(self, progress: Progress) -> FetchedObject:
        cols = [
            "stage_id",
            "label",
            "pipeline_id",
            "probability",
            "is_closed",
            "closed_won",
            "display_order",
        ]
        sink = self._sink("pipelines", cols)
        body = self.client.request("GET", "/crm/v3/pipelines/deals", "reading deal pipelines")
        for pipeline in body.get("results", []):
            for stage in pipeline.get("stages", []):
                meta = stage.get("metadata") or {}
                closed = str(meta.get("isClosed", "false")).lower() == "true"
                probability = meta.get("probability")
                won = closed and probability not in (None, "") and float(probability) >= 1.0
                sink.write(
                    {
                        "stage_id": stage.get("id"),
                        "label": stage.get("label"),
                        "pipeline_id": pipeline.get("id"),
                        "probability": probability,
                        "is_closed": closed,
                        "closed_won": won,
                        "display_order": stage.get("displayOrder"),
                    }
                )
        return self._done("pipelines", "pipeline_stages", sink, None)

    def _custom_properties(self, object_type: str) -> list[dict]:
        body = self.client.request(
            "GET", f"/crm/v3/properties/{object_type}", f"describing {object_type}"
        )
        return [
            {"name": p["name"], "label": p.get("label", p["name"]), "type": p.get("type", "")}
            for p in body.get("results", [])
            if not p.get("hubspotDefined", True) and not p.get("calculated", False)
        ]

    def _objects(
        self,
        object_type: str,
        entity: str,
        standard: tuple[str, ...],
        associations: tuple[str, ...],
        progress: Progress,
    ) -> FetchedObject:
        custom = self._custom_properties(object_type)
        properties = list(standard) + [p["name"] for p in custom if p["name"] not in standard]
        cols = ["hs_object_id", *properties]
        if "companies" in associations:
            cols.append("associatedcompanyid")
        sink = self._sink(object_type, cols)
        tracked: list[str] = []
        history = None
        if object_type == "deals":
            tracked = list(HISTORY_PROPERTIES) + [p["name"] for p in custom]
            history = self._sink("deal_history", HISTORY_COLUMNS)
        since = self.plan.since.get(object_type)
        if since:
            reported, records = self._changed(object_type, since, properties, tracked, associations)
        else:
            reported = self.client.total(object_type)
            params = {"limit": PAGE, "properties": ",".join(properties), "archived": "false"}
            if associations:
                params["associations"] = ",".join(associations)
            if tracked:
                params.update(limit=HISTORY_PAGE, propertiesWithHistory=",".join(tracked))
            records = self.client.pages(
                f"/crm/v3/objects/{object_type}", params, f"reading {object_type}"
            )
        stamp = STAMPS[object_type]
        latest: tuple[int, str] | None = None
        for record in records:
            row = dict(record.get("properties") or {})
            row["hs_object_id"] = record["id"]
            links = record.get("associations") or {}
            companies = _linked(self.client, object_type, record["id"], links, "companies")
            if companies:
                row["associatedcompanyid"] = companies[0]
            if object_type == "deals" and "contacts" in associations:
                for contact in _linked(self.client, object_type, record["id"], links, "contacts"):
                    self.deal_contacts.append((record["id"], contact))
            sink.write(row)
            if row.get(stamp):
                key = _ms(row[stamp])
                if latest is None or key > latest[0]:
                    latest = (key, row[stamp])
            if history is not None:
                _write_history(history, record)
            if sink.rows % PAGE == 0:
                progress.update(sink.rows / max(reported, 1))
        if history is not None:
            self.history = self._done("deal_history", "opportunity_history", history, None)
        fetched = self._done(object_type, entity, sink, reported, custom)
        fetched.since = since
        fetched.watermark = latest[1] if latest else since
        fetched.method = "search" if since else "list"
        return fetched

    # ------------------------------------------------------------ incremental
    def _changed(self, object_type, since, properties, tracked, associations):
        """The records changed since ``since``: their ids from the search endpoint, split
        into time windows of at most ``SEARCH_CAP`` results each (so HubSpot's 10,000-result
        cap cannot cut the list short), then read in batches with their associations."""
        stamp = STAMPS[object_type]
        until = int(time.time() * 1000) + 1
        windows = list(self._windows(object_type, stamp, _ms(since), until))
        reported = sum(total for _, _, total in windows)
        ids: dict[str, None] = {}
        for lo, hi, total in windows:
            if total:
                for found in self._search_ids(object_type, stamp, lo, hi):
                    ids.setdefault(found, None)

        def records():
            order = list(ids)
            for start in range(0, len(order), BATCH):
                chunk = order[start : start + BATCH]
                body = {"inputs": [{"id": i} for i in chunk], "properties": properties}
                if tracked:
                    body["propertiesWithHistory"] = tracked
                read = self.client.request(
                    "POST",
                    f"/crm/v3/objects/{object_type}/batch/read",
                    f"reading changed {object_type}",
                    json=body,
                )
                links = {to: self._batch_links(object_type, to, chunk) for to in associations}
                for record in read.get("results", []):
                    record["associations"] = {
                        to: {"results": [{"id": i} for i in found.get(record["id"], [])]}
                        for to, found in links.items()
                    }
                    yield record

        return reported, records()

    def _windows(self, object_type: str, stamp: str, lo: int, hi: int):
        """(from, to, total) windows of last-modified time, each within the search cap."""
        total = self._search(object_type, stamp, lo, hi, limit=1)["total"]
        if total <= SEARCH_CAP:
            yield lo, hi, int(total)
            return
        if hi - lo <= 1:
            raise PullError(
                f"More than {SEARCH_CAP:,} HubSpot {object_type} changed in the same "
                "millisecond, which the search endpoint cannot list completely; pull with "
                "--full instead. Nothing was changed."
            )
        mid = (lo + hi) // 2
        yield from self._windows(object_type, stamp, lo, mid)
        yield from self._windows(object_type, stamp, mid, hi)

    def _search(self, object_type, stamp, lo, hi, *, limit, after=None) -> dict:
        body = {
            "filterGroups": [
                {
                    "filters": [
                        {"propertyName": stamp, "operator": "GTE", "value": str(lo)},
                        {"propertyName": stamp, "operator": "LT", "value": str(hi)},
                    ]
                }
            ],
            "sorts": [{"propertyName": stamp, "direction": "ASCENDING"}],
            "properties": ["hs_object_id"],
            "limit": limit,
        }
        if after:
            body["after"] = after
        return self.client.request(
            "POST",
            f"/crm/v3/objects/{object_type}/search",
            f"finding changed {object_type}",
            json=body,
        )

    def _search_ids(self, object_type, stamp, lo, hi):
        after = None
        while True:
            body = self._search(object_type, stamp, lo, hi, limit=SEARCH_PAGE, after=after)
            for r in body.get("results", []):
                yield str(r["id"])
            after = ((body.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return

    def _batch_links(self, object_type: str, to: str, ids: list[str]) -> dict[str, list[str]]:
        body = self.client.request(
            "POST",
            f"/crm/v4/associations/{object_type}/{to}/batch/read",
            f"reading the {to} of changed {object_type}",
            json={"inputs": [{"id": i} for i in ids]},
        )
        out: dict[str, list[str]] = {}
        for r in body.get("results", []):
            out[str(r["from"]["id"])] = [str(t["toObjectId"]) for t in r.get("to", [])]
        return out

    def _companies(self, progress):
        return self._objects("companies", "accounts", COMPANY_PROPERTIES, (), progress)

    def _contacts(self, progress):
        return self._objects("contacts", "contacts", CONTACT_PROPERTIES, ("companies",), progress)

    def _deals(self, progress):
        return self._objects(
            "deals", "opportunities", DEAL_PROPERTIES, ("companies", "contacts"), progress
        )

    def _associations(self, progress) -> FetchedObject:
        sink = self._sink("associations", ["deal_id", "contact_id"])
        for deal, contact in self.deal_contacts:
            sink.write({"deal_id": deal, "contact_id": contact})
        return self._done("associations", "opportunity_contact_roles", sink, None)


def _linked(client: HubSpotClient, object_type: str, record_id: str, links: dict, to: str):
    """Ids of the records of type ``to`` associated with one record (all pages)."""
    block = links.get(to) or {}
    ids = [str(r["id"]) for r in block.get("results", [])]
    after = ((block.get("paging") or {}).get("next") or {}).get("after")
    if after:  # more associations than fit inline: read the rest from the v4 endpoint
        for r in client.pages(
            f"/crm/v4/objects/{object_type}/{record_id}/associations/{to}",
            {"limit": 500, "after": after},
            f"reading the {to} of {object_type} {record_id}",
        ):
            ids.append(str(r["toObjectId"]))
    seen: dict[str, None] = {}
    for i in ids:
        seen.setdefault(i, None)
    return list(seen)


def _write_history(sink: CsvSink, record: dict) -> None:
    """One row per change of each property of a deal, oldest first, with the old value."""
    for name, changes in (record.get("propertiesWithHistory") or {}).items():
        previous = None
        for change in sorted(changes, key=lambda c: c.get("timestamp") or ""):
            sink.write(
                {
                    "deal_id": record["id"],
                    "name": name,
                    "value": change.get("value"),
                    "old_value": previous,
                    "timestamp": change.get("timestamp"),
                    "source_id": change.get("updatedByUserId") or change.get("sourceId"),
                }
            )
            previous = change.get("value")


def _ms(value: str) -> int:
    """HubSpot's date-time text (or epoch milliseconds) as epoch milliseconds."""
    from datetime import UTC, datetime

    text = str(value).strip()
    if text.isdigit():
        return int(text)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)
