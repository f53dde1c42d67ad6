"""Secrets of the live pulls, in the OS keyring, one entry per engagement connection.

A connection record in the engagement holds everything but its secrets: the keyring
entry is found through the connection's random ``keyring_key`` (service
``workbench``, user ``<keyring_key>/<secret>``). Secrets never reach the engagement
file, a log, an exception message or printed output. A backend that writes secrets
in plain text (or no backend at all) is refused unless the user allows it
explicitly.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from workbench.errors import WorkbenchError
from workbench.models import Engagement, now_iso

SERVICE = "workbench"
# The secrets each kind of sign-in needs (names as stored in the keyring).
SECRETS: dict[str, tuple[str, ...]] = {
    "password": ("password", "security_token"),
    "jwt": (),  # the private key stays in its own file, named by the connection
    "session": ("session_id",),
    "token": ("token",),
}
SECRET_LABELS = {
    "password": "Password",
    "security_token": "Security token",
    "session_id": "Session id",
    "token": "Private app access token",
}
# Backends that keep secrets encrypted by the operating system.
SECURE_MODULES = (
    "keyring.backends.macOS",
    "keyring.backends.Windows",
    "keyring.backends.SecretService",
    "keyring.backends.kwallet",
    "keyring.backends.libsecret",
)


class CredentialError(WorkbenchError):
    """A secret is missing or the keyring cannot keep it safely."""


@dataclass
class Connection:
    """One CRM sign-in of this engagement, without its secrets."""

    id: int
    name: str
    crm: str  # salesforce | hubspot
    auth: str  # password | jwt | session | token
    username: str | None = None
    domain: str | None = None
    instance_url: str | None = None
    base_url: str | None = None
    consumer_key: str | None = None
    key_file: str | None = None
    keyring_key: str = ""
    mapping_json: str = "{}"

    @property
    def secret_names(self) -> tuple[str, ...]:
        return SECRETS[self.auth]

    @property
    def mapping(self) -> dict[str, dict[str, str]]:
        """Field mappings chosen for this connection, per object (kept for later pulls)."""
        return json.loads(self.mapping_json or "{}")


@dataclass
class ConnectionStatus:
    """A connection and which of its secrets the keyring holds (never the values)."""

    name: str
    crm: str
    auth: str
    username: str | None
    secrets: dict[str, bool]


CONN_COLUMNS = (
    "id, name, crm, auth, username, domain, instance_url, base_url, consumer_key, "
    "key_file, keyring_key, mapping"
)


def _is_secure(backend) -> bool:
    if getattr(backend, "workbench_secure", None) is True:
        return True
    module = type(backend).__module__
    if module == "keyring.backends.chainer":
        inner = getattr(backend, "backends", [])
        return bool(inner) and _is_secure(inner[0])
    return module.startswith(SECURE_MODULES)


def keyring_backend(*, allow_insecure: bool = False):
    """The keyring backend to use, or ``CredentialError`` if it cannot keep secrets safely."""
    import keyring
    from keyring.backends import fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        raise CredentialError(
            "No OS keyring is available on this machine, so Workbench has nowhere safe to "
            "keep the CRM password or token. Install or unlock the system keychain (macOS "
            "Keychain, Windows Credential Manager, GNOME Keyring or KWallet) and try again."
        )
    if not _is_secure(backend) and not allow_insecure:
        raise CredentialError(
            f"The keyring in use ({type(backend).__name__}) may keep secrets unencrypted on "
            "disk. Use the operating system's keychain, or pass --allow-insecure-keyring to "
            "accept it knowingly."
        )
    return backend


def _user(conn: Connection, secret: str) -> str:
    return f"{conn.keyring_key}/{secret}"


class _keyring_errors:  # noqa: N801 - used as a statement: with _keyring_errors()
    """Turns a keyring failure (locked, refused access) into a plain ``CredentialError``."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        from keyring.errors import KeyringError, PasswordDeleteError

        if isinstance(exc, KeyringError) and not isinstance(exc, PasswordDeleteError):
            raise CredentialError(
                "The system keychain refused access (it may be locked, or access was "
                "denied). Unlock it and try again."
            ) from None
        return False


def get_secret(conn: Connection, secret: str, *, allow_insecure: bool = False) -> str | None:
    backend = keyring_backend(allow_insecure=allow_insecure)
    with _keyring_errors():
        return backend.get_password(SERVICE, _user(conn, secret))


