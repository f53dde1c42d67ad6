"""Command-line commands of the importers: import, imports, rejects, import-fields."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.commandline import (
    add_file_argument,
    add_json_argument,
    emit_json,
    opened,
    terminal_progress,
)
from workbench.errors import WorkbenchError


def register(sub: argparse._SubParsersAction) -> None:
    """Add this capability's subcommands to the ``workbench`` parser."""
    p = sub.add_parser("import", help="import a CRM export (CSV or XLSX) into an engagement")
    add_file_argument(p)
    p.add_argument("source", metavar="SOURCE", help="the export file (.csv, .txt, .xlsx)")
    p.add_argument(
        "--entity",
        default=None,
        help="what the file holds: opportunities, accounts, contacts, "
        "opportunity_contact_roles, opportunity_history, activities, users, "
        "meetings, forecast_submissions, platform_usage, transcripts (default: detected)",
    )
    p.add_argument(
        "--profile",
        default="auto",
        help="auto, salesforce-api, salesforce-report, hubspot, zoom, generic, or "
        "the name of a saved mapping (default auto)",
    )
    p.add_argument(
        "--mapping",
        metavar="MAPFILE.json",
        help='JSON file {"field": "column header"} (or {"entity": E, "mapping": {...}})',
    )
    p.add_argument("--sheet", help="the sheet of an Excel workbook (default: detected)")
    p.add_argument(
        "--save-mapping",
        metavar="NAME",
        help="save the mapping used under NAME (engagement and your library)",
    )
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="only show how the file would be imported (detected layout and mapping)",
    )
    add_json_argument(p)
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("imports", help="list the imports of an engagement")
    add_file_argument(p)
    add_json_argument(p)
    p.set_defaults(handler=cmd_imports)

    p = sub.add_parser("rejects", help="list the rows an import could not take")
    add_file_argument(p)
    p.add_argument("import_id", metavar="IMPORT_ID", type=int, help="the import's number")
    add_json_argument(p)
    p.set_defaults(handler=cmd_rejects)

    p = sub.add_parser("import-fields", help="list the fields each entity can import")
    p.add_argument("--entity", default=None)
    add_json_argument(p)
    p.set_defaults(handler=cmd_fields)


def cmd_import(args: argparse.Namespace) -> int:
    from workbench.coaching.transcripts import looks_like_transcript
    from workbench.importers import detect, import_file, load_mapping_file, save_mapping

    # Call transcripts (WebVTT, SRT, timed lines, JSON, or a folder of them) go to coaching.
    if args.entity == "transcripts" or (
        args.entity is None and looks_like_transcript(Path(args.source))
    ):
        from workbench.commands.coaching import import_transcripts_command

        return import_transcripts_command(args)

    entity, mapping = args.entity, None
    if args.mapping:
        file_entity, mapping = load_mapping_file(Path(args.mapping))
        if file_entity and entity and file_entity != entity:
            raise WorkbenchError(
                f"The mapping file is for {file_entity} but --entity says {entity}."
            )
        entity = entity or file_entity
    source = Path(args.source)
    if args.dry_run:
        with opened(args.file, read_only=True) as eng:
            found = detect(
                source,
                entity=entity,
                sheet=args.sheet,
                eng=eng,
                profile=args.profile,
                mapping=mapping,
            )
        if args.json:
            emit_json(found)
        else:
            print(
                f"{found.source_name}: {found.entity} ({found.profile}), "
                f"{len(found.columns)} columns, header on row {found.header_row + 1}, "
                f"{found.encoding}"
            )
            for target, header in found.mapping.items():
                print(f"  {target:<24} <- {header}")
            for line in found.problems + found.notes:
                print(f"  ! {line}")
        return 0
    with opened(args.file) as eng:
        result = import_file(
            eng,
            source,
            entity=entity,
            profile=args.profile,
            mapping=mapping,
            sheet=args.sheet,
            progress=terminal_progress(),
        )
        if args.save_mapping:
            save_mapping(eng, args.save_mapping, result.entity, result.mapping)
    if args.json:
        emit_json(
            {
                "import_id": result.import_id,
                "entity": result.entity,
                "profile": result.profile,
                "source_name": result.source_name,
                "sha256": result.sha256,
                "rows_read": result.rows_read,
                "rows_imported": result.rows_imported,
                "rows_updated": result.rows_updated,
                "rows_rejected": result.rows_rejected,
                "rows_skipped": result.rows_skipped,
                "rejected": result.rejects,
                "mapping": result.mapping,
                "notes": result.notes,
            }
        )
        return 0
    print(f"Import {result.import_id}: {result.source_name} as {result.entity} ({result.profile}).")
    print(
        f"  {result.rows_read:,} rows read: {result.rows_imported:,} new, "
        f"{result.rows_updated:,} updated, {result.rows_rejected:,} rejected, "
        f"{result.rows_skipped:,} skipped (report decoration)."
    )
    for note in result.notes:
        print(f"  note: {note}")
    for r in result.rejects[:10]:
        column = f", column {r.column}" if r.column else ""
        print(f"  rejected row {r.row}{column}: {r.reason}")
    if result.rows_rejected > 10:
        print(f"  ... all rejects: workbench rejects {args.file} {result.import_id}")
    return 0


def cmd_imports(args: argparse.Namespace) -> int:
    from workbench.importers import import_history

    with opened(args.file, read_only=True) as eng:
        history = import_history(eng)
    if args.json:
        emit_json(history)
        return 0
    if not history:
        print("No imports yet.")
    for h in history:
        print(
            f"{h.import_id:>4}  {h.started_at}  {h.entity:<26} {h.source_name}  "
            f"read {h.rows_read:,}, new {h.rows_imported:,}, updated {h.rows_updated:,}, "
            f"rejected {h.rows_rejected:,}, skipped {h.rows_skipped:,}  [{h.profile}]"
        )
    return 0


def cmd_rejects(args: argparse.Namespace) -> int:
    from workbench.importers import import_rejects

    with opened(args.file, read_only=True) as eng:
        rejects = import_rejects(eng, args.import_id)
    if args.json:
        emit_json(rejects)
        return 0
    if not rejects:
        print(f"Import {args.import_id} rejected nothing.")
    for r in rejects:
        column = f"column {r.column}" if r.column else "whole row"
        value = f" value {r.value!r}" if r.value is not None else ""
        print(f"row {r.row}, {column}:{value} {r.reason}")
    return 0


def cmd_fields(args: argparse.Namespace) -> int:
    from workbench.importers import ENTITIES

    specs = [ENTITIES[args.entity]] if args.entity in ENTITIES else list(ENTITIES.values())
    if args.entity and args.entity not in ENTITIES:
        raise WorkbenchError(f"Unknown entity {args.entity!r}; use one of: {', '.join(ENTITIES)}.")
    if args.json:
        emit_json(
            {
                s.name: [
                    {
                        "name": f.name,
                        "type": f.type,
                        "required": f.required,
                        "description": f.description,
                    }
                    for f in s.fields
                ]
                for s in specs
            }
        )
        return 0
    for s in specs:
        print(f"{s.name} ({s.label})")
        for f in s.fields:
            req = " (required)" if f.required else ""
            print(f"  {f.name:<26}{f.type:<9}{f.description}{req}")
    return 0
