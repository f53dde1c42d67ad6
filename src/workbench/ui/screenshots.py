"""Render every page offscreen to PNG: ``python -m workbench.ui.screenshots OUTDIR``.

``[--size WxH] [--scale 1.25] [--engagement FILE]``: renders the engagement given, or
a demo built fresh for this run (never an older one left in the user data folder), on
a private copy, on a screen of the size asked (1366x768, a common laptop screen, by
default) at the display scaling asked (``--scale 1.25`` is Windows' 125%: the window
lays out in 1092x614 and the PNG has the screen's pixels). It writes
the start page, every registered page (in sidebar order), the same pages again as a
conversation-intelligence project (``ci-NN-page.png``), the New engagement dialog
and the import wizard. Any text a page cuts at that size is printed (see
``workbench.ui.fit``). Anyone can look at the UI this way, without a display.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")

SIZE = (1366, 768)
KINDS = ("revenue-intelligence", "conversation-intelligence")
SAMPLE_IMPORT = "opportunities-sample.csv"


def _settle(app) -> None:
    for _ in range(3):
        app.processEvents()


def _save(widget, path: Path, app) -> Path:
    _settle(app)
    widget.grab().save(str(path))
    return path


def fresh_demo(folder: Path) -> Path:
    """A demo engagement built now in ``folder`` (with its story: findings, meetings)."""
    from workbench.demo import build_demo

    return Path(build_demo(folder, with_package=False, with_story=True)["engagement"])


def render_all(
    out: Path, demo: Path | None = None, size: tuple[int, int] = SIZE, scale: float = 1.0
) -> list[Path]:
    """Write the PNGs into ``out``; return their paths in order.

    ``demo`` is the engagement to render (a fresh demo when None); it is copied first
    and never changed. ``scale`` other than 1 must be set before Qt starts: it is put
    in ``QT_SCALE_FACTOR`` here, so call this before anything creates the application.
    """
    if scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = f"{scale:g}"
    from PySide6.QtWidgets import QMessageBox

    from workbench.models import Engagement
    from workbench.ui import pages as registry
    from workbench.ui.app import application
    from workbench.ui.fit import clipped_texts, scaled_screen, too_big
    from workbench.ui.main_window import MainWindow
    from workbench.ui.new_engagement import NewEngagementDialog
    from workbench.ui.recent import add_recent

    out.mkdir(parents=True, exist_ok=True)
    app = application()
    # Nobody is there to click OK: print any message instead of waiting for a click.
    QMessageBox.exec = lambda box: print(f"message: {box.text()}", file=sys.stderr) or 0
    work = Path(tempfile.mkdtemp(prefix="workbench-shots-"))
    source = demo or fresh_demo(work / "demo")
    copy = work / source.name
    shutil.copy2(source, copy)
    written: list[Path] = []
    # Never touch the user's own recent list: a private settings folder for the run,
    # with the demo in it so the start page shows what a recent entry looks like.
    previous_config = os.environ.get("WORKBENCH_CONFIG_DIR")
    os.environ["WORKBENCH_CONFIG_DIR"] = str(work / "config")
    add_recent(copy)
    window = MainWindow()
    room = scaled_screen(*size, scale)
    window.resize(room)
    window.show()

    def report_fit(name: str) -> None:
        problems = clipped_texts(window)
        big = too_big(window, room)
        for problem in problems + ([big] if big else []):
            print(f"does not fit: {name}: {problem}", file=sys.stderr)

    try:
        written.append(_save(window, out / "00-start.png", app))
        for kind in KINDS:
            prefix = "" if kind == KINDS[0] else "ci-"
            shown = copy
            if prefix:
                window.close_engagement()
                shown = work / f"ci-{copy.name}"
                shutil.copy2(copy, shown)
                with Engagement.open(shown) as eng:
                    eng.update_meta(project_kind=kind)
            if not window.open_file(shown):
                raise SystemExit(f"could not open {shown}")
            for number, item in enumerate(registry.PAGES, start=1):
                page = window.show_page(item.key)
                prepare = getattr(page, "prepare_screenshot", None)
                if callable(prepare):
                    prepare()
                name = f"{prefix}{number:02d}-{item.key}.png"
                written.append(_save(window, out / name, app))
                report_fit(name)

        dialog = NewEngagementDialog(window, work)
        dialog.customer.setText("Contoso Manufacturing")
        dialog.jurisdictions.setText("US-CA, US-IL, GB")
        dialog.resize(640, dialog.sizeHint().height())
        dialog.show()
        written.append(_save(dialog, out / "20-new-engagement-dialog.png", app))
        dialog.close()

        wizard = _import_wizard(window, work)
        if wizard is not None:
            _wait_for_tasks(window.runner, app)
            wizard.resize(1100, 760)
            wizard.show()
            written.append(_save(wizard, out / "21-import-wizard.png", app))
            mapping = getattr(wizard, "show_mapping_step", None)
            if callable(mapping):
                mapping()
                written.append(_save(wizard, out / "22-import-mapping.png", app))
            wizard.close()
    finally:
        window.close()
        _settle(app)
        if previous_config is None:
            os.environ.pop("WORKBENCH_CONFIG_DIR", None)
        else:
            os.environ["WORKBENCH_CONFIG_DIR"] = previous_config
        shutil.rmtree(work, ignore_errors=True)
    return written


def _wait_for_tasks(runner, app, timeout_s: float = 60.0) -> None:
    import time

    deadline = time.monotonic() + timeout_s
    while runner.is_busy() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    app.processEvents()


def _import_wizard(window, work: Path):
    """The Data page's import wizard on a small sample export, if the page has one."""
    from workbench.ui.importing import importers_available

    if not importers_available():
        return None
    from workbench.ui.import_wizard import ImportWizard, write_sample_export

    sample = write_sample_export(work / SAMPLE_IMPORT)
    return ImportWizard(window.context, [sample], parent=window)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m workbench.ui.screenshots", description=__doc__.splitlines()[0]
    )
    parser.add_argument("outdir", type=Path, help="folder for the PNG files")
    parser.add_argument(
        "--engagement",
        "--demo",
        dest="engagement",
        type=Path,
        default=None,
        help="the engagement file to render (default: a demo built fresh for this run)",
    )
    parser.add_argument(
        "--size",
        type=_size,
        default=SIZE,
        help=f"window size as WIDTHxHEIGHT (default {SIZE[0]}x{SIZE[1]})",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="display scaling, e.g. 1.25 for 125%% (default 1)",
    )
    args = parser.parse_args(argv)
    if not 0.5 <= args.scale <= 4:
        parser.error(f"--scale {args.scale:g}: give a scaling between 0.5 and 4 (1.25 for 125%)")
    if args.engagement is not None and not args.engagement.is_file():
        parser.error(f"{args.engagement} is not an engagement file")
    for path in render_all(args.outdir, args.engagement, args.size, args.scale):
        print(path)
    return 0


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r}: write the size as WIDTHxHEIGHT, e.g. 1366x768"
        ) from None
    if not (320 <= width <= 10000 and 240 <= height <= 10000):
        raise argparse.ArgumentTypeError(
            f"{text!r}: the size must be between 320x240 and 10000x10000"
        )
    return width, height


if __name__ == "__main__":
    sys.exit(main())
