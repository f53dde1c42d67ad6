"""The ``workbench`` command: headless commands over the same core as the GUI.

User errors exit 1 with one ``error: ...`` line on stderr and no traceback; usage
errors exit 2 (argparse). Capabilities add their commands through ``register``
functions in ``workbench.commands.<capability>``, listed in ``COMMAND_MODULES``.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import os
import sqlite3
import sys
from dataclasses import asdict
from pathlib import Path

from workbench import __version__
from workbench.commandline import (
    add_file_argument,
    add_json_argument,
    emit_json,
    opened,
    terminal_progress,
)
from workbench.errors import Cancelled, WorkbenchError
from workbench.models import ENGAGEMENT_TYPES, PROJECT_KINDS, Engagement, EngagementMeta
from workbench.models.engagement import storage_failure
from workbench.models.safeio import NO_SPACE, write_failure

# Modules that add subcommands (each has ``register(subparsers)``) and the commands
# each registers. The names are listed here so that a command imports only its own
# module: ``workbench info`` must not pay for scikit-learn. A test keeps the lists true.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "workbench.commands.importers": ("import", "import-fields", "imports", "rejects"),
    "workbench.commands.audits": ("audit", "baselines", "confirm", "findings"),
    "workbench.commands.dedup": ("merge-plan", "decide"),
    "workbench.commands.scoring": (
        "calibrate",
        "recalibration",
        "rules",
        "score",
        "validate-sample",
    ),
    "workbench.commands.evaluation": ("evaluate",),
    "workbench.commands.lifecycle": (
        "check",
        "criteria",
        "define",
        "history",
        "intake",
        "lifecycle",
        "meeting",
        "status",
    ),
    "workbench.commands.reports": ("export",),
    "workbench.commands.pull": ("pull", "pulls", "credentials"),
    "workbench.commands.coaching": (
        "coaching",
        "speakers",
        "trackers",
        "match-review",
        "scorecard",
    ),
    "workbench.commands.playbookdocs": ("intake-import", "tech-spec"),
    "workbench.commands.runs": ("runs",),
}
CORE_COMMANDS = ("new", "info", "demo", "gui")


def _modules_for(argv: list[str]) -> list[str]:
    """The command modules needed to parse ``argv`` (all of them for --help or a typo)."""
    first = argv[0] if argv else ""
    if first in CORE_COMMANDS or first == "--version":
        return []
    for module, names in COMMAND_MODULES.items():
        if first in names:
            return [module]
    return list(COMMAND_MODULES)


def command_summaries(module: str) -> list[tuple[str, str]] | None:
    """The (command, help) pairs ``module`` registers, read from its source.

    ``workbench --help`` lists every command with its one-line help; importing every
    command module for that would load pandas, scikit-learn and matplotlib (seconds).
    The help strings are literals in each ``register`` function, so they are read
    from the source instead. A test checks the result equals what ``register`` adds.
    None when the source cannot be read (a bundle may ship compiled modules only).
    """
    spec = importlib.util.find_spec(module)
    try:
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))  # type: ignore[union-attr]
    except (AttributeError, TypeError, OSError, SyntaxError, ValueError):
        return None  # no readable source (a frozen bundle): import the module instead
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    return _summaries_in(functions, "register", set()) if "register" in functions else None


def _summaries_in(
    functions: dict[str, ast.FunctionDef], name: str, visited: set[str]
) -> list[tuple[str, str]]:
    """``sub.add_parser(...)`` calls of function ``name`` and the helpers it hands ``sub``."""
    visited.add(name)
    func = functions[name]
    if not func.args.args:
        return []
    sub = func.args.args[0].arg
    calls = sorted(
        (n for n in ast.walk(func) if isinstance(n, ast.Call)),
        key=lambda n: (n.lineno, n.col_offset),
    )
    found: list[tuple[str, str]] = []
    for call in calls:
        target = call.func
        if (
            isinstance(target, ast.Attribute)
            and target.attr == "add_parser"
            and isinstance(target.value, ast.Name)
            and target.value.id == sub
            and call.args
            and isinstance(call.args[0], ast.Constant)
        ):
            text = ""
            for kw in call.keywords:
                if kw.arg == "help":
                    try:
                        text = str(ast.literal_eval(kw.value))
                    except ValueError:  # a computed help string: list the name alone
                        text = ""
            found.append((str(call.args[0].value), text))
        elif (
            isinstance(target, ast.Name)
            and target.id in functions
            and target.id not in visited
            and call.args
            and isinstance(call.args[0], ast.Name)
            and call.args[0].id == sub
        ):
            found.extend(_summaries_in(functions, target.id, visited))
    return found


def build_parser(
    modules: list[str] | None = None, *, summaries_only: bool = False
) -> argparse.ArgumentParser:
    """The ``workbench`` parser with the commands of ``modules`` (default: all).

    With ``summaries_only`` the capability commands are listed by name and help
    without importing their modules: enough for ``workbench --help``.
    """
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Workbench: CRM audits, deal scoring, platform evaluation and the "
        "documentation package for revenue- and conversation-intelligence engagements.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("new", help="create a new engagement file")
    p.add_argument("file", metavar="FILE", help="the .engagement file to create")
    p.add_argument("--customer", required=True, help="the customer's name")
    p.add_argument("--kind", required=True, choices=PROJECT_KINDS, help="project kind")
    p.add_argument(
        "--type",
        dest="engagement_type",
        default="single-project",
        choices=ENGAGEMENT_TYPES,
        help="engagement type (default single-project)",
    )
    p.add_argument(
        "--methodology",
        default="MEDDIC",
        help="sales methodology: MEDDIC, MEDDPICC, BANT, SPICED or custom",
    )
    p.add_argument(
        "--jurisdiction",
        action="append",
        default=[],
        metavar="CODE",
        help="operating jurisdiction for recording consent, e.g. US-CA, DE (repeat)",
    )
    p.add_argument("--currency", default="USD", help="ISO currency code (default USD)")
    p.add_argument(
        "--fiscal-start",
        type=int,
        default=1,
        metavar="MONTH",
        help="first month of the fiscal year, 1-12 (default 1)",
    )
    p.add_argument(
        "--fiscal-calendar",
        default="months",
        choices=("months", "4-4-5", "4-5-4", "5-4-4"),
        help="calendar months (default) or weeks per quarter (4-4-5, 4-5-4, 5-4-4)",
    )
    p.add_argument(
        "--fiscal-week-start",
        default="sunday",
        choices=("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        help="a week calendar's first weekday (default sunday)",
    )
    p.add_argument(
        "--fiscal-year-anchor",
        default="nearest",
        choices=("nearest", "last"),
        help="a week calendar's year starts on that weekday nearest to, or last on or "
        "before, the first of the start month (default nearest)",
    )
    p.add_argument(
        "--date-order",
        default="MDY",
        choices=("MDY", "DMY", "YMD"),
        help="how the customer's exports write dates when ambiguous (default MDY)",
    )
    p.add_argument("--consultancy", default="", help="your consultancy's name (title pages)")
    p.add_argument("--json", action="store_true", help="print the new engagement as JSON")
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser("info", help="show an engagement's settings and record counts")
    add_file_argument(p)
    add_json_argument(p)
    p.set_defaults(handler=cmd_info)

    p = sub.add_parser("demo", help="build the demo engagement and its documents, open the GUI")
    p.add_argument(
        "--out",
        default="workbench-demo",
        metavar="DIR",
        help="folder for the demo engagement and package (default ./workbench-demo)",
    )
    p.add_argument("--no-gui", action="store_true", help="do not open the GUI afterwards")
    p.add_argument("--seed", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    add_json_argument(p)
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("gui", help="open the GUI (same as 'workbench [FILE]')")
    p.add_argument("file", nargs="?", metavar="FILE")
    p.add_argument("--read-only", action="store_true")
    # Installers' smoke test: open the window (offscreen works), report, quit.
    p.add_argument("--smoke-exit", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_gui)

    for name in COMMAND_MODULES if modules is None else modules:
        summaries = command_summaries(name) if summaries_only else None
        if summaries is None:
            importlib.import_module(name).register(sub)
        else:
            for command, text in summaries:
                sub.add_parser(command, help=text)
    return parser


def cmd_new(args: argparse.Namespace) -> int:
    path = Path(args.file)
    if path.suffix != ".engagement":
        path = path.with_name(path.name + ".engagement")
    meta = EngagementMeta(
        customer=args.customer,
        project_kind=args.kind,
        engagement_type=args.engagement_type,
        methodology=args.methodology,
        jurisdictions=list(args.jurisdiction),
        currency=args.currency.upper(),
        fiscal_year_start_month=args.fiscal_start,
        date_order=args.date_order,
        consultancy=args.consultancy,
    )
    eng = Engagement.create(path, meta)
    try:
        if args.fiscal_calendar != "months":
            eng.set_setting(
                "fiscal_calendar",
                {
                    "pattern": args.fiscal_calendar,
                    "week_start": args.fiscal_week_start,
                    "anchor": args.fiscal_year_anchor,
                },
            )
        if args.json:
            emit_json({"path": str(path), **_meta_dict(eng)})
        else:
            print(f"Created {path} for {meta.customer} ({meta.project_kind}).")
    finally:
        eng.close()
    return 0


def _meta_dict(eng: Engagement) -> dict:
    return asdict(eng.meta())


def cmd_info(args: argparse.Namespace) -> int:
    with opened(args.file, read_only=True) as eng:
        info = {
            "path": str(Path(args.file)),
            "schema_version": eng.version,
            **_meta_dict(eng),
            "counts": eng.counts(),
        }
    if args.json:
        emit_json(info)
        return 0
    print(f"{info['customer']}  ({info['project_kind']}, {info['engagement_type']})")
    print(f"  file:         {info['path']} (schema v{info['schema_version']})")
    print(f"  methodology:  {info['methodology']}")
    print(
        f"  currency:     {info['currency']}; fiscal year starts in month "
        f"{info['fiscal_year_start_month']}"
    )
    print(
        f"  jurisdictions:{' ' + ', '.join(info['jurisdictions']) if info['jurisdictions'] else ' none set'}"
    )
    print(f"  created:      {info['created_at']}  updated: {info['updated_at']}")
    print("  records:")
    for name, n in info["counts"].items():
        print(f"    {name:<28}{n:>10,}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from workbench import demo

    result = demo.build_demo(
        Path(args.out), seed=args.seed, scale=args.scale, progress=terminal_progress()
    )
    if args.json:
        emit_json(result)
    else:
        print(f"Demo engagement: {result['engagement']}")
        if result.get("package"):
            print(f"Documentation package: {result['package']}")
        for line in result.get("notes", []):
            print(f"  {line}")
    if not args.no_gui and has_display():
        return launch_gui(result["engagement"], read_only=False)
    return 0


def has_display() -> bool:
    """Whether a GUI can be shown (a Linux session without DISPLAY cannot)."""
    if os.environ.get("QT_QPA_PLATFORM", "") == "offscreen":
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def launch_gui(
    file: str | Path | None, *, read_only: bool = False, smoke_exit: bool = False
) -> int:
    try:
        from workbench.ui.app import run_app
    except ImportError as exc:  # Qt missing or its system libraries absent
        raise WorkbenchError(
            f"The GUI cannot start here ({exc}). The command-line commands still work."
        ) from None
    return run_app(str(file) if file else None, read_only=read_only, smoke_exit=smoke_exit)


def cmd_gui(args: argparse.Namespace) -> int:
    if args.file:
        # Refuse a bad or locked file with the plain message before any window opens.
        Engagement.open(args.file, read_only=args.read_only).close()
    if args.smoke_exit:
        return launch_gui(args.file, read_only=args.read_only, smoke_exit=True)
    if not has_display():
        raise WorkbenchError(
            "There is no display to open the GUI on. The command-line commands work "
            "without one (workbench --help); python -m workbench.ui.screenshots DIR renders "
            "the pages to PNG."
        )
    return launch_gui(args.file, read_only=args.read_only)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    known = set(CORE_COMMANDS).union(*COMMAND_MODULES.values())
    if not argv or (not argv[0].startswith("-") and argv[0] not in known):
        argv = ["gui", *argv]
    modules = _modules_for(argv)
    # No known command first (--help, -h, an unknown option): nothing will run, so
    # list the commands without importing their modules.
    light = len(modules) == len(COMMAND_MODULES)
    args = build_parser(modules, summaries_only=light).parse_args(argv)
    if light and getattr(args, "command", None):
        args = build_parser().parse_args(argv)  # an unusual spelling reached a command
    if not hasattr(args, "handler"):
        build_parser(summaries_only=True).print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except WorkbenchError as exc:
        _fail(str(exc))
    except Cancelled as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _fail("Interrupted; nothing half-done was saved.", code=130)
    except sqlite3.DatabaseError as exc:
        file = Path(getattr(args, "file", None) or "")
        plain = storage_failure(file, exc) if file.name else None
        if plain is not None:
            _fail(str(plain))
        _fail(
            f"The engagement file could not be read or written ({exc}). It may be damaged "
            "or on a full disk; restore it from its latest backup if this persists."
        )
    except MemoryError:
        _fail("Not enough memory for this task; close other programs and try again.")
    except OSError as exc:
        if exc.errno in NO_SPACE:  # a full disk: say so, naming the file
            _fail(str(write_failure(Path(exc.filename or getattr(args, "file", "") or "."), exc)))
        name = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        _fail(f"Could not access{name}: {exc.strerror or exc}.")
    except Exception as exc:  # a bug: say so plainly, keep the details in a log
        from workbench.crashlog import write_crash_log

        log = write_crash_log(command=getattr(args, "command", None))
        where = (
            f"Details were written to {log}; please send that file to support."
            if log
            else "The details could not be saved (no writable log folder); please report it."
        )
        _fail(f"Workbench hit an internal error ({type(exc).__name__}: {exc}). {where}", code=3)
    return 1


def _fail(message: str, code: int = 1) -> None:
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(code)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
