"""The screenshots script renders every page of the demo engagement to PNG."""

from __future__ import annotations

from PySide6.QtGui import QImage

from workbench.ui import pages as registry
from workbench.ui.screenshots import render_all


def test_screenshots_write_one_png_per_page_and_dialog(qtbot, demo_file, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    # render_all silences message boxes for unattended runs; undo that after the test.
    monkeypatch.setattr(QMessageBox, "exec", QMessageBox.exec)
    written = render_all(tmp_path / "shots", demo=demo_file)
    names = [p.name for p in written]
    assert names == (
        ["00-start.png"]
        + [f"{i:02d}-{item.key}.png" for i, item in enumerate(registry.PAGES, start=1)]
        + ["20-new-engagement-dialog.png", "21-import-wizard.png", "22-import-mapping.png"]
    )
    for path in written[:8]:
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1400, 900), path.name
    assert demo_file.exists()  # rendered from a copy; the demo itself is untouched
