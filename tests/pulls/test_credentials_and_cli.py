"""Credentials in the keyring, the commands, and a scan for secrets anywhere they must not be."""

from __future__ import annotations

import io
import json
import logging

import keyring
import pytest
from keyring.backends import fail
from tests.pulls.conftest import PlaintextLikeKeyring
from tests.pulls.fake_hubspot import TOKEN as HS_TOKEN
from tests.pulls.fake_salesforce import PASSWORD, SESSION_PREFIX, TOKEN, USERNAME

from workbench.cli import main
from workbench.importers.pulls import credentials as C
from workbench.importers.pulls import operations


@pytest.fixture
def routed(salesforce, monkeypatch):
    """The commands' own requests session, routed to the fake org (it trusts the test CA
    through REQUESTS_CA_BUNDLE, as the real command does)."""
    monkeypatch.setattr(operations, "_session", lambda: salesforce.session)
    return salesforce


def _pull_sf(eng, *args: str) -> int:
    return main(["pull", "salesforce", str(eng), "--connection", "acme-prod", *args])


def _stdin(monkeypatch, *lines):
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{x}\n" for x in lines)))


def test_secrets_go_to_the_keyring_under_the_connection(new_engagement, memory_keyring):
    conn = C.save_connection(new_engagement, "sf", "salesforce", "password", username=USERNAME)
    C.set_secrets(conn, {"password": PASSWORD, "security_token": TOKEN})
    assert memory_keyring.store == {
        ("workbench", f"{conn.keyring_key}/password"): PASSWORD,
        ("workbench", f"{conn.keyring_key}/security_token"): TOKEN,
    }
    (status,) = C.connection_statuses(new_engagement)
    assert status.secrets == {"password": True, "security_token": True}
    assert C.delete_connection(new_engagement, "sf") == 2
    assert memory_keyring.store == {}
    assert C.list_connections(new_engagement) == []


def test_no_keyring_and_plaintext_keyring_are_refused(new_engagement):
    before = keyring.get_keyring()
    conn = C.save_connection(new_engagement, "hs", "hubspot", "token")
    try:
        keyring.set_keyring(fail.Keyring())
        with pytest.raises(C.CredentialError, match="No OS keyring is available"):
            C.set_secrets(conn, {"token": HS_TOKEN})
        plain = PlaintextLikeKeyring()
        keyring.set_keyring(plain)
        with pytest.raises(C.CredentialError, match="--allow-insecure-keyring"):
            C.set_secrets(conn, {"token": HS_TOKEN})
        assert plain.store == {}
        C.set_secrets(conn, {"token": HS_TOKEN}, allow_insecure=True)
        assert C.get_secret(conn, "token", allow_insecure=True) == HS_TOKEN
        with pytest.raises(C.CredentialError):
            C.get_secret(conn, "token")
    finally:
        keyring.set_keyring(before)


