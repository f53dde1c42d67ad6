"""A fake Salesforce org speaking the real REST paths with the real response shapes.

Paths: SOAP login (/services/Soap/u/59.0, what simple-salesforce's password sign-in
posts), /services/oauth2/token (JWT bearer), /services/data/v59.0/limits/, the global
describe (sobjects), each object's describe, /query with nextRecordsUrl pages and
``SELECT COUNT()``, and Bulk API 2.0 query jobs (/jobs/query, results paged with
Sforce-Locator / Sforce-NumberOfRecords). Shapes come from the restforce fixtures in
tests/data/sf-rest-restforce (copied from real responses). Failures are switched on
by the tests through attributes.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import threading
from pathlib import Path
from xml.sax.saxutils import escape

from tests.pulls.tls import Reply

DATA = Path(__file__).resolve().parents[1] / "data" / "sf-rest-restforce"
V = "v59.0"
TEMPLATE_FIELD = json.loads((DATA / "sobject__sobject_describe_success_response.json").read_text())[
    "fields"
][9]
TEMPLATE_OBJECT = json.loads((DATA / "sobject__sobject_describe_success_response.json").read_text())
GLOBAL = json.loads((DATA / "sobject__describe_sobjects_success_response.json").read_text())
EXPIRED = json.loads((DATA / "expired_session_response.json").read_text())

USERNAME = "consultant@acme.example"
PASSWORD = "Pa55-w0rd!-never-print"
TOKEN = "SecTok3nXYZ-never-print"
SESSION_PREFIX = "00Dx0000000ACME!AQ-session-"


def stamp(day: int, hour: int = 10) -> str:
    return f"2024-01-{day:02d}T{hour:02d}:00:00.000+0000"


def _records() -> dict[str, list[dict]]:
    users = [
        {
            "Id": "005A",
            "Name": "Dana Ortiz",
            "FirstName": "Dana",
            "LastName": "Ortiz",
            "Email": "dana@acme.example",
            "IsActive": True,
            "ManagerId": None,
            "SystemModstamp": stamp(2),
        },
        {
            "Id": "005B",
            "Name": "Lee Park",
            "FirstName": "Lee",
            "LastName": "Park",
            "Email": "lee@acme.example",
            "IsActive": False,
            "ManagerId": "005A",
            "SystemModstamp": stamp(3),
        },
    ]
    stages = [
        {
            "Id": "01JA",
            "MasterLabel": "Prospecting",
            "ApiName": "Prospecting",
            "IsClosed": False,
            "IsWon": False,
            "DefaultProbability": 10.0,
            "SortOrder": 1,
            "SystemModstamp": stamp(1),
        },
        {
            "Id": "01JB",
            "MasterLabel": "Closed Won",
            "ApiName": "Closed Won",
            "IsClosed": True,
            "IsWon": True,
            "DefaultProbability": 100.0,
            "SortOrder": 2,
            "SystemModstamp": stamp(1),
        },
        {
            "Id": "01JC",
            "MasterLabel": "Closed Lost",
            "ApiName": "Closed Lost",
            "IsClosed": True,
            "IsWon": False,
            "DefaultProbability": 0.0,
            "SortOrder": 3,
            "SystemModstamp": stamp(1),
        },
    ]
    accounts = [
        {
            "Id": f"001A{i}",
            "Name": f"Account {i}",
            "Industry": "Robotics",
            "BillingCountry": "US",
            "OwnerId": "005A",
            "NumberOfEmployees": 100 * i,
            "CreatedDate": stamp(1),
            "SystemModstamp": stamp(1 + i),
        }
        for i in range(1, 4)
    ]
    contacts = [
        {
            "Id": f"003A{i}",
            "AccountId": f"001A{1 + i % 3}",
            "FirstName": f"Pat{i}",
            "LastName": "Lee",
            "Email": f"pat{i}@cust.example",
            "Title": "VP Sales",
            "OwnerId": "005A",
            "CreatedDate": stamp(2),
            "SystemModstamp": stamp(4),
        }
        for i in range(1, 5)
    ]
    opps = []
    for i in range(1, 6):
        won = i % 2 == 0
        opps.append(
            {
                "Id": f"006A{i}",
                "Name": f"Deal {i}",
                "AccountId": f"001A{1 + i % 3}",
                "OwnerId": "005A" if i < 4 else "005B",
                "StageName": "Closed Won" if won else "Prospecting",
                "Amount": 1000.0 * i + 0.5,
                "CloseDate": f"2024-03-{10 + i:02d}",
                "CreatedDate": stamp(i),
                "Probability": 10.0,
                "ForecastCategoryName": "Pipeline",
                "NextStep": f"Call {i}",
                "IsClosed": won,
                "IsWon": won,
                "Type": "New Business",
                "LeadSource": "Web",
                "Champion__c": f"Champion {i}",
                "Economic_Buyer__c": None,
                "Metrics__c": "Cut ramp time" if i == 1 else None,
                "SystemModstamp": stamp(10 + i),
            }
        )
    roles = [
        {
            "Id": f"00KA{i}",
            "OpportunityId": f"006A{i}",
            "ContactId": f"003A{1 + i % 4}",
            "Role": "Decision Maker",
            "IsPrimary": True,
            "SystemModstamp": stamp(5),
        }
        for i in range(1, 4)
    ]
    history = [
        {
            "Id": f"008A{i}",
            "OpportunityId": "006A2",
            "CreatedDate": stamp(5 + i),
            "StageName": s,
            "Amount": 2000.5,
            "CloseDate": "2024-03-12",
            "Probability": p,
            "ForecastCategory": "Pipeline",
            "CreatedById": "005A",
            "SystemModstamp": stamp(5 + i),
        }
        for i, (s, p) in enumerate([("Prospecting", 10.0), ("Closed Won", 100.0)], start=1)
    ]
    field_history = [
        {
            "Id": "017A1",
            "OpportunityId": "006A1",
            "Field": "NextStep",
            "OldValue": None,
            "NewValue": "Demo",
            "CreatedDate": stamp(6),
            "CreatedById": "005A",
            "DataType": "Text",
        },
        {
            "Id": "017A2",
            "OpportunityId": "006A1",
            "Field": "NextStep",
            "OldValue": "Demo",
            "NewValue": "Call 1",
            "CreatedDate": stamp(20),
            "CreatedById": "005A",
            "DataType": "Text",
        },
        {
            "Id": "017A3",
            "OpportunityId": "006A1",
            "Field": "Champion__c",
            "OldValue": None,
            "NewValue": "Champion 1",
            "CreatedDate": stamp(8),
            "CreatedById": "005A",
            "DataType": "Text",
        },
        {
            "Id": "017A4",
            "OpportunityId": "006A2",
            "Field": "StageName",
            "OldValue": "Prospecting",
            "NewValue": "Closed Won",
            "CreatedDate": stamp(7),
            "CreatedById": "005A",
            "DataType": "Text",
        },
    ]
    tasks = [
        {
            "Id": f"00TA{i}",
            "Subject": f"Call {i}",
            "TaskSubtype": "Call",
            "Status": "Completed",
            "OwnerId": "005A",
            "WhatId": f"006A{i}",
            "WhoId": "003A1",
            "AccountId": "001A1",
            "ActivityDate": f"2024-01-{10 + i}",
            "CallDurationInSeconds": 600,
            "SystemModstamp": stamp(12),
        }
        for i in range(1, 4)
    ]
    events = [
        {
            "Id": "00UA1",
            "Subject": "Discovery",
            "EventSubtype": "Event",
            "OwnerId": "005A",
            "WhatId": "006A1",
            "WhoId": "003A2",
            "AccountId": "001A2",
            "ActivityDate": "2024-01-15",
            "StartDateTime": stamp(15, 14),
            "EndDateTime": stamp(15, 15),
            "DurationInMinutes": 60,
            "SystemModstamp": stamp(15),
        },
    ]
    record_types = [
        {
            "Id": "012A1",
            "Name": "New Business",
            "SobjectType": "Opportunity",
            "IsActive": True,
            "SystemModstamp": stamp(1),
        },
    ]
    forecasting = [
        {
            "Id": "0FIA1",
            "OwnerId": "005A",
            "PeriodId": "0260000001",
            "ForecastCategoryName": "Commit",
            "ForecastAmount": 5000.0,
            "LastModifiedDate": stamp(20),
            "SystemModstamp": stamp(20),
        },
    ]
    return {
        "User": users,
        "OpportunityStage": stages,
        "RecordType": record_types,
        "Account": accounts,
        "Contact": contacts,
        "Opportunity": opps,
        "OpportunityContactRole": roles,
        "OpportunityHistory": history,
        "OpportunityFieldHistory": field_history,
        "Task": tasks,
        "Event": events,
        "ForecastingItem": forecasting,
    }


TYPES = {bool: "boolean", float: "double", int: "int"}
CUSTOM_LABELS = {
    "Champion__c": "Champion",
    "Economic_Buyer__c": "Economic Buyer",
    "Metrics__c": "Metrics",
}


class FakeSalesforce:
    """State of the fake org; ``__call__`` answers one HTTP request."""

    def __init__(self):
        self.records = _records()
        self.url = ""  # set once the server runs
        self.lock = threading.Lock()
        self.sessions: set[str] = set()
        self.logins = 0
        self.page_size = 2
        self.bulk_page_size = 0  # 0: same as page_size
        self.api_used = 100
        self.api_max = 15000
        self.calls: list[str] = []
        self.cursors: dict[str, tuple[str, list[dict], int]] = {}
        self.jobs: dict[str, dict] = {}
        # failure switches
        self.expire_after_login: int = 0  # sessions die after this many uses (0: never)
        self.always_expire = False
        self.bulk_stops_early = False
        self.malformed_on: str | None = None  # object whose query page is not JSON
        self.reset_on_page: int | None = None  # query page number cut mid-reply
        self.on_page = None  # callback(object, page_number) for cancel tests
        self.limit_exceeded = False
        self.jwt_public_key: bytes | None = None
        self.consumer_key = "3MVG9-consumer-key"
        self.uses: dict[str, int] = {}

    # ----------------------------------------------------------------- helpers
    def _json(self, body, status=200):
        headers = {"Sforce-Limit-Info": f"api-usage={self.api_used}/{self.api_max}"}
        return Reply(status, body, headers)

    def _new_session(self) -> str:
        self.logins += 1
        sid = f"{SESSION_PREFIX}{self.logins}"
        self.sessions.add(sid)
        return sid

    def _authorised(self, headers) -> bool:
        auth = headers.get("Authorization", "")
        sid = auth.removeprefix("Bearer ").strip()
        if sid not in self.sessions or self.always_expire:
            return False
        self.uses[sid] = self.uses.get(sid, 0) + 1
        if self.expire_after_login and self.uses[sid] > self.expire_after_login:
            self.sessions.discard(sid)
            return False
        return True

    # ------------------------------------------------------------------ routing
    def __call__(self, method, path, query, headers, body):
        with self.lock:
            self.calls.append(f"{method} {path}")
            if path.startswith("/services/Soap/u/"):
                return self._soap_login(body)
            if path == "/services/oauth2/token":
                return self._token(body)
            if not self._authorised(headers):
                return Reply(401, EXPIRED, {})
            self.api_used += 1
            prefix = f"/services/data/{V}/"
            rest = path[len(prefix) :] if path.startswith(prefix) else None
            if rest is None:
                return Reply(404, [{"errorCode": "NOT_FOUND", "message": path}])
            if self.limit_exceeded:
                return Reply(
                    403,
                    [
                        {
                            "errorCode": "REQUEST_LIMIT_EXCEEDED",
                            "message": "TotalRequests Limit exceeded.",
                        }
                    ],
                )
            if rest.rstrip("/") == "limits":
                return self._json(
                    {
                        "DailyApiRequests": {
                            "Max": self.api_max,
                            "Remaining": self.api_max - self.api_used,
                        }
                    }
                )
            if rest.rstrip("/") == "sobjects":
                return self._global_describe()
            m = re.fullmatch(r"sobjects/(\w+)/describe/?", rest)
            if m:
                return self._describe(m.group(1))
            if rest.rstrip("/") == "query":
                return self._query(query["q"])
            m = re.fullmatch(r"query/([\w-]+)", rest)
            if m:
                return self._more(m.group(1))
            if rest.startswith("jobs/query"):
                return self._bulk(method, rest, query, body)
            return Reply(404, [{"errorCode": "NOT_FOUND", "message": path}])

    # ------------------------------------------------------------------ sign-in
    def _soap_login(self, body: bytes):
        text = body.decode("utf-8")
        user = re.search(r"<n1:username>(.*?)</n1:username>", text).group(1)
        secret = re.search(r"<n1:password>(.*?)</n1:password>", text).group(1)
        if user != USERNAME or secret != escape(PASSWORD) + escape(TOKEN):
            fault = (
                '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv='
                '"http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.'
                'sforce.com"><soapenv:Body><soapenv:Fault><faultcode>INVALID_LOGIN</faultcode>'
                "<faultstring>INVALID_LOGIN: Invalid username, password, security token; or "
                "user locked out.</faultstring><detail><sf:LoginFault><sf:exceptionCode>"
                "INVALID_LOGIN</sf:exceptionCode><sf:exceptionMessage>Invalid username, "
                "password, security token; or user locked out.</sf:exceptionMessage>"
                "</sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
            )
            return Reply(500, fault, {"Content-Type": "text/xml;charset=UTF-8"})
        sid = self._new_session()
        ok = (
            '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv='
            '"http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com">'
            "<soapenv:Body><loginResponse><result><metadataServerUrl>"
            f"{self.url}/services/Soap/m/59.0/00Dx0000000ACME</metadataServerUrl>"
            "<passwordExpired>false</passwordExpired><sandbox>false</sandbox>"
            f"<serverUrl>{self.url}/services/Soap/u/59.0/00Dx0000000ACME</serverUrl>"
            f"<sessionId>{sid}</sessionId><userId>005A</userId></result></loginResponse>"
            "</soapenv:Body></soapenv:Envelope>"
        )
        return Reply(200, ok, {"Content-Type": "text/xml;charset=UTF-8"})

    def _token(self, body: bytes):
        from urllib.parse import parse_qs

        import jwt

        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        try:
            claims = jwt.decode(
                form.get("assertion", ""),
                self.jwt_public_key,
                algorithms=["RS256"],
                audience="https://login.salesforce.com",
            )
            assert claims["iss"] == self.consumer_key and claims["sub"] == USERNAME
        except Exception:
            return Reply(400, {"error": "invalid_grant", "error_description": "invalid assertion"})
        sid = self._new_session()
        return Reply(
            200,
            {
                "access_token": sid,
                "scope": "api",
                "instance_url": self.url,
                "id": "https://login.salesforce.com/id/00Dx0000000ACME/005A",
                "token_type": "Bearer",
            },
        )

    # ---------------------------------------------------------------- describe
    def _global_describe(self):
        listing = copy.deepcopy(GLOBAL)
        template = listing["sobjects"][0]
        listing["sobjects"] = []
        for name in self.records:
            entry = copy.deepcopy(template)
            entry.update(name=name, label=name, labelPlural=name, queryable=True)
            listing["sobjects"].append(entry)
        return self._json(listing)

    def _fields(self, name: str) -> list[str]:
        names: dict[str, None] = {}
        for r in self.records[name]:
            for k in r:
                names.setdefault(k, None)
        names.setdefault("BillingAddress" if name == "Account" else "IsDeleted", None)
        return list(names)

    def _describe(self, name: str):
        if name not in self.records:
            return Reply(
                404,
                [{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}],
            )
        described = copy.deepcopy(TEMPLATE_OBJECT)
        described.update(name=name, label=name, custom=False)
        fields = []
        sample = {}
        for r in self.records[name]:
            for k, v in r.items():
                if v is not None:
                    sample.setdefault(k, v)
        for f in self._fields(name):
            entry = copy.deepcopy(TEMPLATE_FIELD)
            kind = TYPES.get(type(sample.get(f)), "string")
            if f.endswith(("Date", "Modstamp", "DateTime")):
                kind = "datetime"
            if f == "BillingAddress":
                kind = "address"
            entry.update(name=f, label=CUSTOM_LABELS.get(f, f), type=kind, custom=f.endswith("__c"))
            fields.append(entry)
        described["fields"] = fields
        return self._json(described)

    # ------------------------------------------------------------------- query
    def _select(self, soql: str) -> tuple[str, list[str], list[dict]]:
        m = re.fullmatch(r"SELECT (.+?) FROM (\w+)(?: WHERE (\w+) >= (\S+))?", soql.strip())
        fields = [f.strip() for f in m.group(1).split(",")]
        name = m.group(2)
        rows = self.records[name]
        if m.group(3):
            since = m.group(4)
            rows = [r for r in rows if _utc(r.get(m.group(3))) >= since]
        return name, fields, rows

    def _query(self, soql: str):
        name, fields, rows = self._select(soql)
        if fields == ["COUNT()"]:
            return self._json({"totalSize": len(rows), "done": True, "records": []})
        bad = [f for f in fields if f not in self._fields(name)]
        if bad:
            return Reply(
                400,
                [
                    {
                        "errorCode": "INVALID_FIELD",
                        "message": f"No such column '{bad[0]}' on entity '{name}'.",
                    }
                ],
            )
        out = [
            {
                "attributes": {
                    "type": name,
                    "url": f"/services/data/{V}/sobjects/{name}/{r['Id']}",
                },
                **{f: r.get(f) for f in fields},
            }
            for r in rows
        ]
        return self._page(name, out, 0)

    def _page(self, name: str, rows: list[dict], start: int):
        page_no = start // self.page_size + 1
        if self.on_page:
            self.on_page(name, page_no)
        chunk = rows[start : start + self.page_size]
        body = {
            "totalSize": len(rows),
            "done": start + self.page_size >= len(rows),
            "records": chunk,
        }
        if not body["done"]:
            cursor = f"01gACME{len(self.cursors)}-{start + self.page_size}"
            self.cursors[cursor] = (name, rows, start + self.page_size)
            body["nextRecordsUrl"] = f"/services/data/{V}/query/{cursor}"
        reply = self._json(body)
        if self.malformed_on == name and page_no == 2:
            reply.body = reply.body[: len(reply.body) // 2]
        if (
            self.reset_on_page is not None
            and page_no == self.reset_on_page
            and name == "Opportunity"
        ):
            reply.cut_after = len(reply.body) // 3
        return reply

    def _more(self, cursor: str):
        name, rows, start = self.cursors.pop(cursor)
        return self._page(name, rows, start)

    # -------------------------------------------------------------------- bulk
    def _bulk(self, method, rest, query, body):
        parts = rest.rstrip("/").split("/")
        if method == "POST" and len(parts) == 2:
            spec = json.loads(body)
            job_id = f"750ACME{len(self.jobs)}"
            name, fields, rows = self._select(spec["query"])
            self.jobs[job_id] = {"fields": fields, "rows": rows, "polls": 0, "object": name}
            return self._json(
                {
                    "id": job_id,
                    "operation": "query",
                    "object": name,
                    "createdById": "005A",
                    "state": "UploadComplete",
                    "concurrencyMode": "Parallel",
                    "contentType": "CSV",
                    "apiVersion": 59.0,
                    "lineEnding": "LF",
                    "columnDelimiter": "COMMA",
                }
            )
        job = self.jobs[parts[2]]
        if len(parts) == 3:
            job["polls"] += 1
            state = "InProgress" if job["polls"] == 1 else "JobComplete"
            return self._json(
                {
                    "id": parts[2],
                    "operation": "query",
                    "object": job["object"],
                    "state": state,
                    "numberRecordsProcessed": len(job["rows"]),
                }
            )
        # results
        size = int(query.get("maxRecords", 50000))
        size = min(size, self.bulk_page_size or self.page_size)
        start = int(query.get("locator") or 0)
        chunk = job["rows"][start : start + size]
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(job["fields"])
        for r in chunk:
            w.writerow([_csv(r.get(f)) for f in job["fields"]])
        nxt = start + size
        locator = str(nxt) if nxt < len(job["rows"]) else "null"
        if self.bulk_stops_early and start > 0:
            locator = "null"  # the reported early stop: no more pages, no error
        return Reply(
            200,
            buf.getvalue(),
            {
                "Content-Type": "text/csv",
                "Sforce-Locator": locator,
                "Sforce-NumberOfRecords": str(len(chunk)),
                "Sforce-Limit-Info": f"api-usage={self.api_used}/{self.api_max}",
            },
        )


def _csv(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _utc(value) -> str:
    if not value:
        return ""
    return value[:19] + "Z"
