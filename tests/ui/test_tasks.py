"""The task runner: background work, progress, cancel, errors, one writer at a time."""

from __future__ import annotations

import threading

import pytest

from workbench.errors import Cancelled, WorkbenchError
from workbench.models import Engagement
from workbench.progress import Progress
from workbench.ui.tasks import TaskRunner


def _insert_until_cancelled(
    eng: Engagement, started: threading.Event, *, progress: Progress
) -> int:
    """A long core write: inserts users forever, reporting progress, in one transaction."""
    n = 0
    with eng.atomic() as conn:
        while True:
            conn.execute("INSERT INTO users (crm_id, name) VALUES (?, ?)", (f"U{n}", f"User {n}"))
            n += 1
            if n == 50:
                started.set()
            progress.update((n % 1000) / 1000, f"{n} users")


def _count_users(eng: Engagement, *, progress: Progress) -> tuple[int, str]:
    progress.update(0.5, "counting")
    return (
        eng.conn.execute("SELECT count(*) FROM users").fetchone()[0],
        threading.current_thread().name,
    )


@pytest.fixture
def runner(qtbot, new_engagement):
    runner = TaskRunner()
    runner.engagement = new_engagement
    yield runner
    runner.shutdown()


def test_a_task_runs_on_another_thread_with_its_own_connection(runner, qtbot):
    results = []
    with qtbot.waitSignal(runner.finished, timeout=10000) as blocker:
        runner.run("Counting", _count_users, on_success=results.append)
    outcome = blocker.args[0]
    assert outcome.ok and results == [(0, results[0][1])]
    assert results[0][1] != threading.current_thread().name
    assert runner.engagement._workers == []  # the worker connection was closed


def test_cancelling_a_long_write_raises_cancelled_and_commits_nothing(runner, qtbot):
    started = threading.Event()
    failures = []
    task = runner.run(
        "Adding users", _insert_until_cancelled, started, writes=True, on_failure=failures.append
    )
    assert started.wait(10)
    with qtbot.waitSignal(runner.finished, timeout=10000):
        task.cancel()
    assert len(failures) == 1 and isinstance(failures[0].error, Cancelled)
    assert runner.engagement.conn.execute("SELECT count(*) FROM users").fetchone()[0] == 0
    assert not runner.is_busy()


def test_the_cancel_button_in_the_status_bar_stops_the_task(
    window, qtbot, make_engagement, messages
):
    window.open_file(make_engagement())
    started = threading.Event()
    window.runner.run("Adding users", _insert_until_cancelled, started, writes=True)
    assert window.task_bar.isVisibleTo(window)
    assert started.wait(10)
    with qtbot.waitSignal(window.runner.finished, timeout=10000):
        window.task_bar.cancel_button.click()
    assert messages == ["Cancelled by the user; nothing was changed."]
    assert window.message_status.text() == "Adding users: cancelled; nothing was changed."
    assert not window.task_bar.isVisibleTo(window)
    assert window.engagement.counts()["users"] == 0


def _add_user(eng: Engagement, crm_id: str, *, progress: Progress) -> int:
    with eng.atomic() as conn:
        conn.execute("INSERT INTO users (crm_id, name) VALUES (?, ?)", (crm_id, crm_id))
    return int(eng.conn.execute("SELECT count(*) FROM users").fetchone()[0])


def test_writes_wait_in_order_behind_the_running_one(runner, qtbot):
    started = threading.Event()
    counts = []
    first = runner.run("Adding a user", _add_user, "A1", writes=True, on_success=counts.append)
    second = runner.run("Adding another", _add_user, "A2", writes=True, on_success=counts.append)
    assert runner.writing_task() is first and not second.isRunning()
    qtbot.waitUntil(lambda: len(counts) == 2, timeout=10000)
    assert counts == [1, 2]  # the second saw the first's change
    # a write that fails or is cancelled drops the ones queued behind it
    long = runner.run(
        "Adding users", _insert_until_cancelled, started, writes=True, on_failure=lambda o: None
    )
    runner.run("Adding a third", _add_user, "A3", writes=True, on_success=counts.append)
    assert started.wait(10)
    with qtbot.waitSignal(runner.finished, timeout=10000):
        long.cancel()
    assert not runner.is_busy() and counts == [1, 2]
    assert runner.engagement.counts()["users"] == 2


def _fail_plainly(eng, *, progress):
    raise WorkbenchError("Row 7, column Amount: 'abc' is not a number.")


def _crash(eng, *, progress):
    raise KeyError("boom")


def test_errors_come_back_as_one_dialog_plain_or_with_collapsed_details(
    window, qtbot, make_engagement, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    boxes = []
    monkeypatch.setattr(
        QMessageBox, "exec", lambda box: boxes.append((box.text(), box.detailedText())) or 0
    )
    window.open_file(make_engagement())
    with qtbot.waitSignal(window.runner.finished, timeout=10000):
        window.runner.run("Checking", _fail_plainly)
    with qtbot.waitSignal(window.runner.finished, timeout=10000):
        window.runner.run("Crashing", _crash)
    assert boxes[0] == ("Row 7, column Amount: 'abc' is not a number.", "")
    assert boxes[1][0].startswith("Something unexpected went wrong")
    assert "KeyError: 'boom'" in boxes[1][1] and "Traceback" in boxes[1][1]


def test_closing_the_engagement_cancels_its_task_without_a_dialog(
    window, qtbot, make_engagement, messages
):
    path = make_engagement()
    window.open_file(path)
    started = threading.Event()
    window.runner.run("Adding users", _insert_until_cancelled, started, writes=True)
    assert started.wait(10)
    window.close_engagement()  # waits for the task; it rolls back
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)
    assert messages == []
    with Engagement.open(path, read_only=True) as eng:
        assert eng.counts()["users"] == 0


def _start_long_write(window, make_engagement):
    path = make_engagement()
    window.open_file(path)
    started = threading.Event()
    window.runner.run("Adding users", _insert_until_cancelled, started, writes=True)
    assert started.wait(10)
    return path


QUESTION = (
    "\u201cAdding users\u201d is still running. Stop it and {}? What it was changing is not "
    "saved; the engagement stays as it was before the task."
)


def test_closing_the_window_during_a_task_asks_and_keeps_working_by_default(
    window, qtbot, make_engagement, messages
):
    path = _start_long_write(window, make_engagement)
    assert not window.close()  # the question is answered with its default: keep working
    assert messages == [QUESTION.format("close")]
    assert window.engagement is not None and window.runner.is_busy()
    window.close_engagement()
    with Engagement.open(path, read_only=True) as eng:
        assert eng.counts()["users"] == 0  # cancelled later: rolled back, nothing half-saved


def test_opening_a_second_engagement_during_a_task_asks_first(
    window, qtbot, make_engagement, messages
):
    second = make_engagement("Globex")
    first = _start_long_write(window, make_engagement)
    assert not window.open_file(second)  # kept working: the first stays open
    assert messages == [QUESTION.format("open the other engagement")]
    assert window.engagement.path == first

    window.close_engagement()
    with Engagement.open(first, read_only=True) as eng:
        assert eng.counts()["users"] == 0
