"""``workbench runs``: the stored runs of an engagement, newest first.

Every audit, calibration, scoring and evaluation analysis is stored as a run; this
lists them (number, kind and its title, when computed, the day it treats as today,
whether its inputs changed since) so an older one can be shown by its number with
``workbench audit FILE --run N``, ``workbench score FILE --run N`` or ``workbench
calibrate FILE --run N``.
"""

from __future__ import annotations

import argparse

from workbench.commandline import add_file_argument, add_json_argument, emit_json, opened
from workbench.errors import WorkbenchError


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``runs`` to the ``workbench`` parser."""
    p = sub.add_parser(
        "runs",
        help="list the stored runs (audits, calibration, scoring, evaluation), newest first",
        description="List the engagement's stored runs: number, kind, when computed, the day "
        "it treats as today and whether its inputs changed since (stale). Show an older one "
        "with 'workbench audit FILE --run N', 'workbench score FILE --run N' or "
        "'workbench calibrate FILE --run N'.",
    )
    add_file_argument(p)
    p.add_argument(
        "--kind",
        metavar="K",
        help="only runs of kind K (audit, audit:capture, calibration, scoring, evaluation, ...)",
    )
    add_json_argument(p)
    p.set_defaults(handler=cmd_runs)


def _matches(kind: str, wanted: str) -> bool:
    """``audit`` matches every audit kind; ``capture`` matches ``audit:capture``."""
    return kind == wanted or kind.split(":", 1)[0] == wanted or kind.split(":", 1)[-1] == wanted


def cmd_runs(args: argparse.Namespace) -> int:
    from workbench.models.runs import RUN_TITLES, list_runs, run_title

    with opened(args.file, read_only=True) as eng:
        runs = list_runs(eng)
    wanted = (args.kind or "").strip().lower()
    if wanted:
        known = sorted(set(RUN_TITLES) | {r.kind for r in runs})
        if not any(_matches(k, wanted) for k in known):
            raise WorkbenchError(
                f"There is no kind of run called {args.kind!r}; the kinds are {', '.join(known)}."
            )
        runs = [r for r in runs if _matches(r.kind, wanted)]
    if args.json:
        emit_json(
            {
                "runs": [
                    {
                        "id": r.id,
                        "kind": r.kind,
                        "title": run_title(r.kind),
                        "created_at": r.created_at,
                        "as_of": r.as_of,
                        "parameters": r.parameters,
                        "stale": r.stale,
                    }
                    for r in runs
                ]
            }
        )
        return 0
    if not runs:
        print("No stored run" + (f" of kind {args.kind}" if wanted else "") + " yet.")
        return 0
    print(f"{'run':>5}  {'kind':<24}{'title':<38}{'computed':<18}{'as of':<12}state")
    for r in runs:
        state = f"stale: {r.refresh}" if r.stale else "current"
        print(
            f"{'#' + str(r.id):>5}  {r.kind:<24}{run_title(r.kind)[:36]:<38}"
            f"{r.created_at[:16].replace('T', ' '):<18}{r.as_of:<12}{state}"
        )
    return 0
