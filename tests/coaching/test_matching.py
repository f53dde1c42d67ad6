"""CRM matching audit and the consent check of recorded calls (issue 14.5)."""

from __future__ import annotations

import json

import pytest

from workbench.audits import run_audits
from workbench.audits.matching import record_match_reviews, run_matching
from workbench.cli import main
from workbench.coaching.operations import ImportTranscriptsRequest, import_transcripts
from workbench.errors import WorkbenchError
from workbench.models import Engagement, EngagementMeta


@pytest.fixture
def eng(tmp_path):
    e = Engagement.create(
        tmp_path / "m.engagement",
        EngagementMeta(
            customer="Seller", project_kind="conversation-intelligence", jurisdictions=["US-IL"]
        ),
    )
    with e.atomic() as conn:
        conn.execute(
            "INSERT INTO users (crm_id, name, email) VALUES ('U1', 'Sam Seller', 'sam@seller.io')"
        )
        conn.executemany(
            "INSERT INTO accounts (crm_id, name, domain, website, country, extra) VALUES (?, ?, ?, ?, ?, ?)",
            [
                ("A1", "Buyer Inc", "buyer.com", None, "US", json.dumps({"state": "CA"})),
                ("A2", "Other GmbH", None, "https://www.other.co/de", "DE", None),
            ],
        )
        conn.executemany(
            "INSERT INTO contacts (crm_id, account_crm_id, email) VALUES (?, ?, ?)",
            [("K1", "A1", "bea@buyer.com"), ("K2", "A2", "max@other.co")],
        )
        conn.executemany(
            "INSERT INTO opportunities (crm_id, account_crm_id, created_date, close_date, is_closed, is_won) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                ("O0", "A1", "2023-01-01", "2024-02-01", 1, 1),
                ("O1", "A1", "2024-01-01", "2024-09-30", 0, 0),
                ("O2", "A2", "2024-01-01", "2024-12-31", 0, 0),
            ],
        )
        conn.executemany(
            "INSERT INTO meetings (crm_id, channel, is_external, started_at, is_recorded, "
            "account_crm_id, opportunity_crm_id, participant_emails) VALUES (?, 'zoom', 1, ?, ?, ?, ?, ?)",
            [
                ("M1", "2024-06-03T15:00:00", 1, "A1", "O1", "sam@seller.io;bea@buyer.com"),
                ("M2", "2024-06-04T15:00:00", 1, None, None, "bea@buyer.com;max@other.co"),
                ("M3", "2024-06-05T15:00:00", 1, "A1", "O0", "bea@buyer.com"),
                ("M4", "2024-06-06T15:00:00", 1, None, None, "joe@gmail.com"),
                ("M5", "2024-06-07T15:00:00", 1, "A1", "O1", "max@other.co"),
                ("M6", "2024-06-08T15:00:00", 0, None, None, "bea@buyer.com"),
            ],
        )
    folder = tmp_path / "t"
    folder.mkdir()
    for call, opening in (
        ("M1", "Quick note: we record these calls, okay?"),
        ("M3", "Hi Bea, good to see you."),
    ):
        (folder / f"{call}.json").write_text(
            json.dumps(
                {
                    "call": {"id": call},
                    "utterances": [
                        {"speaker": "Sam Seller", "start": 1, "end": 5, "text": opening},
                        {
                            "speaker": "Bea Buyer",
                            "start": 6,
                            "end": 9,
                            "text": "Sure.",
                        },
                    ],
                }
            )
        )
    import_transcripts(e, ImportTranscriptsRequest(folder))
    yield e
    e.close()


