"""Open one page on its own, on the demo engagement: ``python -m workbench.ui.preview data``.

Every page module can offer ``preview()`` as ``return preview_page(__name__)``;
screenshots and tests use ``open_demo_context`` to get the same demo data.
"""

from __future__ import annotations

import sys
from pathlib import Path

from workbench.models import Engagement
from workbench.ui.recent import data_dir


def demo_engagement_path(folder: Path | None = None, *, rebuild: bool = False) -> Path:
    """The demo engagement file, built once (into the user data folder by default)."""
    from workbench.demo import build_demo
    from workbench.ui.main_window import _is_current_engagement

    folder = folder or data_dir() / "demo"
    path = folder / "Northwind Robotics.engagement"
    if rebuild or not _is_current_engagement(path):
        path = Path(build_demo(folder, with_package=False, with_story=True)["engagement"])
    return path


def preview_page(module_or_key: str, file: Path | None = None) -> int:
    """Show the page (by registry key or module name) alone in a window on demo data."""
    from workbench.ui import pages as registry
    from workbench.ui.app import application
    from workbench.ui.context import PageContext
    from workbench.ui.tasks import TaskRunner

    app = application()
    key = module_or_key.rsplit(".", 1)[-1]
    item = registry.entry(key)
    eng = Engagement.open(file or demo_engagement_path())
    runner = TaskRunner()
    runner.engagement = eng
    context = PageContext(eng, runner)
    page = registry.create_page(item, context)
    page.setWindowTitle(f"{item.title} (preview) \u2014 Workbench")
    page.resize(1400, 900)
    page.show()
    try:
        return int(app.exec())
    finally:
        runner.shutdown()
        eng.close()


if __name__ == "__main__":
    sys.exit(preview_page(sys.argv[1] if len(sys.argv) > 1 else "overview"))
