"""The screenshots script renders every page of the engagement it is given to PNG."""

from __future__ import annotations

import argparse

import pytest
from PySide6.QtGui import QImage

from workbench.ui import pages as registry
from workbench.ui import screenshots
from workbench.ui.screenshots import render_all


def test_screenshots_write_one_png_per_page_and_kind_at_the_size_asked(
    qtbot, demo_file, tmp_path, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    # render_all silences message boxes for unattended runs; undo that after the test.
    monkeypatch.setattr(QMessageBox, "exec", QMessageBox.exec)
    monkeypatch.setattr(screenshots, "fresh_demo", lambda folder: pytest.fail("built a demo"))
    written = render_all(tmp_path / "shots", demo=demo_file, size=(1440, 810))
    names = [p.name for p in written]
    pages = [f"{i:02d}-{item.key}.png" for i, item in enumerate(registry.PAGES, start=1)]
    assert names == (
        ["00-start.png"]
        + pages
        + [f"ci-{name}" for name in pages]
        + ["20-new-engagement-dialog.png", "21-import-wizard.png", "22-import-mapping.png"]
    )
    for path in written[: 1 + 2 * len(pages)]:
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1440, 810), path.name
    assert demo_file.exists()  # rendered from a copy; the demo itself is untouched


def test_without_an_engagement_a_fresh_demo_is_built_never_an_old_one(tmp_path, monkeypatch):
    """The user data folder's demo is not used: the run builds its own."""
    built: list = []

    def fake_fresh(folder):
        built.append(folder)
        raise SystemExit("stop here")

    monkeypatch.setattr(screenshots, "fresh_demo", fake_fresh)
    with pytest.raises(SystemExit, match="stop here"):
        render_all(tmp_path / "shots")
    assert len(built) == 1 and "workbench-shots-" in str(built[0])


def test_the_size_option_reads_width_by_height():
    assert screenshots._size("1366x768") == (1366, 768)
    assert screenshots._size("1920X1080") == (1920, 1080)
    for bad in ("wide", "1366", "10x10"):
        with pytest.raises(argparse.ArgumentTypeError):
            screenshots._size(bad)


def test_an_engagement_that_is_not_there_is_a_plain_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        screenshots.main([str(tmp_path / "out"), "--engagement", str(tmp_path / "none.engagement")])
    assert stop.value.code == 2
    assert "none.engagement is not an engagement file" in capsys.readouterr().err


def test_a_scaling_outside_what_screens_use_is_a_plain_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        screenshots.main([str(tmp_path / "out"), "--scale", "9"])
    assert exc.value.code == 2
    assert "give a scaling between 0.5 and 4 (1.25 for 125%)" in capsys.readouterr().err


def test_at_125_percent_the_window_lays_out_in_the_screen_divided_by_the_scaling():
    from workbench.ui.fit import scaled_screen

    assert scaled_screen(1366, 768, 1.25).toTuple() == (1092, 614)
    assert scaled_screen(1366, 768, 1.0).toTuple() == (1366, 768)