def test_cli_set_list_pull_delete_and_no_secret_leaks(
    tmp_path, routed, memory_keyring, monkeypatch, capsys, caplog
):
    caplog.set_level(logging.DEBUG)  # requests, urllib3, simple-salesforce: everything
    eng = tmp_path / "Acme.engagement"
    assert main(["new", str(eng), "--customer", "Acme", "--kind", "revenue-intelligence"]) == 0
    _stdin(monkeypatch, PASSWORD, TOKEN)
    assert (
        main(
            [
                "credentials",
                "set",
                str(eng),
                "acme-prod",
                "--username",
                USERNAME,
                "--domain",
                "login",
            ]
        )
        == 0
    )
    assert "saved; secrets are in the OS keyring" in capsys.readouterr().out
    assert main(["credentials", "list", str(eng), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed == [
        {
            "name": "acme-prod",
            "crm": "salesforce",
            "auth": "password",
            "username": USERNAME,
            "secrets": {"password": True, "security_token": True},
        }
    ]
    assert _pull_sf(eng, "--objects", "Opportunity,OpportunityFieldHistory", "--json") == 0
    out = json.loads(capsys.readouterr().out)
    opp = out["objects"][0]
    assert (opp["object"], opp["rows_pulled"], opp["rows_reported"], opp["rows_imported"]) == (
        "Opportunity",
        5,
        5,
        5,
    )
    assert out["objects"][1]["entity"] == "field_history"
    assert out["api_allowance"] == 15000
    # text output, incremental, with a custom field mapped to next step
    assert (
        _pull_sf(eng, "--objects", "Opportunity", "--map", "Opportunity.next_step=Champion__c") == 0
    )
    text = capsys.readouterr().out
    assert "from acme-prod (salesforce, incremental)" in text
    assert "Opportunity" in text and "1 pulled of 1 reported (rest)" in text
    assert "custom fields of Opportunity: Champion__c (Champion)" in text
    # the mapping is kept with the connection: the next pull maps the same way
    assert _pull_sf(eng, "--objects", "Opportunity") == 0
    capsys.readouterr()
    assert _opp_next_step(eng) == "Champion 5"
    assert main(["pulls", str(eng), "--json"]) == 0
    last = {p["object"]: p for p in json.loads(capsys.readouterr().out)}
    assert (last["Opportunity"]["rows_pulled"], last["Opportunity"]["watermark"]) == (
        1,
        "2024-01-15T10:00:00.000+0000",
    )
    assert last["OpportunityFieldHistory"]["watermark"] == "2024-01-20T10:00:00.000+0000"
    # a failing pull: wrong password stored, plain error, exit 1
    memory_keyring.store = {
        k: ("bad-" + PASSWORD if k[1].endswith("/password") else v)
        for k, v in memory_keyring.store.items()
    }
    with pytest.raises(SystemExit) as exit_:
        _pull_sf(eng, "--full")
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Salesforce refused the sign-in")
    assert main(["credentials", "delete", str(eng), "acme-prod"]) == 0
    assert memory_keyring.store == {}
    # the secrets are nowhere: not in the file, not in the output, not in any log
    everything = eng.read_bytes() + caplog.text.encode() + text.encode() + err.encode()
    for wal in tmp_path.glob("*-wal"):
        everything += wal.read_bytes()
    for secret in (PASSWORD, TOKEN, "bad-" + PASSWORD, SESSION_PREFIX):
        assert secret.encode() not in everything, secret
    assert _opp_next_step(eng) == "Champion 5"  # the mapped custom field, on the re-pulled deal


def _opp_next_step(path) -> str:
    import sqlite3

    with sqlite3.connect(path) as db:
        return db.execute("SELECT next_step FROM opportunities WHERE crm_id = '006A5'").fetchone()[
            0
        ]


def test_cli_hubspot_with_base_url_and_session_id_from_stdin(
    tmp_path, salesforce, hubspot, memory_keyring, monkeypatch, capsys, caplog
):
    caplog.set_level(logging.DEBUG)
    eng = tmp_path / "Acme.engagement"
    assert main(["new", str(eng), "--customer", "Acme", "--kind", "revenue-intelligence"]) == 0
    capsys.readouterr()
    _stdin(monkeypatch, HS_TOKEN)
    assert (
        main(
            [
                "pull",
                "hubspot",
                str(eng),
                "--base-url",
                hubspot.url,
                "--objects",
                "owners,pipelines,deals",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert [(o["object"], o["rows_pulled"]) for o in out["objects"]] == [
        ("owners", 2),
        ("pipelines", 3),
        ("deals", 7),
        ("deal_history", 16),
    ]
    # a session id piped in (as from 'sf org display'), used against the instance URL
    sid = salesforce._new_session()
    _stdin(monkeypatch, sid)
    assert (
        main(
            [
                "pull",
                "salesforce",
                str(eng),
                "--connection",
                "sf-cli",
                "--instance-url",
                salesforce.url,
                "--session-id",
                "--objects",
                "User",
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["objects"][0]["rows_pulled"] == 2
    data = eng.read_bytes() + caplog.text.encode()
    assert HS_TOKEN.encode() not in data and sid.encode() not in data


def test_map_option_errors_are_plain(tmp_path, capsys):
    eng = tmp_path / "Acme.engagement"
    assert main(["new", str(eng), "--customer", "Acme", "--kind", "revenue-intelligence"]) == 0
    with pytest.raises(SystemExit):
        main(["pull", "hubspot", str(eng), "--map", "deals-next_step"])
    assert "is not OBJECT.FIELD=COLUMN" in capsys.readouterr().err


def test_mappings_are_kept_per_connection_and_removed_with_an_empty_column(new_engagement):
    from workbench.importers.pulls.operations import merged_mapping

    conn = C.save_connection(new_engagement, "sf", "salesforce", "password", username="u")
    conn.mapping_json = json.dumps({"Opportunity": {"next_step": "Next__c", "type": "Kind__c"}})
    assert merged_mapping(
        conn, {"Opportunity": {"type": ""}, "Account": {"segment": "Tier__c"}}
    ) == {
        "Opportunity": {"next_step": "Next__c"},
        "Account": {"segment": "Tier__c"},
    }
    assert merged_mapping(conn, {"Opportunity": {"next_step": "", "type": ""}}) == {}


def test_a_locked_keychain_is_a_plain_error(new_engagement, memory_keyring, monkeypatch):
    from keyring.errors import KeyringLocked

    conn = C.save_connection(new_engagement, "hs", "hubspot", "token")

    def locked(*args):
        raise KeyringLocked("Failed to unlock the collection!")

    monkeypatch.setattr(memory_keyring, "set_password", locked)
    monkeypatch.setattr(memory_keyring, "get_password", locked)
    with pytest.raises(C.CredentialError, match="keychain refused access"):
        C.set_secrets(conn, {"token": HS_TOKEN})
    with pytest.raises(C.CredentialError, match="keychain refused access"):
        C.get_secret(conn, "token")
