"""Undo and redo for lifecycle edits: a Qt-free command stack (glue's idea).

A ``Command`` has ``do``, ``undo`` and a ``label`` that reads as a menu entry
('Mark "Kickoff call held" done'); the ``CommandStack`` keeps what was done and what
was undone, and its ``undo_label`` / ``redo_label`` drive the GUI's Edit menu.

Most lifecycle edits are ``SnapshotCommand``s: before the change they read the rows
it may touch (``RowScope``: a table, a WHERE clause, the primary key), after the
change they read them again, and undo/redo write the saved rows back. That restores
the exact earlier state (ids, history rows, finding statuses) without each edit
having to know how to reverse itself. Each do/undo/redo is one transaction.

The stack lives in memory per open engagement (``stack_for``); closing the file ends
its undo history, as in most desktop applications.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from workbench.models import Engagement

UNDO_LIMIT = 100


class Command:
    """One undoable change."""

    label: str = ""

    def do(self, eng: Engagement) -> Any:
        raise NotImplementedError

    def undo(self, eng: Engagement) -> None:
        raise NotImplementedError

    def redo(self, eng: Engagement) -> None:
        self.do(eng)


@dataclass(frozen=True)
class RowScope:
    """The rows of ``table`` matching ``where`` (with ``params``), keyed by ``pk``."""

    table: str
    where: str
    params: tuple = ()
    pk: str = "id"


Rows = dict[str, list[dict[str, Any]]]


def _read(eng: Engagement, scopes: list[RowScope]) -> list[list[dict[str, Any]]]:
    result = []
    for scope in scopes:
        cur = eng.conn.execute(f"SELECT * FROM {scope.table} WHERE {scope.where}", scope.params)
        names = [d[0] for d in cur.description]
        result.append([dict(zip(names, row, strict=True)) for row in cur.fetchall()])
    return result


def _restore(eng: Engagement, scopes: list[RowScope], saved: list[list[dict[str, Any]]]) -> None:
    """Make the rows in each scope exactly ``saved``: delete extras, upsert the rest."""
    conn = eng.conn
    # Deletes run children first (scopes are listed parents first), then upserts
    # parents first, so references always hold. Upserts update in place: a REPLACE
    # would delete the row and cascade to its children (finding_history).
    for scope, rows in reversed(list(zip(scopes, saved, strict=True))):
        keep = {r[scope.pk] for r in rows}
        current = conn.execute(
            f"SELECT {scope.pk} FROM {scope.table} WHERE {scope.where}", scope.params
        ).fetchall()
        for (key,) in current:
            if key not in keep:
                conn.execute(f"DELETE FROM {scope.table} WHERE {scope.pk} = ?", (key,))
    for scope, rows in zip(scopes, saved, strict=True):
        for row in rows:
            cols = list(row)
            updates = ", ".join(f"{c} = excluded.{c}" for c in cols if c != scope.pk)
            conn.execute(
                f"INSERT INTO {scope.table} ({', '.join(cols)}) "
                f"VALUES ({', '.join('?' for _ in cols)}) "
                f"ON CONFLICT({scope.pk}) DO UPDATE SET {updates}",
                [row[c] for c in cols],
            )


def max_id(eng: Engagement, table: str) -> int:
    """The highest id in ``table`` (0 when empty): scopes use ``id > max`` for new rows."""
    return int(eng.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])


class SnapshotCommand(Command):
    """A change undone by writing back the rows it touched, exactly as they were."""

    def __init__(
        self,
        label: str,
        scopes: Callable[[Engagement], list[RowScope]],
        apply: Callable[[Engagement], Any],
    ) -> None:
        self.label = label
        self._scopes_fn = scopes
        self._apply = apply
        self._scopes: list[RowScope] = []
        self._before: list[list[dict[str, Any]]] = []
        self._after: list[list[dict[str, Any]]] = []

    def do(self, eng: Engagement) -> Any:
        self._scopes = self._scopes_fn(eng)
        self._before = _read(eng, self._scopes)
        result = self._apply(eng)
        self._after = _read(eng, self._scopes)
        return result

    def undo(self, eng: Engagement) -> None:
        _restore(eng, self._scopes, self._before)

    def redo(self, eng: Engagement) -> None:
        _restore(eng, self._scopes, self._after)


class CommandStack:
    """Done and undone commands of one open engagement."""

    def __init__(self, eng: Engagement, limit: int = UNDO_LIMIT) -> None:
        self._eng_ref = weakref.ref(eng)
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._limit = limit
        self._listeners: list[Callable[[], None]] = []

    @property
    def _eng(self) -> Engagement:
        eng = self._eng_ref()
        if eng is None:  # pragma: no cover - the stack never outlives its engagement
            raise RuntimeError("the engagement of this undo stack was closed")
        return eng

    def do(self, command: Command) -> Any:
        """Run ``command`` in one transaction and put it on the undo stack."""
        eng = self._eng
        with eng.atomic():
            result = command.do(eng)
            eng.touch()
        self._undo.append(command)
        del self._undo[: -self._limit]
        self._redo.clear()
        self._changed()
        return result

    def undo(self) -> str | None:
        """Undo the last command; return its label (None when there is nothing to undo)."""
        if not self._undo:
            return None
        command = self._undo[-1]
        eng = self._eng
        with eng.atomic():
            command.undo(eng)
            eng.touch()
        self._redo.append(self._undo.pop())
        self._changed()
        return command.label

    def redo(self) -> str | None:
        """Redo the last undone command; return its label (None when nothing to redo)."""
        if not self._redo:
            return None
        command = self._redo[-1]
        eng = self._eng
        with eng.atomic():
            command.redo(eng)
            eng.touch()
        self._undo.append(self._redo.pop())
        self._changed()
        return command.label

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str:
        """Menu text: 'Undo Mark "Kickoff call held" done', or 'Undo' when empty."""
        return f"Undo {self._undo[-1].label}" if self._undo else "Undo"

    @property
    def redo_label(self) -> str:
        return f"Redo {self._redo[-1].label}" if self._redo else "Redo"

    def mark(self) -> int:
        """A position to come back to with ``discard_since`` (for all-or-nothing batches)."""
        return len(self._undo)

    def discard_since(self, mark: int) -> None:
        """Forget commands done after ``mark`` whose transaction was rolled back."""
        del self._undo[mark:]
        self._changed()

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()
        self._changed()

    def add_listener(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` after every do/undo/redo (the GUI refreshes its menu)."""
        self._listeners.append(callback)

    def remove_listener(self, callback: Callable[[], None]) -> None:
        if callback in self._listeners:
            self._listeners.remove(callback)

    def _changed(self) -> None:
        for callback in list(self._listeners):
            callback()


_STACKS: weakref.WeakKeyDictionary[Engagement, CommandStack] = weakref.WeakKeyDictionary()


def stack_for(eng: Engagement) -> CommandStack:
    """The undo stack of this open engagement (created on first use)."""
    stack = _STACKS.get(eng)
    if stack is None:
        stack = _STACKS[eng] = CommandStack(eng)
    return stack
