"""Command-line commands of the reports capability: ``workbench export``."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.commandline import add_file_argument, emit_json, opened, terminal_progress
from workbench.errors import WorkbenchError
from workbench.models.vocabulary import count as plural_count


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``export`` to the ``workbench`` parser."""
    p = sub.add_parser(
        "export",
        help="write the customer documentation package (Word, Excel, calendars)",
        description="Build the documentation package from the engagement's own data. "
        "Documents whose data is not there yet are still written and say what is missing.",
    )
    add_file_argument(p)
    p.add_argument(
        "--out",
        metavar="DIR",
        default=None,
        help="output folder (default: '<customer> package' beside the engagement)",
    )
    p.add_argument(
        "--only",
        nargs="+",
        metavar="NAME",
        default=None,
        help="only these documents (see --list); the package index is always written",
    )
    p.add_argument("--zip", action="store_true", help="also write a single .zip of the package")
    p.add_argument(
        "--anonymize",
        "--anonymise",
        action="store_true",
        help="show reps and contacts as stable pseudonyms (Rep 07, Contact 112)",
    )
    p.add_argument(
        "--template",
        metavar="DOTX",
        default=None,
        help="your consultancy's Word template (.dotx or .docx) for every document",
    )
    p.add_argument("--consultancy", default=None, help="consultancy name on title pages")
    p.add_argument("--logo", metavar="IMAGE", default=None, help="logo (PNG/JPEG) for title pages")
    p.add_argument(
        "--version-label",
        dest="version_label",
        default=None,
        metavar="TEXT",
        help="document version printed on title pages (default 1.0)",
    )
    p.add_argument(
        "--status",
        choices=("DRAFT", "FINAL"),
        default=None,
        help="force the status on title pages (default: DRAFT while data is missing)",
    )
    p.add_argument(
        "--remember",
        action="store_true",
        help="save --consultancy, --logo and --template for later exports",
    )
    p.add_argument("--list", action="store_true", help="list the documents and exit")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON")
    p.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from workbench.models.runs import list_runs
    from workbench.reports.documents import provenance
    from workbench.reports.exports import record_export
    from workbench.reports.files import safe_filename
    from workbench.reports.package import available_documents, build_package
    from workbench.reports.preferences import (
        BrandingPreferences,
        load_preferences,
        save_preferences,
    )

    with opened(args.file, read_only=True) as eng:
        meta = eng.meta()
        if args.list:
            docs = available_documents(meta.project_kind)
            if args.json:
                emit_json(
                    [
                        {
                            "name": d.name,
                            "title": d.title,
                            "formats": list(d.formats),
                            "group": d.group,
                            "description": d.description,
                            "phase": provenance.phase(d.name),
                            "built_from": provenance.built_from(d.name),
                            "waiting_for": provenance.waiting_for(eng, d.name),
                        }
                        for d in docs
                    ]
                )
            else:
                for d in docs:
                    print(f"{d.name:<24}{d.title} ({', '.join(d.formats)})")
                    print(f"{'':<24}phase {provenance.phase(d.name)}; built from "
                          f"{provenance.built_from(d.name)}")  # fmt: skip
                    waiting = provenance.waiting_for(eng, d.name)
                    if waiting:
                        print(f"{'':<24}waiting for data: {'; '.join(waiting)}")
            return 0
        out = (
            Path(args.out)
            if args.out
            else Path(args.file).resolve().parent / safe_filename(f"{meta.customer} package")
        )
        for label, value in (("template", args.template), ("logo", args.logo)):
            if value and not Path(value).is_file():
                raise WorkbenchError(f"The {label} file {value} does not exist.")
        # The consultancy's branding: what was given now, else what was remembered.
        prefs = load_preferences()
        consultancy = args.consultancy or prefs.consultancy
        logo = args.logo or (str(prefs.usable_logo()) if prefs.usable_logo() else None)
        template = args.template or (
            str(prefs.usable_template()) if prefs.usable_template() else None
        )
        if args.remember:
            save_preferences(
                BrandingPreferences(
                    consultancy=consultancy or "",
                    logo=str(Path(logo).resolve()) if logo else "",
                    template=str(Path(template).resolve()) if template else "",
                )
            )
        branding = {
            "consultancy": consultancy,
            "logo": logo,
            "version": args.version_label,
            "status": args.status,
        }
        result = build_package(
            eng,
            out,
            only=args.only,
            anonymize=args.anonymize,
            template=Path(template) if template else None,
            zip_output=args.zip,
            branding={k: v for k, v in branding.items() if v},
            progress=terminal_progress(),
        )
        latest: dict = {}
        for run in list_runs(eng):
            latest.setdefault(run.kind, run)
    # The export is recorded in the engagement (the Deliverables page shows it); a file
    # that cannot be written to (read-only, open elsewhere) keeps the package regardless.
    recorded = None
    try:
        with opened(args.file) as eng:
            record_export(eng, result)
        recorded = True
    except (WorkbenchError, OSError) as exc:
        recorded = str(exc)
    if args.json:
        emit_json(result.as_dict() | {"runs": [r.describe() for r in latest.values()]})
        return 0
    for run in latest.values():
        if run.stale:
            print(f"note: the stored {run.kind} run #{run.id} is stale; {run.refresh}.")
    print(f"Wrote {len(result.files)} files to {result.out_dir}")
    for f in result.files:
        print(f"  {f.status:<6} {f.path.name}")
    if result.zip_path:
        print(f"  zip:   {result.zip_path.name}")
    for name, reason in result.skipped.items():
        print(f"  skipped {name}: {reason}")
    if result.missing:
        print(
            f"{plural_count(len(result.missing), 'section')} waiting for data; see the package index."
        )
    if recorded is not True:
        print(f"note: the export was not recorded in the engagement ({recorded}).")
    return 0
