"""A fake HubSpot portal answering the CRM v3/v4 REST paths with their real shapes.

/crm/v3/owners, /crm/v3/pipelines/deals, /crm/v3/properties/{type},
/crm/v3/objects/{type} (``after`` cursor paging, ``associations=`` inline),
/crm/v3/objects/{type}/search (the ``total``), /crm/v4/objects/deals/{id}/associations/
contacts. Shapes follow HubSpot's API reference; property names follow the real
export of tests/data (hubspot-fivetran-seeds). Failures are switched on by the tests.
"""

from __future__ import annotations

import json
import re
import threading

from tests.pulls.tls import Reply

TOKEN = "pat-na1-11111111-2222-3333-4444-never-print"


def _deal(i: int) -> dict:
    return {
        "id": str(9000 + i),
        "properties": {
            "hs_object_id": str(9000 + i),
            "dealname": f"HS Deal {i}",
            "amount": str(500 * i),
            "dealstage": "closedwon" if i % 3 == 0 else "appointmentscheduled",
            "pipeline": "default",
            "closedate": f"2024-04-{i:02d}T00:00:00Z",
            "createdate": "2024-01-02T09:30:00.000Z",
            "hubspot_owner_id": "77",
            "hs_deal_stage_probability": "1" if i % 3 == 0 else "0.2",
            "hs_lastmodifieddate": f"2024-02-{i:02d}T00:00:00.000Z",
            "hs_is_closed": "true" if i % 3 == 0 else "false",
            "hs_is_closed_won": "true" if i % 3 == 0 else "false",
            "meddic_champion": f"Chris {i}",
        },
        "createdAt": "2024-01-02T09:30:00.000Z",
        "updatedAt": "2024-02-01T00:00:00.000Z",
        "archived": False,
    }


