"""Python's cycle collector runs on the GUI thread only while the GUI is up: a collection
on a task's worker thread could free Qt objects there (a segmentation fault seen in a
test run, "Garbage-collecting" on the worker thread)."""

from __future__ import annotations

import gc
import threading

from workbench.ui.tasks import GuiThreadCollector, TaskRunner, install_gui_thread_collector


def test_the_runner_turns_automatic_collection_over_to_the_gui_thread(qapp) -> None:
    gc.enable()  # as a program that never made a runner would have it
    TaskRunner()
    assert not gc.isenabled()  # the runner handed collection to the GUI thread
    collector = install_gui_thread_collector()
    assert isinstance(collector, GuiThreadCollector)
    assert install_gui_thread_collector() is collector  # one per application
    assert not gc.isenabled()


def test_the_collector_collects_cycles_on_the_gui_thread(qapp) -> None:
    collector = install_gui_thread_collector()
    threads: list[threading.Thread] = []

    class Cycle:
        def __init__(self) -> None:
            self.me = self

        def __del__(self) -> None:
            threads.append(threading.current_thread())

    gc.collect()
    for _ in range(collector.thresholds[0] + 10):
        Cycle()
    assert threads == []  # nothing collected automatically meanwhile
    collector.check()
    assert threads and set(threads) == {threading.main_thread()}
