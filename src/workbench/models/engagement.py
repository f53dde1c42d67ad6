"""Opening, creating, upgrading and closing an engagement file.

An engagement is one SQLite file marked with our ``application_id``; its
``user_version`` is the schema version. It runs in WAL mode while open (readers in
the GUI are never blocked by a long import) and is switched back to a rollback
journal on close, so a closed file is one self-contained file to copy or e-mail.
``synchronous=FULL`` makes every committed transaction survive a crash or power
loss. Every change happens inside ``Engagement.atomic()``; saving is implicit.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sqlite3
import struct
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.errors import (
    DamagedEngagement,
    EngagementError,
    NewerEngagement,
    NotAnEngagement,
    ReadOnlyEngagement,
)
from workbench.models.hardening import check_schema, harden
from workbench.models.lockfile import WriterLock
from workbench.models.safeio import create_exclusive, write_failure
from workbench.models.schema import LATEST_VERSION, migrate

if TYPE_CHECKING:
    from sqlite_utils import Database
from workbench.models.schema_core import ENTITY_TABLES

APPLICATION_ID = 0x57424E43  # "WBNC"
SUFFIX = ".engagement"
BACKUPS_KEPT = 5
SQLITE_MAGIC = b"SQLite format 3\x00"

PROJECT_KINDS = ("revenue-intelligence", "conversation-intelligence")
ENGAGEMENT_TYPES = ("single-project", "dedicated")
METHODOLOGIES = ("MEDDIC", "MEDDPICC", "BANT", "SPICED", "custom")


def now_iso() -> str:
    """The current moment as ISO text in UTC, second precision (how the file stores moments)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


@dataclass
class EngagementMeta:
    """What an engagement is about; one row in the ``engagement`` table."""

    customer: str
    project_kind: str = "revenue-intelligence"
    engagement_type: str = "single-project"
    methodology: str = "MEDDIC"
    jurisdictions: list[str] = field(default_factory=list)
    currency: str = "USD"
    fiscal_year_start_month: int = 1
    date_order: str = "MDY"
    consultancy: str = ""
    consultant: str = ""
    created_at: str = ""
    updated_at: str = ""

    def validate(self) -> None:
        """Raise ``EngagementError`` naming the first field whose value is not allowed."""
        if not self.customer.strip():
            raise EngagementError("The customer name is empty; give the customer's name.")
        _check_choice("project kind", self.project_kind, PROJECT_KINDS)
        _check_choice("engagement type", self.engagement_type, ENGAGEMENT_TYPES)
        if not 1 <= int(self.fiscal_year_start_month) <= 12:
            raise EngagementError(
                f"Fiscal year start month {self.fiscal_year_start_month!r} is not a month "
                "number; use 1 (January) to 12 (December)."
            )
        _check_choice("date order", self.date_order, ("MDY", "DMY", "YMD"))
        if len(self.currency) != 3 or not self.currency.isalpha():
            raise EngagementError(
                f"Currency {self.currency!r} is not a three-letter ISO code such as USD or EUR."
            )


# The engagement table's columns, in the dataclass's order (the dataclass is the truth).
META_COLUMNS = tuple(f.name for f in fields(EngagementMeta))


def _meta_values(meta: EngagementMeta, columns: list[str] | tuple[str, ...]) -> list[object]:
    """Column values for ``columns``, with the jurisdiction list stored as JSON."""
    data = asdict(meta)
    data["jurisdictions"] = json.dumps(data["jurisdictions"])
    return [data[c] for c in columns]


