"""The GUI's pull dialog: secrets to the keyring, pull through the task runner with
progress, Cancel, and the last pull time of each object (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from tests.pulls.fake_hubspot import TOKEN  # noqa: E402
from tests.ui.conftest import _context  # noqa: E402

from workbench.importers.pulls import credentials as C  # noqa: E402
from workbench.progress import CancelToken  # noqa: E402


@pytest.fixture
def context(new_engagement, qapp):
    from workbench.ui.theme import apply_theme

    apply_theme(qapp)
    ctx = _context(new_engagement)
    yield ctx
    ctx.runner.shutdown()


def _dialog(qtbot, context, hubspot):
    from workbench.ui.pull_dialog import PullDialog

    dialog = PullDialog(context)
    qtbot.addWidget(dialog)
    dialog.crm.setCurrentIndex(1)  # HubSpot
    dialog.inputs["base_url"].setText(hubspot.url)
    dialog.inputs["token"].setText(TOKEN)
    return dialog


def test_pull_from_the_dialog(qtbot, context, hubspot, memory_keyring):
    dialog = _dialog(qtbot, context, hubspot)
    assert dialog.name.text() == "hubspot"
    assert not dialog.rows["password"].isVisibleTo(dialog)  # only the token sign-in's inputs
    seen: list[float] = []
    context.runner.progressed.connect(lambda f, s: seen.append(f))
    dialog.pull_button.click()
    assert dialog.inputs["token"].text() == ""  # not kept on screen
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60000)
    assert [o.rows_pulled for o in dialog.result.objects] == [2, 3, 3, 3, 7, 16, 8]
    assert "Pulled 42 records in 7 objects from hubspot" in dialog.status.text()
    assert seen and seen == sorted(seen)
    # the secret went to the keyring, the connection (without it) to the engagement
    conn = C.get_connection(context.engagement, "hubspot")
    assert (conn.base_url, C.get_secret(conn, "token")) == (hubspot.url, TOKEN)
    table = dialog.last
    objects = sorted(table.item(r, 1).text() for r in range(table.rowCount()))
    assert objects == [
        "associations",
        "companies",
        "contacts",
        "deal_history",
        "deals",
        "owners",
        "pipelines",
    ]
    deals = next(r for r in range(table.rowCount()) if table.item(r, 1).text() == "deals")
    assert table.item(deals, 3).text() == "7"
    assert context.engagement.conn.execute("SELECT count(*) FROM opportunities").fetchone() == (7,)


def test_cancel_from_the_dialog_changes_nothing(qtbot, context, hubspot, memory_keyring):
    dialog = _dialog(qtbot, context, hubspot)
    cancelled = CancelToken()

    def on_page(kind, page):
        if kind == "deals" and not cancelled.cancelled:
            cancelled.cancel()
            dialog.task.cancel()  # what the Cancel button does, while a page is served

    hubspot.on_page = on_page
    dialog.pull_button.click()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=60000)
    assert dialog.status.text() == "Pull cancelled; nothing was changed."
    assert dialog.result is None
    eng = context.engagement
    assert eng.conn.execute("SELECT count(*) FROM pulls").fetchone() == (0,)
    assert eng.conn.execute("SELECT count(*) FROM users").fetchone() == (0,)
    assert dialog.last.rowCount() == 0


def test_the_dialog_fills_in_a_known_connection(qtbot, context, memory_keyring):
    from workbench.ui.pull_dialog import PullDialog

    conn = C.save_connection(
        context.engagement,
        "salesforce",
        "salesforce",
        "password",
        username="ops@acme.example",
        domain="test",
    )
    C.set_secrets(conn, {"password": "x"})
    dialog = PullDialog(context)
    qtbot.addWidget(dialog)
    assert (dialog.inputs["username"].text(), dialog.inputs["domain"].text()) == (
        "ops@acme.example",
        "test",
    )
    assert dialog.inputs["password"].text() == ""  # never read back from the keychain
    assert dialog.inputs["password"].placeholderText() == "kept in the keychain; type to replace"
    crm, name, auth, settings, secrets = dialog.values()
    assert (crm, name, auth, settings["domain"], secrets) == (
        "salesforce",
        "salesforce",
        "password",
        "test",
        {"password": "", "security_token": ""},
    )
