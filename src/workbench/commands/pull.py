"""Command-line commands of the live pulls: ``pull salesforce|hubspot`` and ``credentials``.

Secrets are never arguments (they would stay in the shell history): they are asked for
without echo on a terminal, or read one per line from standard input when it is not a
terminal (``sf org display ... | workbench pull salesforce FILE --session-id``), and
go straight to the OS keyring.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from workbench.commandline import (
    add_file_argument,
    add_json_argument,
    emit_json,
    opened,
    terminal_progress,
)
from workbench.errors import WorkbenchError
from workbench.models.vocabulary import count as plural_count


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``pull`` and ``credentials`` to the ``workbench`` parser."""
    p = sub.add_parser("pull", help="pull live data from Salesforce or HubSpot")
    crm = p.add_subparsers(dest="crm", metavar="CRM", required=True)

    s = crm.add_parser("salesforce", help="pull a Salesforce org")
    add_file_argument(s)
    s.add_argument(
        "--connection", default="salesforce", help="connection name (default salesforce)"
    )
    s.add_argument("--username", help="Salesforce user name (password or JWT sign-in)")
    s.add_argument(
        "--domain",
        help="login (production, default), test (sandbox) or your My Domain prefix",
    )
    s.add_argument("--consumer-key", help="connected app consumer key (JWT sign-in)")
    s.add_argument("--jwt-key", metavar="KEYFILE", help="private key file (JWT sign-in)")
    s.add_argument("--instance-url", help="instance URL of an existing session")
    s.add_argument(
        "--session-id",
        action="store_true",
        help="ask for (or read from standard input) a fresh session id for --instance-url",
    )
    s.add_argument("--objects", help="comma-separated objects (default: all Workbench uses)")
    s.add_argument("--full", action="store_true", help="pull everything, not only changes")
    s.add_argument(
        "--bulk-threshold",
        type=int,
        default=50_000,
        help="objects with more rows than this use the Bulk API 2.0 (default 50000)",
    )
    s.add_argument(
        "--max-api-share",
        type=float,
        default=0.5,
        help="stop before the org's daily API use would pass this share (default 0.5)",
    )
    _common(s)
    s.set_defaults(handler=cmd_pull_salesforce)

    h = crm.add_parser("hubspot", help="pull a HubSpot portal")
    add_file_argument(h)
    h.add_argument("--connection", default="hubspot", help="connection name (default hubspot)")
    h.add_argument(
        "--base-url",
        help="API host of another data centre, e.g. https://api-eu1.hubapi.com",
    )
    h.add_argument(
        "--objects",
        help="comma-separated: owners, pipelines, companies, contacts, "
        "deals, associations (default all)",
    )
    h.add_argument("--full", action="store_true", help="pull everything, not only changes")
    _common(h)
    h.set_defaults(handler=cmd_pull_hubspot)

    ls = sub.add_parser("pulls", help="when each object of each connection was last pulled")
    add_file_argument(ls)
    add_json_argument(ls)
    ls.set_defaults(handler=cmd_pulls)

    c = sub.add_parser("credentials", help="list, store or delete CRM sign-ins (OS keyring)")
    action = c.add_subparsers(dest="action", metavar="ACTION", required=True)
    lst = action.add_parser("list", help="the connections and which secrets the keyring holds")
    add_file_argument(lst)
    _insecure(lst)
    add_json_argument(lst)
    lst.set_defaults(handler=cmd_credentials_list)
    st = action.add_parser("set", help="create a connection and store its secrets")
    add_file_argument(st)
    st.add_argument("name", metavar="NAME", help="connection name")
    st.add_argument("--crm", choices=("salesforce", "hubspot"), help="default: from NAME")
    st.add_argument("--auth", choices=("password", "jwt", "session", "token"))
    st.add_argument("--username")
    st.add_argument("--domain")
    st.add_argument("--instance-url")
    st.add_argument("--base-url")
    st.add_argument("--consumer-key")
    st.add_argument("--jwt-key", metavar="KEYFILE")
    _insecure(st)
    st.set_defaults(handler=cmd_credentials_set)
    de = action.add_parser("delete", help="remove a connection's secrets from the keyring")
    add_file_argument(de)
    de.add_argument("name", metavar="NAME")
    _insecure(de)
    de.set_defaults(handler=cmd_credentials_delete)