def _check_choice(label: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise EngagementError(f"Unknown {label} {value!r}; use one of: {', '.join(allowed)}.")


def read_header(path: Path) -> tuple[int, int]:
    """Return (application_id, user_version) from the file header without opening SQLite.

    Raises ``NotAnEngagement`` for anything that is not a SQLite database, so that a
    stray file is refused before SQLite touches it (and nothing is written to it).
    """
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except IsADirectoryError:
        raise NotAnEngagement(f"{path} is a folder, not an engagement file.") from None
    except FileNotFoundError:
        raise EngagementError(f"{path} does not exist.") from None
    except PermissionError:
        raise EngagementError(f"{path} cannot be read (permission denied).") from None
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise NotAnEngagement(
            f"{path.name} is not a Workbench engagement (it is not a SQLite database)."
        )
    user_version, application_id = (
        struct.unpack(">I", header[60:64])[0],
        struct.unpack(">I", header[68:72])[0],
    )
    return application_id, user_version


class Engagement:
    """An open engagement file. Use ``Engagement.create`` / ``Engagement.open``; close it."""

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        *,
        read_only: bool,
        lock: WriterLock | None,
        owner: Engagement | None = None,
    ) -> None:
        self.path = path
        self.conn = conn
        self._db: Database | None = None
        self.read_only = read_only
        self._lock = lock
        self._owner = owner
        self._workers: list[Engagement] = []
        self.backup_path: Path | None = None

    # ----------------------------------------------------------------- creation
    @classmethod
    def create(
        cls, path: str | Path, meta: EngagementMeta, *, overwrite: bool = False
    ) -> Engagement:
        """Create a new engagement file at ``path`` with ``meta`` and the latest schema."""
        path = Path(path)
        meta.validate()
        if path.exists() and not overwrite:
            raise EngagementError(f"{path} already exists; choose another name or open it instead.")
        if not path.parent.exists():
            raise EngagementError(f"The folder {path.parent} does not exist.")
        tmp = path.with_name(path.name + ".creating")
        # Build in a temporary file and move it into place, so a crash never leaves a
        # half-made engagement under the real name. The file is made exclusively (a
        # link planted under that name is removed, never written through).
        try:
            os.close(create_exclusive(tmp))
        except OSError as exc:
            raise write_failure(tmp, exc) from None
        try:
            conn = _connect(tmp, read_only=False)
            try:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                migrate(conn)
                stamp = now_iso()
                meta.customer = meta.customer.strip()
                meta.currency = meta.currency.upper()
                meta.created_at = meta.created_at or stamp
                meta.updated_at = stamp
                from sqlite_utils import Database

                with Database(conn).atomic():
                    columns = ", ".join(META_COLUMNS)
                    marks = ", ".join("?" for _ in META_COLUMNS)
                    conn.execute(
                        f"INSERT INTO engagement (id, {columns}) VALUES (1, {marks})",
                        _meta_values(meta, META_COLUMNS),
                    )
                conn.execute("PRAGMA journal_mode = DELETE")
            finally:
                conn.close()
        except (OSError, sqlite3.Error) as exc:
            for leftover in (tmp, *_sidecars(tmp)):
                leftover.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise write_failure(path, exc) from None
            plain = storage_failure(path, exc)
            if plain is not None:
                raise plain from None
            raise EngagementError(
                f"Could not create {path} ({exc}). Check that the disk has free space and "
                "the folder is writable; nothing was created."
            ) from None
        tmp.replace(path)
        return cls.open(path)

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> Engagement:
        """Open an existing engagement, upgrading it (after a backup) if it is older.

        Raises a plain ``EngagementError`` subclass for a missing, foreign, damaged,
        newer or locked file; in every such case the file is left untouched.
        """
        path = Path(path)
        application_id, version = read_header(path)
        if application_id != APPLICATION_ID:
            raise NotAnEngagement(
                f"{path.name} is a SQLite database of another program, not a Workbench engagement."
            )
        if version > LATEST_VERSION:
            raise NewerEngagement(
                f"{path.name} was written by a newer Workbench (file version {version}, this "
                f"Workbench reads up to {LATEST_VERSION}). Update Workbench to open it."
            )
        if version < LATEST_VERSION and read_only:
            raise EngagementError(
                f"{path.name} was written by an older Workbench (file version {version}); "
                "open it once for writing so it can be upgraded (a backup is made first)."
            )
        if not read_only and not os.access(path, os.W_OK):
            raise ReadOnlyEngagement(
                f"{path.name} is a read-only file (its permissions, or the drive, do not "
                "allow changes). Open it read-only (--read-only) to look at it, or make the "
                "file writable (or copy it to a writable folder) to change it."
            )
        lock = None
        if not read_only:
            lock = WriterLock(path)
            lock.acquire()
        try:
            try:
                conn = _connect(path, read_only=read_only)
            except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
                raise _damaged(path, exc) from None
            wal = False
            try:
                _check_readable(conn, path)
                check_schema(conn, path, version)
                _check_readable(conn, path, full=True)
                eng = cls(path, conn, read_only=read_only, lock=lock)
                if not read_only:
                    conn.execute("PRAGMA journal_mode = WAL")
                    wal = True
                    if version < LATEST_VERSION:
                        eng.backup_path = eng._backup(f"before-upgrade-v{version}")
                        migrate(conn)
                    _check_readable(conn, path, full=True)
            except BaseException as exc:
                _close_after_failure(conn, wal=wal)
                # A damaged schema can make SQLite's own message undecodable text.
                if isinstance(exc, (sqlite3.DatabaseError, UnicodeDecodeError)):
                    raise _damaged(path, exc) from None
                if isinstance(exc, OSError):
                    raise write_failure(path, exc) from None
                raise
        except BaseException:
            if lock is not None:
                lock.release()
            raise
        return eng

    @property
    def db(self) -> Database:
        """The sqlite-utils view of the connection (imported on first use: it loads pandas)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    @property
    def root(self) -> Engagement:
        """The engagement the window opened (itself, or the owner of a worker connection)."""
        return self._owner or self

    def worker(self) -> Engagement:
        """Another connection to this file for a worker thread (shares this one's lock).

        A sqlite3 connection never crosses threads: the GUI gives each background task
        its own connection from here and closes it when the task ends.
        """
        conn = _connect(self.path, read_only=self.read_only)
        child = Engagement(self.path, conn, read_only=self.read_only, lock=None, owner=self)
        self._workers.append(child)
        return child

    # ------------------------------------------------------------------ closing
    def close(self) -> None:
        """Close the file, leaving one self-contained file (WAL checkpointed, journal off)."""
        if self.conn is None:
            return
        if self._owner is not None:
            with contextlib.suppress(sqlite3.ProgrammingError):  # closed from another thread
                self.conn.close()
            self.conn = None  # type: ignore[assignment]
            if self in self._owner._workers:
                self._owner._workers.remove(self)
            return
        for child in list(self._workers):
            child.close()
        try:
            if not self.read_only:
                with contextlib.suppress(sqlite3.Error):
                    if self.conn.in_transaction:
                        self.conn.rollback()
                    self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    self.conn.execute("PRAGMA journal_mode = DELETE")
            self.conn.close()
        finally:
            self.conn = None  # type: ignore[assignment]
            if self._lock is not None:
                self._lock.release()

    def __enter__(self) -> Engagement:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------- transactions
    @contextlib.contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing change; nested blocks become savepoints."""
        if self.read_only:
            raise ReadOnlyEngagement(
                f"{self.path.name} is open read-only; reopen it for writing to change it."
            )
        with self.db.atomic():
            yield self.conn

    # ----------------------------------------------------------------- metadata
    @property
    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def meta(self) -> EngagementMeta:
        """The engagement's metadata."""
        row = self.conn.execute(
            f"SELECT {', '.join(META_COLUMNS)} FROM engagement WHERE id = 1"
        ).fetchone()
        if row is None:
            raise DamagedEngagement(f"{self.path.name} has no engagement record; it is damaged.")
        values = dict(zip(META_COLUMNS, row, strict=True))
        values["jurisdictions"] = self._json(values["jurisdictions"] or "[]", "jurisdictions")
        return EngagementMeta(**values)

    def update_meta(self, **changes: object) -> EngagementMeta:
        """Change metadata fields by name (validated) and stamp ``updated_at``."""
        meta = self.meta()
        for name, value in changes.items():
            if not hasattr(meta, name) or name in ("created_at", "updated_at"):
                raise EngagementError(f"{name!r} is not an engagement setting.")
            setattr(meta, name, value)
        meta.currency = meta.currency.upper()
        meta.validate()
        meta.updated_at = now_iso()
        editable = [c for c in META_COLUMNS if c != "created_at"]
        with self.atomic() as conn:
            conn.execute(
                f"UPDATE engagement SET {', '.join(c + ' = ?' for c in editable)} WHERE id = 1",
                _meta_values(meta, editable),
            )
        return meta

    def as_of(self) -> date:
        """The day audits and scoring treat as "today".

        The ``as_of_date`` setting when set (the demo pins it so its figures never
        drift; a consultant may pin it to the export date), otherwise today.
        """
        value = self.setting("as_of_date")
        if not value:
            return date.today()
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self._bad_value("as_of_date") from None

    def touch(self) -> None:
        """Stamp ``updated_at`` (call inside the transaction that changed something)."""
        self.conn.execute("UPDATE engagement SET updated_at = ? WHERE id = 1", (now_iso(),))

    def counts(self) -> dict[str, int]:
        """Number of records per imported entity, plus findings and imports."""
        result = {}
        for entity, table in ENTITY_TABLES.items():
            result[entity] = int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        for table in ("imports", "findings"):
            result[table] = int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        return result

    # ----------------------------------------------------------------- settings
    def setting(self, key: str, default: object = None) -> object:
        """A per-engagement setting (JSON value) or ``default``."""
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else self._json(row[0], key)

    def _json(self, text: str, name: str) -> object:
        try:
            return json.loads(text)
        except (TypeError, ValueError):
            raise self._bad_value(name) from None

    def _bad_value(self, name: str) -> DamagedEngagement:
        return DamagedEngagement(
            f"{self.path.name} is damaged: its stored setting {name.replace('_', ' ')!r} is not "
            "readable (the file was changed outside Workbench). Restore it from a backup "
            f"(files named {self.path.stem}.*.backup{SUFFIX} beside it)."
        )

    def set_setting(self, key: str, value: object) -> None:
        """Store a per-engagement setting (JSON-serialisable)."""
        with self.atomic() as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    # ------------------------------------------------------------------ backups
    def _backup(self, reason: str) -> Path:
        """Copy the file with SQLite's backup API to a timestamped file beside it."""
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.stem}.{stamp}.{reason}.backup{SUFFIX}")
        os.close(create_exclusive(target))  # never through a link planted under that name
        dest = sqlite3.connect(target)
        try:
            self.conn.backup(dest)
        finally:
            dest.close()
        self._rotate_backups()
        return target

    def _rotate_backups(self) -> None:
        backups = sorted(self.path.parent.glob(f"{self.path.stem}.*.backup{SUFFIX}"))
        for old in backups[:-BACKUPS_KEPT]:
            old.unlink(missing_ok=True)