class FakeHubSpot:
    def __init__(self, deals: int = 7):
        self.lock = threading.Lock()
        self.deals = [_deal(i) for i in range(1, deals + 1)]
        self.companies = [
            {
                "id": str(500 + i),
                "properties": {
                    "hs_object_id": str(500 + i),
                    "name": f"Company {i}",
                    "domain": f"c{i}.example",
                    "industry": "SOFTWARE",
                    "createdate": "2023-12-01T00:00:00Z",
                },
                "archived": False,
            }
            for i in range(1, 4)
        ]
        self.contacts = [
            {
                "id": str(300 + i),
                "properties": {
                    "hs_object_id": str(300 + i),
                    "firstname": f"Sam{i}",
                    "lastname": "Kim",
                    "email": f"sam{i}@c.example",
                    "createdate": "2023-12-05T00:00:00Z",
                },
                "archived": False,
            }
            for i in range(1, 4)
        ]
        self.page_size = 3
        self.calls: list[str] = []
        self.token = TOKEN
        # failure switches: lists of replies served before the normal answer, per path prefix
        self.queued: dict[str, list[Reply]] = {}
        self.malformed_page: int | None = None
        self.reset_page: int | None = None
        self.search_total_delta = 0
        self.search_cap = 10_000
        self.searches: list[tuple[int, int, int]] = []
        self.on_page = None

    def __call__(self, method, path, query, headers, body):
        with self.lock:
            self.calls.append(f"{method} {path}?{query.get('after', '')}")
            if headers.get("Authorization") != f"Bearer {self.token}":
                return Reply(
                    401,
                    {
                        "status": "error",
                        "message": "Authentication credentials not found.",
                        "category": "INVALID_AUTHENTICATION",
                        "correlationId": "0b1d",
                    },
                )
            for prefix, replies in self.queued.items():
                if path.startswith(prefix) and replies:
                    return replies.pop(0)
            if path == "/crm/v3/owners" or path == "/crm/v3/owners/":
                return self._owners(query)
            if path == "/crm/v3/pipelines/deals":
                return Reply(
                    200,
                    {
                        "results": [
                            {
                                "id": "default",
                                "label": "Sales Pipeline",
                                "displayOrder": 0,
                                "archived": False,
                                "stages": [
                                    {
                                        "id": "appointmentscheduled",
                                        "label": "Appointment Scheduled",
                                        "displayOrder": 0,
                                        "archived": False,
                                        "metadata": {"isClosed": "false", "probability": "0.2"},
                                    },
                                    {
                                        "id": "closedwon",
                                        "label": "Closed Won",
                                        "displayOrder": 1,
                                        "archived": False,
                                        "metadata": {"isClosed": "true", "probability": "1.0"},
                                    },
                                    {
                                        "id": "closedlost",
                                        "label": "Closed Lost",
                                        "displayOrder": 2,
                                        "archived": False,
                                        "metadata": {"isClosed": "true", "probability": "0.0"},
                                    },
                                ],
                            }
                        ]
                    },
                )
            m = re.fullmatch(r"/crm/v3/properties/(\w+)", path)
            if m:
                custom = (
                    [
                        {
                            "name": "meddic_champion",
                            "label": "MEDDIC Champion",
                            "type": "string",
                            "hubspotDefined": False,
                        }
                    ]
                    if m.group(1) == "deals"
                    else []
                )
                return Reply(
                    200,
                    {
                        "results": [
                            {
                                "name": "dealname",
                                "label": "Deal Name",
                                "type": "string",
                                "hubspotDefined": True,
                            },
                            *custom,
                        ]
                    },
                )
            m = re.fullmatch(r"/crm/v3/objects/(\w+)/search", path)
            if m and json.loads(body or b"{}").get("filterGroups"):
                return self._filtered_search(m.group(1), json.loads(body))
            m2 = re.fullmatch(r"/crm/v3/objects/(\w+)/batch/read", path)
            if m2:
                spec = json.loads(body)
                by_id = {i["id"]: i for i in getattr(self, m2.group(1))}
                query = {
                    "properties": ",".join(spec.get("properties", [])),
                    "propertiesWithHistory": ",".join(spec.get("propertiesWithHistory", [])),
                }
                found = [
                    self._record(m2.group(1), by_id[x["id"]], query)
                    for x in spec["inputs"]
                    if x["id"] in by_id
                ]
                return Reply(
                    200,
                    {
                        "status": "COMPLETE",
                        "results": found[::-1],
                        "startedAt": "2024-03-01T00:00:00Z",
                        "completedAt": "2024-03-01T00:00:01Z",
                    },
                )
            m3 = re.fullmatch(r"/crm/v4/associations/(\w+)/(\w+)/batch/read", path)
            if m3:
                spec = json.loads(body)
                out = []
                for x in spec["inputs"]:
                    item = next(i for i in getattr(self, m3.group(1)) if i["id"] == x["id"])
                    rec = self._record(m3.group(1), item, {"associations": m3.group(2)})
                    to = rec.get("associations", {}).get(m3.group(2), {}).get("results", [])
                    out.append(
                        {
                            "from": {"id": x["id"]},
                            "to": [
                                {
                                    "toObjectId": int(t["id"]),
                                    "associationTypes": [
                                        {"category": "HUBSPOT_DEFINED", "typeId": 5, "label": None}
                                    ],
                                }
                                for t in to
                            ],
                        }
                    )
                return Reply(200, {"status": "COMPLETE", "results": out})
            if m:
                items = getattr(self, m.group(1))
                return Reply(
                    200,
                    {
                        "total": len(items) + self.search_total_delta,
                        "results": items[:1],
                        "paging": {"next": {"after": "1"}},
                    },
                )
            m = re.fullmatch(r"/crm/v3/objects/(\w+)", path)
            if m:
                return self._list(m.group(1), query)
            m = re.fullmatch(r"/crm/v4/objects/deals/(\d+)/associations/contacts", path)
            if m:
                return Reply(
                    200,
                    {
                        "results": [
                            {
                                "toObjectId": 303,
                                "associationTypes": [
                                    {"category": "HUBSPOT_DEFINED", "typeId": 3, "label": None}
                                ],
                            }
                        ]
                    },
                )
            return Reply(404, {"status": "error", "message": f"no route {path}"})

    def _filtered_search(self, kind: str, spec: dict):
        """Search by last-modified window, sorted, paged; like HubSpot, never past the cap."""
        from workbench.importers.pulls.hubspot import _ms

        filters = spec["filterGroups"][0]["filters"]
        lo = next(int(f["value"]) for f in filters if f["operator"] == "GTE")
        hi = next(int(f["value"]) for f in filters if f["operator"] == "LT")
        prop = filters[0]["propertyName"]
        hits = sorted(
            (i for i in getattr(self, kind) if lo <= _ms(i["properties"][prop]) < hi),
            key=lambda i: _ms(i["properties"][prop]),
        )
        start = int(spec.get("after") or 0)
        limit = int(spec.get("limit", 10))
        if start + limit > self.search_cap and start >= self.search_cap:
            return Reply(
                400,
                {
                    "status": "error",
                    "category": "VALIDATION_ERROR",
                    "message": "Paging beyond 10000 results is not supported.",
                },
            )
        page = hits[start : min(start + limit, self.search_cap)]
        body = {
            "total": len(hits),
            "results": [{"id": i["id"], "properties": {"hs_object_id": i["id"]}} for i in page],
        }
        nxt = start + len(page)
        if nxt < min(len(hits), self.search_cap):
            body["paging"] = {"next": {"after": str(nxt)}}
        self.searches.append((lo, hi, len(hits)))
        return Reply(200, body)

    def _owners(self, query):
        if query.get("archived") == "true":
            people = [
                {
                    "id": "78",
                    "email": "gone@acme.example",
                    "firstName": "Old",
                    "lastName": "Rep",
                    "userId": 2,
                    "archived": True,
                }
            ]
        else:
            people = [
                {
                    "id": "77",
                    "email": "rep@acme.example",
                    "firstName": "Ana",
                    "lastName": "Diaz",
                    "userId": 1,
                    "archived": False,
                    "createdAt": "2023-01-01T00:00:00Z",
                    "updatedAt": "2023-01-01T00:00:00Z",
                    "teams": [{"id": "1", "name": "West", "primary": True}],
                }
            ]
        return Reply(200, {"results": people})

    def _record(self, kind: str, item: dict, query: dict) -> dict:
        wanted = set(query.get("properties", "").split(","))
        rec = json.loads(json.dumps(item))
        rec["properties"] = {
            k: v for k, v in rec["properties"].items() if k in wanted or k == "hs_object_id"
        }
        assoc = query.get("associations", "")
        if kind == "deals" and assoc:
            n = int(rec["id"]) - 9000
            rec["associations"] = {
                "companies": {"results": [{"id": str(500 + 1 + n % 3), "type": "deal_to_company"}]},
                "contacts": {"results": [{"id": str(300 + 1 + n % 2), "type": "deal_to_contact"}]},
            }
            if n == 1:  # more contacts than fit inline: the rest on the v4 endpoint
                rec["associations"]["contacts"]["paging"] = {
                    "next": {"after": "MQ==", "link": "..."}
                }
        tracked = set(query.get("propertiesWithHistory", "").split(",")) - {""}
        if kind == "deals" and tracked:
            won = item["properties"]["dealstage"] == "closedwon"
            stages = (
                [  # newest first, as HubSpot lists them
                    {
                        "value": "closedwon",
                        "timestamp": "2024-01-20T12:00:00.000Z",
                        "sourceType": "CRM_UI",
                        "sourceId": "userId:1",
                        "updatedByUserId": 1,
                    },
                ]
                if won
                else []
            )
            stages.append(
                {
                    "value": "appointmentscheduled",
                    "timestamp": "2024-01-02T09:30:00.000Z",
                    "sourceType": "CRM_UI",
                    "sourceId": "userId:1",
                    "updatedByUserId": 1,
                }
            )
            history = {
                "dealstage": stages,
                "meddic_champion": [
                    {
                        "value": item["properties"]["meddic_champion"],
                        "timestamp": "2024-01-10T00:00:00.000Z",
                        "sourceType": "CRM_UI",
                        "updatedByUserId": 1,
                    }
                ],
            }
            rec["propertiesWithHistory"] = {k: v for k, v in history.items() if k in tracked}
        if kind == "contacts" and assoc:
            rec["associations"] = {
                "companies": {"results": [{"id": "501", "type": "contact_to_company"}]}
            }
        return rec

    def _list(self, kind: str, query):
        items = getattr(self, kind)
        start = int(query.get("after") or 0)
        page_no = start // self.page_size + 1
        if self.on_page:
            self.on_page(kind, page_no)
        out = []
        for item in items[start : start + self.page_size]:
            rec = self._record(kind, item, query)
            out.append(rec)
        body = {"results": out}
        if start + self.page_size < len(items):
            nxt = str(start + self.page_size)
            body["paging"] = {
                "next": {
                    "after": nxt,
                    "link": f"https://api.hubapi.com/crm/v3/objects/{kind}?after={nxt}",
                }
            }
        reply = Reply(200, body)
        if self.malformed_page == page_no and kind == "deals":
            reply.body = reply.body[:-7]
        if self.reset_page == page_no and kind == "deals":
            reply.cut_after = len(reply.body) // 2
        return reply