def _insecure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--allow-insecure-keyring",
        action="store_true",
        help="accept a keyring backend that may store secrets unencrypted",
    )


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="OBJECT.FIELD=COLUMN",
        help="map a CRM field to a Workbench field, e.g. Opportunity.next_step=Next_Steps__c "
        "(kept for later pulls of the connection; OBJECT.FIELD= removes it)",
    )
    _insecure(p)
    add_json_argument(p)


def _objects(text: str | None) -> tuple[str, ...] | None:
    return tuple(o.strip() for o in text.split(",") if o.strip()) if text else None


def _mapping(pairs: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for pair in pairs:
        left, eq, column = pair.partition("=")
        obj, dot, target = left.partition(".")
        if not (eq and dot and obj and target):
            raise WorkbenchError(
                f"--map {pair!r} is not OBJECT.FIELD=COLUMN (e.g. Opportunity.next_step="
                "Next_Steps__c)."
            )
        out.setdefault(obj.strip(), {})[target.strip()] = column.strip()
    return out


def _ask(label: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"{label}: ")
    return sys.stdin.readline().rstrip("\r\n")


def _store_missing(conn, allow: bool, *, fresh: tuple[str, ...] = ()) -> None:
    """Ask for the secrets the keyring lacks (or ``fresh`` ones) and store them."""
    from workbench.importers.pulls import credentials as C

    missing = [
        n
        for n in conn.secret_names
        if n in fresh or not C.get_secret(conn, n, allow_insecure=allow)
    ]
    if missing == ["security_token"] and not fresh:
        missing = []  # optional: orgs that trust the network need no token
    values = {name: _ask(f"{C.SECRET_LABELS[name]} for {conn.name}") for name in missing}
    values = {k: v for k, v in values.items() if v}
    if values:
        C.set_secrets(conn, values, allow_insecure=allow)


def cmd_pull_salesforce(args: argparse.Namespace) -> int:
    from workbench.importers.pulls.operations import (
        SalesforcePullRequest,
        pull_salesforce,
        salesforce_connection,
    )

    request = SalesforcePullRequest(
        connection=args.connection,
        username=args.username,
        domain=args.domain,
        consumer_key=args.consumer_key,
        key_file=args.jwt_key,
        instance_url=args.instance_url,
        objects=_objects(args.objects),
        full=args.full,
        bulk_threshold=args.bulk_threshold,
        max_api_share=args.max_api_share,
        mapping=_mapping(args.map),
        allow_insecure_keyring=args.allow_insecure_keyring,
    )
    if not 0 < args.max_api_share <= 1:
        raise WorkbenchError("--max-api-share is a share between 0 and 1, e.g. 0.5.")
    with opened(args.file) as eng:
        conn = salesforce_connection(eng, request)
        fresh = ("session_id",) if args.session_id else ()
        _store_missing(conn, args.allow_insecure_keyring, fresh=fresh)
        result = pull_salesforce(eng, request, progress=terminal_progress())
    _report(result, args.json)
    return 0


def cmd_pull_hubspot(args: argparse.Namespace) -> int:
    from workbench.importers.pulls import credentials as C
    from workbench.importers.pulls.operations import HubSpotPullRequest, pull_hubspot

    request = HubSpotPullRequest(
        connection=args.connection,
        base_url=args.base_url,
        objects=_objects(args.objects),
        full=args.full,
        mapping=_mapping(args.map),
        allow_insecure_keyring=args.allow_insecure_keyring,
    )
    with opened(args.file) as eng:
        conn = C.get_connection(eng, args.connection)
        if conn is None or args.base_url:
            conn = C.save_connection(
                eng, args.connection, "hubspot", "token", base_url=args.base_url
            )
        _store_missing(conn, args.allow_insecure_keyring)
        result = pull_hubspot(eng, request, progress=terminal_progress())
    _report(result, args.json)
    return 0


def _report(result, as_json: bool) -> None:
    if as_json:
        emit_json(result)
        return
    print(
        f"Pull {result.pull_id} from {result.connection} ({result.crm}, {result.mode}): "
        f"{plural_count(len(result.objects), 'object')}."
    )
    for o in result.objects:
        reported = "" if o.rows_reported is None else f" of {o.rows_reported:,} reported"
        print(
            f"  {o.object:<24} {o.rows_pulled:>8,} pulled{reported} ({o.method}): "
            f"{o.rows_imported:,} new, {o.rows_updated:,} updated, {o.rows_rejected:,} rejected"
        )
    for o in result.objects:
        if o.custom_fields:
            fields = ", ".join(f"{f['name']} ({f['label']})" for f in o.custom_fields[:12])
            more = len(o.custom_fields) - 12
            print(
                f"  custom fields of {o.object}: {fields}"
                + (f" and {more} more" if more > 0 else "")
            )
    if result.api_allowance:
        print(f"  API use: {result.api_used:,} of {result.api_allowance:,} daily requests.")


def cmd_credentials_list(args: argparse.Namespace) -> int:
    from workbench.importers.pulls import credentials as C

    with opened(args.file, read_only=True) as eng:
        statuses = C.connection_statuses(eng, allow_insecure=args.allow_insecure_keyring)
    if args.json:
        emit_json(statuses)
        return 0
    if not statuses:
        print("No connections yet: 'workbench credentials set FILE NAME' creates one.")
    for s in statuses:
        held = (
            ", ".join(
                f"{C.SECRET_LABELS[k].lower()} {'stored' if v else 'missing'}"
                for k, v in s.secrets.items()
            )
            or "no secret needed"
        )
        print(f"{s.name}: {s.crm}, sign-in by {s.auth}, user {s.username or '-'}; {held}")
    return 0


def cmd_credentials_set(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workbench.importers.pulls import credentials as C

    with opened(args.file) as eng:
        existing = C.get_connection(eng, args.name)
        crm = args.crm or (existing.crm if existing else None)
        if crm is None:
            crm = "hubspot" if "hubspot" in args.name.lower() else "salesforce"
        auth = args.auth or (existing.auth if existing else None)
        if auth is None:
            if crm == "hubspot":
                auth = "token"
            elif args.instance_url:
                auth = "session"
            elif args.jwt_key or args.consumer_key:
                auth = "jwt"
            else:
                auth = "password"
        conn = C.save_connection(
            eng,
            args.name,
            crm,
            auth,
            username=args.username,
            domain=args.domain,
            instance_url=args.instance_url,
            base_url=args.base_url,
            consumer_key=args.consumer_key,
            key_file=str(Path(args.jwt_key).resolve()) if args.jwt_key else None,
        )
        _store_missing(conn, args.allow_insecure_keyring, fresh=conn.secret_names)
    print(
        f"Connection {conn.name} ({conn.crm}, sign-in by {conn.auth}) saved; secrets are in "
        "the OS keyring."
    )
    return 0


def cmd_credentials_delete(args: argparse.Namespace) -> int:
    from workbench.importers.pulls import credentials as C

    with opened(args.file) as eng:
        removed = C.delete_connection(eng, args.name, allow_insecure=args.allow_insecure_keyring)
    print(f"Removed {plural_count(removed, 'secret')} of {args.name} from the keyring.")
    return 0


def cmd_pulls(args: argparse.Namespace) -> int:
    from workbench.importers.pulls.operations import last_pulls

    with opened(args.file, read_only=True) as eng:
        rows = last_pulls(eng)
    if args.json:
        emit_json(rows)
        return 0
    if not rows:
        print("Nothing pulled yet: 'workbench pull salesforce|hubspot FILE'.")
    for p in rows:
        print(
            f"{p.connection} ({p.crm}) {p.object}: last pulled {p.last_pulled_at} UTC, "
            f"{p.rows_pulled:,} rows" + (f", changes up to {p.watermark}" if p.watermark else "")
        )
    return 0