_TEXT = functools.partial(str, encoding="utf-8", errors="replace")


@contextlib.contextmanager
def builtin_utf8(conn: sqlite3.Connection) -> Iterator[bool]:
    """Read text with SQLite's own UTF-8 decoder while inside; yields whether it did.

    An engagement's connection decodes text through ``_TEXT``, a Python call per value
    that replaces bytes which are not UTF-8: a third of the time of reading hundreds of
    thousands of rows. Valid UTF-8 reads the same either way. Inside this block the
    built-in decoder is used; it refuses text that is not UTF-8 with an
    ``sqlite3.OperationalError`` naming the decoding (see ``is_decode_error``), after
    which the caller reads the rows again outside it. Only a connection set up as
    ``_connect`` does it is switched (one thread per connection, so no other reader
    sees the change)."""
    factory = conn.text_factory
    if factory is not _TEXT:
        yield False
        return
    conn.text_factory = str
    try:
        yield True
    finally:
        conn.text_factory = factory


def is_decode_error(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's built-in decoder refusing text that is not UTF-8."""
    return isinstance(exc, sqlite3.OperationalError) and "decode" in str(exc)


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    if read_only:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=True)
    else:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=True)
    # Text in a damaged page may not be UTF-8: show it with replacement characters
    # rather than fail with a decoding error deep inside a command.
    conn.text_factory = _TEXT
    conn.execute("PRAGMA busy_timeout = 5000")
    harden(conn)
    conn.execute("PRAGMA foreign_keys = ON")
    if not read_only:
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def _sidecars(path: Path) -> tuple[Path, ...]:
    return tuple(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))