def require_secret(conn: Connection, secret: str, *, allow_insecure: bool = False) -> str:
    value = get_secret(conn, secret, allow_insecure=allow_insecure)
    if not value:
        raise CredentialError(
            f"The keyring holds no {SECRET_LABELS.get(secret, secret).lower()} for the "
            f"connection '{conn.name}'. Store it with: workbench credentials set FILE "
            f"{conn.name}"
        )
    return value


def set_secrets(conn: Connection, values: dict[str, str], *, allow_insecure: bool = False) -> None:
    backend = keyring_backend(allow_insecure=allow_insecure)
    for name, value in values.items():
        if name not in conn.secret_names:
            raise CredentialError(
                f"A {conn.crm} connection signing in by {conn.auth} has no secret {name!r}."
            )
        if value:
            with _keyring_errors():
                backend.set_password(SERVICE, _user(conn, name), value)


def delete_secrets(conn: Connection, *, allow_insecure: bool = False) -> int:
    """Remove the connection's secrets from the keyring; return how many there were."""
    from keyring.errors import PasswordDeleteError

    backend = keyring_backend(allow_insecure=allow_insecure)
    removed = 0
    for name in SECRETS["password"] + SECRETS["session"] + SECRETS["token"]:
        try:
            with _keyring_errors():
                backend.delete_password(SERVICE, _user(conn, name))
            removed += 1
        except PasswordDeleteError:
            pass
    return removed


# ------------------------------------------------------------------ connections
def get_connection(eng: Engagement, name: str) -> Connection | None:
    row = eng.conn.execute(
        f"SELECT {CONN_COLUMNS} FROM connections WHERE name = ?", (name,)
    ).fetchone()
    return Connection(*row) if row else None


def list_connections(eng: Engagement) -> list[Connection]:
    rows = eng.conn.execute(f"SELECT {CONN_COLUMNS} FROM connections ORDER BY name")
    return [Connection(*r) for r in rows]


def save_connection(
    eng: Engagement,
    name: str,
    crm: str,
    auth: str,
    **settings: str | None,
) -> Connection:
    """Create or update the connection ``name`` (no secrets here)."""
    if crm not in ("salesforce", "hubspot"):
        raise WorkbenchError(f"Unknown CRM {crm!r}; use salesforce or hubspot.")
    if auth not in SECRETS:
        raise WorkbenchError(f"Unknown sign-in {auth!r}; use one of: {', '.join(SECRETS)}.")
    if not name.strip():
        raise WorkbenchError("The connection needs a name.")
    allowed = ("username", "domain", "instance_url", "base_url", "consumer_key", "key_file")
    values = {k: settings.get(k) for k in allowed}
    now = now_iso()
    with eng.atomic() as db:
        existing = get_connection(eng, name)
        if existing is None:
            db.execute(
                "INSERT INTO connections (name, crm, auth, username, domain, instance_url, "
                "base_url, consumer_key, key_file, keyring_key, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (name, crm, auth, *values.values(), uuid.uuid4().hex, now, now),
            )
        else:
            if existing.crm != crm:
                raise WorkbenchError(
                    f"The connection '{name}' is a {existing.crm} connection; choose "
                    "another name for this one."
                )
            keep = {k: v if v is not None else getattr(existing, k) for k, v in values.items()}
            db.execute(
                "UPDATE connections SET auth = ?, username = ?, domain = ?, instance_url = ?, "
                "base_url = ?, consumer_key = ?, key_file = ?, updated_at = ? WHERE name = ?",
                (auth, *keep.values(), now, name),
            )
    found = get_connection(eng, name)
    assert found is not None
    return found


def delete_connection(eng: Engagement, name: str, *, allow_insecure: bool = False) -> int:
    conn = get_connection(eng, name)
    if conn is None:
        raise WorkbenchError(f"This engagement has no connection named '{name}'.")
    removed = delete_secrets(conn, allow_insecure=allow_insecure)
    with eng.atomic() as db:
        db.execute("DELETE FROM pull_state WHERE connection_id = ?", (conn.id,))
        in_use = db.execute(
            "SELECT count(*) FROM pulls WHERE connection_id = ?", (conn.id,)
        ).fetchone()[0]
        if not in_use:
            db.execute("DELETE FROM connections WHERE id = ?", (conn.id,))
    return removed


def connection_statuses(eng: Engagement, *, allow_insecure: bool = False) -> list[ConnectionStatus]:
    out = []
    for c in list_connections(eng):
        present = {s: bool(get_secret(c, s, allow_insecure=allow_insecure)) for s in c.secret_names}
        out.append(ConnectionStatus(c.name, c.crm, c.auth, c.username, present))
    return out
