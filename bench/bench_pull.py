"""Benchmark: a live Salesforce pull of N opportunities, REST and Bulk API 2.0.

The org is the test suite's fake Salesforce (tests/pulls/fake_salesforce.py) over HTTPS
on 127.0.0.1, in its own process; the pull runs in a fresh child process (time and peak
RSS) with the real simple-salesforce. Floor: ``import_file`` of the same records as a
CSV export (what landing them costs without any network). The difference is the price
of the wire: JSON pages (REST, 2,000 records each) or CSV pages (Bulk, 50,000 each),
TLS, and the temporary files.

    python -m bench.bench_pull                 # 100,000 opportunities
    python -m bench.bench_pull --rows 20000
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench.harness import Result, report, run_in_child  # noqa: E402


def _opportunities(n: int) -> list[dict]:
    stages = ["Prospecting", "Qualification", "Proposal", "Closed Won", "Closed Lost"]
    out = []
    for i in range(n):
        stage = stages[i % 5]
        out.append(
            {
                "Id": f"006B{i:011d}",
                "Name": f"Deal {i}",
                "AccountId": f"001B{i % 5000:011d}",
                "OwnerId": f"005B{i % 40:011d}",
                "StageName": stage,
                "Amount": 1000.0 + i % 977,
                "CloseDate": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "CreatedDate": "2023-11-02T10:00:00.000+0000",
                "Probability": 10.0 * (i % 10),
                "ForecastCategoryName": "Pipeline",
                "NextStep": f"Call {i % 100}",
                "IsClosed": stage.startswith("Closed"),
                "IsWon": stage == "Closed Won",
                "Type": "New Business",
                "LeadSource": "Web",
                "Champion__c": f"Person {i % 300}",
                "SystemModstamp": f"2024-01-{1 + i % 28:02d}T10:00:00.000+0000",
            }
        )
    return out


def _serve(rows: int, ca_pem: bytes, key_pem: bytes, queue) -> None:
    import trustme
    from tests.pulls.fake_salesforce import FakeSalesforce
    from tests.pulls.tls import FakeServer

    ca = trustme.CA.from_pem(ca_pem, key_pem)
    fake = FakeSalesforce()
    fake.records["Opportunity"] = _opportunities(rows)
    fake.page_size = 2000
    fake.bulk_page_size = 50_000
    fake.api_max = 10_000_000
    server = FakeServer(fake, ca)
    fake.url = server.url
    queue.put(server.url)
    server.thread.join()


def _pull(path: str, url: str, threshold: int) -> dict:
    from tests.pulls.fake_salesforce import PASSWORD, TOKEN, USERNAME
    from tests.pulls.tls import trusting_session

    from workbench.importers.pulls import credentials as C
    from workbench.importers.pulls.operations import SalesforcePullRequest, pull_salesforce
    from workbench.models import Engagement

    _memory_keyring()
    with Engagement.open(path) as eng:
        conn = C.save_connection(eng, "sf", "salesforce", "password", username=USERNAME)
        C.set_secrets(conn, {"password": PASSWORD, "security_token": TOKEN})
        result = pull_salesforce(
            eng,
            SalesforcePullRequest(
                connection="sf",
                objects=("Opportunity",),
                bulk_threshold=threshold,
                max_api_share=1.0,
            ),
            session=trusting_session(os.environ["REQUESTS_CA_BUNDLE"], url),
        )
    o = result.objects[0]
    return {"rows": o.rows_pulled, "reported": o.rows_reported, "method": o.method}


def _import(path: str, csv_path: str) -> dict:
    from workbench.importers import import_file
    from workbench.models import Engagement

    with Engagement.open(path) as eng:
        r = import_file(eng, csv_path, entity="opportunities", profile="salesforce-api")
    return {"rows": r.rows_imported}


def _memory_keyring() -> None:
    import keyring
    from tests.pulls.conftest import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    import csv

    import trustme

    from workbench.models import Engagement, EngagementMeta

    work = Path(tempfile.mkdtemp(prefix="bench-pull-"))
    ctx = mp.get_context("fork")
    ca = trustme.CA()
    ca_file = work / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    os.environ["REQUESTS_CA_BUNDLE"] = str(ca_file)
    queue = ctx.Queue()
    server = ctx.Process(
        target=_serve,
        args=(args.rows, ca.cert_pem.bytes(), ca.private_key_pem.bytes(), queue),
        daemon=True,
    )
    server.start()
    url = queue.get()
    try:
        export = work / "opportunities.csv"
        rows = _opportunities(args.rows)
        with export.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            for r in rows:
                w.writerow(
                    {
                        k: ("true" if v is True else "false" if v is False else v)
                        for k, v in r.items()
                    }
                )
        del rows
        files = {}
        for name in ("floor", "rest", "bulk"):
            files[name] = str(work / f"{name}.engagement")
            Engagement.create(files[name], EngagementMeta(customer="Bench")).close()
        floor, floor_mb, _ = run_in_child(_import, files["floor"], str(export))
        for label, threshold in (("REST", args.rows + 1), ("Bulk API 2.0", 0)):
            seconds, peak, value = run_in_child(
                _pull, files["rest" if label == "REST" else "bulk"], url, threshold
            )
            report(
                Result(
                    f"pull of {args.rows:,} opportunities ({label})",
                    seconds,
                    "import_file of the same rows as CSV",
                    floor,
                    peak,
                    {**value, "floor peak MB": round(floor_mb)},
                )
            )
    finally:
        server.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