def test_matching_lists_each_problem_and_consent(eng):
    r = run_matching(eng)
    assert r.calls == 5  # M6 was not recorded
    assert [m.call for m in r.multi_account] == ["M2"]
    assert r.multi_account[0].accounts == ["A1", "A2"]
    assert [m.call for m in r.closed_deal] == ["M3"]
    assert [m.call for m in r.unmatched] == ["M4"]
    assert [(m.call, m.account, m.opportunity) for m in r.link_differs] == [("M5", "A2", "O2")]
    assert r.matched == 3  # M1, M3, M5; M2 has two accounts, M4 none
    consent = {c.call: (c.jurisdictions, c.announced) for c in r.consent_calls}
    assert consent == {
        "M1": (["US-CA"], True),
        "M2": (["US-CA"], None),  # no transcript to check
        "M3": (["US-CA"], False),
        "M4": (["US-IL"], None),  # location unknown: the engagement's all-party jurisdiction
    }
    keys = {f.key: f for f in r.findings}
    assert set(keys) == {
        "matching:multi-account",
        "matching:closed-deal",
        "matching:unmatched",
        "matching:link-differs",
        "matching:consent",
    }
    assert keys["matching:consent"].affected_ids == ["M3"]
    assert keys["matching:consent"].severity == "critical"
    assert r.accuracy is None and {m.call for m in r.sample} == {"M1", "M3", "M5"}


def test_deals_read_in_batches_give_the_same_matches(eng, monkeypatch):
    """Only the deals of matched accounts and linked deals are read, in IN (...) lists
    of ``_IN_BATCH`` keys: one key per list gives the same calls, deals and issues."""
    import workbench.audits.matching as matching

    def seen(r):
        return [(m.call, m.account, m.opportunity, m.issue) for m in r.multi_account
                + r.closed_deal + r.unmatched + r.link_differs]  # fmt: skip

    whole = run_matching(eng, record=False)
    monkeypatch.setattr(matching, "_IN_BATCH", 1)
    batched = run_matching(eng, record=False)
    assert seen(batched) == seen(whole) == [
        ("M2", None, None, "multi-account"),
        ("M3", "A1", "O1", "closed deal"),
        ("M4", None, None, "unmatched"),
        ("M5", "A2", "O2", "link differs"),
    ]
    # M1 (account A1 on 2024-06-03): O0 closed in February, O1 open then
    assert {m.call: m.opportunity for m in batched.sample}["M1"] == "O1"


def test_reviewed_sample_accuracy_against_95_percent(eng, capsys):
    record_match_reviews(eng, {"M1": "correct", "M5": "incorrect"})
    r = run_matching(eng)
    assert (r.reviewed, r.correct, r.accuracy) == (2, 1, 0.5)
    acc = next(f for f in r.findings if f.key == "matching:accuracy")
    assert (
        acc.title == "Call matching is 50% correct in the reviewed sample, below the 95% sign-off"
    )
    assert {m.call for m in r.sample} == {"M3"}
    with pytest.raises(WorkbenchError, match="'correct' or 'incorrect'"):
        record_match_reviews(eng, {"M3": "maybe"})
    with pytest.raises(WorkbenchError, match="no call 'M9'"):
        record_match_reviews(eng, {"M9": "correct"})
    # via the audit command, recorded as findings
    path = str(eng.path)
    eng.close()
    assert main(["audit", path, "matching", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["matching"]
    assert out["accuracy"] == 0.5 and len(out["findings"]) == 6
    assert main(["match-review", path, "--mark", "M3=correct", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["reviewed"], out["correct"]) == (3, 2)


def test_all_audits_include_matching(eng):
    run = run_audits(eng, ["matching"], record=False)
    assert run.results["matching"].calls == 5


def test_a_call_added_by_the_import_becomes_external_when_its_customer_is_known(tmp_path):
    from workbench.coaching.operations import ResolveSpeakerRequest, resolve_speaker

    with Engagement.create(tmp_path / "z.engagement", EngagementMeta(customer="X")) as eng:
        path = tmp_path / "call.json"
        path.write_text(
            json.dumps(
                {
                    "call": {"id": "Z1"},
                    "utterances": [{"speaker": "Pat", "start": 0, "end": 3, "text": "Hi."}],
                }
            )
        )
        import_transcripts(eng, ImportTranscriptsRequest(path))
        external = "SELECT is_external FROM meetings WHERE crm_id = 'Z1'"
        assert eng.conn.execute(external).fetchone() == (None,)  # not known yet
        resolve_speaker(eng, ResolveSpeakerRequest("Pat", "customer"))
        assert eng.conn.execute(external).fetchone() == (1,)
        assert run_matching(eng, record=False).calls == 1