def _close_after_failure(conn: sqlite3.Connection, *, wal: bool) -> None:
    """Close a file refused on open as it was found: back in rollback-journal mode, no
    ``-wal``/``-shm`` files left beside it."""
    with contextlib.suppress(sqlite3.Error):
        if conn.in_transaction:
            conn.rollback()
        if wal:
            conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def _check_readable(conn: sqlite3.Connection, path: Path, *, full: bool = False) -> None:
    """Refuse a damaged file with a plain message instead of failing later."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if full:
            conn.execute("SELECT customer FROM engagement WHERE id = 1").fetchone()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise _damaged(path, exc) from None


def storage_failure(path: Path, exc: sqlite3.Error) -> EngagementError | None:
    """A plain message when SQLite failed for want of disk space or permission (not damage)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name == "SQLITE_FULL" or "disk is full" in text:
        return EngagementError(
            f"Could not write {path}: the disk is full. Free some space and try again; "
            "every change saved before is kept."
        )
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return EngagementError(
            f"Could not write {path}: the disk reported an error (it may be full, removed or "
            "failing). Free some space or check the drive and try again; every change saved "
            "before is kept."
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) or "readonly" in text:
        return EngagementError(
            f"Could not write {path}: the file or its folder is read-only. Open it read-only "
            "(--read-only), or copy it to a folder you can write to."
        )
    return None


def _damaged(path: Path, exc: Exception) -> EngagementError:
    if isinstance(exc, sqlite3.Error) and (plain := storage_failure(path, exc)) is not None:
        return plain
    return DamagedEngagement(
        f"{path.name} is damaged and cannot be read ({exc}). Restore it from a backup "
        f"(files named {path.stem}.*.backup{SUFFIX} beside it)."
    )
