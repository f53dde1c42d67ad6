"""Point 4 of the issue: every failure gives a plain message and commits nothing."""

from __future__ import annotations

import pytest
from tests.pulls.fake_hubspot import TOKEN as HS_TOKEN
from tests.pulls.fake_salesforce import PASSWORD, TOKEN, USERNAME

from workbench.errors import Cancelled
from workbench.importers.pulls import credentials as C
from workbench.importers.pulls.fetched import PullError
from workbench.importers.pulls.operations import (
    HubSpotPullRequest,
    SalesforcePullRequest,
    pull_hubspot,
    pull_salesforce,
)
from workbench.progress import CancelToken, Progress

TABLES = (
    "opportunities",
    "accounts",
    "users",
    "imports",
    "pulls",
    "pull_objects",
    "pull_state",
    "field_history",
    "crm_objects",
    "opportunity_contact_roles",
)


def _sf(eng, password=PASSWORD):
    conn = C.save_connection(eng, "salesforce", "salesforce", "password", username=USERNAME)
    C.set_secrets(conn, {"password": password, "security_token": TOKEN})


def _hs(eng, token=HS_TOKEN):
    conn = C.save_connection(eng, "hubspot", "hubspot", "token")
    C.set_secrets(conn, {"token": token})


def _counts(eng):
    return {t: eng.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _unchanged(eng, before):
    assert _counts(eng) == before
    assert eng.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.fixture
def sf_eng(new_engagement, memory_keyring):
    _sf(new_engagement)
    return new_engagement


def test_wrong_password(new_engagement, salesforce, memory_keyring):
    _sf(new_engagement, password="wrong-password-123")
    before = _counts(new_engagement)
    with pytest.raises(PullError) as err:
        pull_salesforce(new_engagement, SalesforcePullRequest(), session=salesforce.session)
    msg = str(err.value)
    assert msg.startswith(
        f"Salesforce refused the sign-in for {USERNAME} at login.salesforce.com (INVALID_LOGIN)"
    )
    assert "wrong-password-123" not in msg and TOKEN not in msg
    _unchanged(new_engagement, before)


def test_no_network(sf_eng, salesforce):
    import requests

    before = _counts(sf_eng)
    dead = requests.Session()
    dead.mount("https://", requests.adapters.HTTPAdapter())
    # a port nobody listens on: the connection is refused
    C.save_connection(sf_eng, "direct", "salesforce", "session", instance_url="https://127.0.0.1:9")
    C.set_secrets(C.get_connection(sf_eng, "direct"), {"session_id": "00Dabc!xyz"})
    with pytest.raises(PullError, match="Could not reach Salesforce at 127.0.0.1:9"):
        pull_salesforce(sf_eng, SalesforcePullRequest(connection="direct"), session=dead)
    _unchanged(sf_eng, before)


def test_expired_session_reauthenticates_once(sf_eng, salesforce):
    salesforce.expire_after_login = 4  # each session dies after 4 calls
    with pytest.raises(PullError, match="session expired again right after signing in anew"):
        pull_salesforce(sf_eng, SalesforcePullRequest(), session=salesforce.session)
    assert salesforce.logins == 2  # the first sign-in and exactly one more
    assert _counts(sf_eng)["pulls"] == 0


def test_one_expiry_is_healed_by_signing_in_again(sf_eng, salesforce):
    salesforce.expire_after_login = 8
    salesforce.sessions_die_once = True
    original = salesforce._authorised
    state = {"expired": False}

    def once(headers):
        ok = original(headers)
        if not ok and not state["expired"]:
            state["expired"] = True
            salesforce.expire_after_login = 0  # the new session lives on
        return ok

    salesforce._authorised = once
    result = pull_salesforce(
        sf_eng, SalesforcePullRequest(objects=("Account", "Contact")), session=salesforce.session
    )
    assert salesforce.logins == 2
    assert [o.rows_pulled for o in result.objects] == [3, 4]


def test_revoked_session_id_is_a_clear_error(new_engagement, salesforce, memory_keyring):
    conn = C.save_connection(
        new_engagement, "cli", "salesforce", "session", instance_url=salesforce.url
    )
    C.set_secrets(conn, {"session_id": "00Dx!revoked-session-value"})
    with pytest.raises(PullError) as err:
        pull_salesforce(
            new_engagement, SalesforcePullRequest(connection="cli"), session=salesforce.session
        )
    assert "session has expired or was revoked" in str(err.value)
    assert "revoked-session-value" not in str(err.value)


def test_revoked_hubspot_token(new_engagement, hubspot, memory_keyring):
    _hs(new_engagement, token="pat-na1-revoked-0000")
    with pytest.raises(PullError, match="HubSpot refused the private app token"):
        pull_hubspot(new_engagement, HubSpotPullRequest(), session=hubspot.session)
    assert _counts(new_engagement)["pulls"] == 0


def test_daily_api_allowance_is_respected(sf_eng, salesforce):
    salesforce.api_used = 7480  # of 15,000: the 50% share leaves 20 calls, a pull needs more
    before = _counts(sf_eng)
    with pytest.raises(PullError, match=r"used 7,481 of its 15,000 daily API requests.*\(7,500\)"):
        pull_salesforce(sf_eng, SalesforcePullRequest(), session=salesforce.session)
    _unchanged(sf_eng, before)
    # the header of every reply is watched too: usage passing the share mid-pull stops it
    salesforce.api_used = 7000
    with pytest.raises(PullError, match="daily API requests"):
        pull_salesforce(
            sf_eng, SalesforcePullRequest(max_api_share=0.4668), session=salesforce.session
        )
    _unchanged(sf_eng, before)


def test_salesforce_rate_limit(sf_eng, salesforce):
    salesforce.limit_exceeded = True
    with pytest.raises(PullError, match="has used its API allowance"):
        pull_salesforce(sf_eng, SalesforcePullRequest(), session=salesforce.session)


def test_malformed_json_mid_pull(sf_eng, salesforce):
    salesforce.malformed_on = "Opportunity"
    before = _counts(sf_eng)
    with pytest.raises(
        PullError, match="could not read \\(not valid JSON\\) while reading Opportunity"
    ):
        pull_salesforce(sf_eng, SalesforcePullRequest(), session=salesforce.session)
    _unchanged(sf_eng, before)


def test_connection_reset_mid_page(sf_eng, salesforce):
    salesforce.reset_on_page = 2
    before = _counts(sf_eng)
    with pytest.raises(PullError, match="cut off in the middle of a reply"):
        pull_salesforce(sf_eng, SalesforcePullRequest(), session=salesforce.session)
    _unchanged(sf_eng, before)
    # the next pull starts cleanly and brings everything
    salesforce.reset_on_page = None
    result = pull_salesforce(sf_eng, SalesforcePullRequest(), session=salesforce.session)
    assert result.mode == "full"
    assert sf_eng.conn.execute("SELECT count(*) FROM opportunities").fetchone()[0] == 5


def test_hubspot_malformed_json_and_reset(new_engagement, hubspot, memory_keyring):
    _hs(new_engagement)
    before = _counts(new_engagement)
    hubspot.malformed_page = 2
    with pytest.raises(PullError, match="not valid JSON\\) while reading deals"):
        pull_hubspot(new_engagement, HubSpotPullRequest(), session=hubspot.session)
    hubspot.malformed_page = None
    hubspot.reset_page = 2
    with pytest.raises(PullError, match="cut off in the middle of a reply"):
        pull_hubspot(new_engagement, HubSpotPullRequest(), session=hubspot.session)
    _unchanged(new_engagement, before)


def test_cancel_mid_pull_commits_nothing(sf_eng, salesforce):
    token = CancelToken()
    salesforce.on_page = lambda name, page: token.cancel() if name == "Opportunity" else None
    before = _counts(sf_eng)
    with pytest.raises(Cancelled):
        pull_salesforce(
            sf_eng,
            SalesforcePullRequest(),
            progress=Progress(token=token),
            session=salesforce.session,
        )
    _unchanged(sf_eng, before)


def test_cancel_while_storing_commits_nothing(sf_eng, salesforce):
    token = CancelToken()

    def listen(fraction, status):
        if status.startswith("Storing Opportunity"):
            token.cancel()

    before = _counts(sf_eng)
    with pytest.raises(Cancelled):
        pull_salesforce(
            sf_eng,
            SalesforcePullRequest(),
            progress=Progress(listen, token),
            session=salesforce.session,
        )
    _unchanged(sf_eng, before)  # users and accounts were already written: rolled back too


def test_hubspot_cancel_during_back_off(new_engagement, hubspot, memory_keyring):
    from tests.pulls.tls import Reply

    from workbench.importers.pulls import hubspot as H

    _hs(new_engagement)
    token = CancelToken()
    hubspot.queued["/crm/v3/owners"] = [Reply(429, {"status": "error"}, {"Retry-After": "30"})]
    original = H.HubSpotClient.__init__

    def init(self, *a, **kw):
        kw["wait"] = lambda seconds: token.cancel()  # the user presses Cancel while waiting
        original(self, *a, **kw)

    H.HubSpotClient.__init__ = init
    try:
        with pytest.raises(Cancelled):
            pull_hubspot(
                new_engagement,
                HubSpotPullRequest(),
                progress=Progress(token=token),
                session=hubspot.session,
            )
    finally:
        H.HubSpotClient.__init__ = original
    assert _counts(new_engagement)["pulls"] == 0


def _pull_and_die(path: str, session, kill_at: int | None = None) -> None:
    """Pull in a child and SIGKILL it: at the SQL statement ``kill_at`` of the pull's
    connection (see ``_statements_of_a_pull``), or when the opportunities start to be
    stored."""
    import os
    import signal

    from workbench.models import Engagement

    eng = Engagement.open(path)
    seen = [0]

    def statement(_sql: str) -> None:
        seen[0] += 1
        if kill_at is not None and seen[0] >= kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    def listener(fraction: float, status: str) -> None:
        if kill_at is None and status.startswith("Storing Opportunity"):
            os.kill(os.getpid(), signal.SIGKILL)  # users, accounts... already written

    eng.conn.set_trace_callback(statement)
    pull_salesforce(eng, SalesforcePullRequest(), progress=Progress(listener), session=session)


# None: as the opportunities start to be stored; numbers: where in the pull's SQL
# statements (as a share of them all) to kill it: sign-in bookkeeping, each object's
# rows, field history, the commit. Shares, not statement numbers, so that a faster
# importer making fewer statements still has every point inside the pull.
KILL_POINTS = [None, 0.0, 0.12, 0.33, 0.54, 0.75, 0.95]


def _statements_of_a_pull(tmp_path, session) -> int:
    """How many SQL statements a whole pull makes on the pull's connection."""
    from workbench.models import Engagement, EngagementMeta

    eng = Engagement.create(tmp_path / "Count.engagement", EngagementMeta(customer="Count"))
    _sf(eng)
    seen = [0]

    def statement(_sql: str) -> None:
        seen[0] += 1

    eng.conn.set_trace_callback(statement)
    pull_salesforce(eng, SalesforcePullRequest(), session=session)
    eng.conn.set_trace_callback(None)
    eng.close()
    session.close()  # no kept-alive TLS connection for the forked child to share
    return seen[0]


@pytest.mark.skipif(__import__("sys").platform == "win32", reason="SIGKILL is POSIX")
@pytest.mark.parametrize("kill_at", KILL_POINTS)
def test_kill_mid_pull_leaves_the_file_as_it_was(tmp_path, salesforce, memory_keyring, kill_at):
    import multiprocessing as mp
    import signal

    from workbench.models import Engagement, EngagementMeta

    if kill_at is not None:
        total = _statements_of_a_pull(tmp_path, salesforce.session)
        assert total > 100  # sign-in, five objects, field history and the commit
        kill_at = max(3, int(total * kill_at))
    path = tmp_path / "Kill.engagement"
    eng = Engagement.create(path, EngagementMeta(customer="Kill Test"))
    _sf(eng)
    before = _counts(eng)
    eng.close()
    child = mp.get_context("fork").Process(
        target=_pull_and_die, args=(str(path), salesforce.session, kill_at)
    )
    child.start()
    child.join(120)
    assert child.exitcode == -signal.SIGKILL
    with Engagement.open(path) as eng:
        assert eng.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        _unchanged(eng, before)
        # the next pull starts cleanly
        result = pull_salesforce(eng, SalesforcePullRequest(), session=salesforce.session)
        assert result.mode == "full"
        assert _counts(eng)["opportunities"] == 5


def test_an_untrusted_certificate_is_refused_with_a_plain_message(sf_eng, salesforce, monkeypatch):
    # without REQUESTS_CA_BUNDLE pointing at the test CA, the fake's certificate is unknown
    import certifi

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())
    with pytest.raises(PullError, match="could not be verified .*REQUESTS_CA_BUNDLE"):
        pull_salesforce(sf_eng, SalesforcePullRequest(), session=salesforce.session)
    assert _counts(sf_eng)["pulls"] == 0


def test_jwt_refused(new_engagement, salesforce, memory_keyring, tmp_path):
    from tests.pulls.conftest import write_rsa_key

    key_file = tmp_path / "server.key"
    write_rsa_key(key_file)
    salesforce.jwt_public_key = write_rsa_key(tmp_path / "other.key")  # the app knows another
    request = SalesforcePullRequest(
        username=USERNAME, consumer_key=salesforce.consumer_key, key_file=str(key_file)
    )
    with pytest.raises(PullError, match="refused the JWT sign-in .*invalid_grant"):
        pull_salesforce(new_engagement, request, session=salesforce.session)
    missing = SalesforcePullRequest(
        username=USERNAME, consumer_key="k", key_file=str(tmp_path / "nope.key")
    )
    with pytest.raises(PullError, match="nope.key does not exist"):
        pull_salesforce(new_engagement, missing, session=salesforce.session)
