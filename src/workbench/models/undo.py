"""Undo and redo of every GUI edit: a Qt-free command stack per open engagement.

A ``Command`` has ``do``, ``undo`` and a ``label`` that reads as a menu entry
('Mark "Kickoff call held" done'); the ``CommandStack`` keeps what was done and what
was undone, and its ``undo_label`` / ``redo_label`` drive the GUI's Edit menu.

Most lifecycle edits are ``SnapshotCommand``s: before the change they read the rows
it may touch (``RowScope``: a table, a WHERE clause, the primary key), after the
change they read them again, and undo/redo apply the difference backwards or
forwards: the rows the command added are removed or put back with their ids, and
only the columns it changed are restored. That gives back the exact earlier state
(history rows, finding statuses) without each edit knowing how to reverse itself,
and leaves alone what other work changed meanwhile. Each do/undo/redo is one
transaction.

The stack lives in memory per open engagement (``stack_for``; worker connections
share their engagement's stack); closing the file ends its undo history, as in most
desktop applications.
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


Row = dict[str, Any]


def _read(eng: Engagement, scopes: list[RowScope]) -> list[dict[Any, Row]]:
    result = []
    for scope in scopes:
        columns = (
            "rowid, *" if scope.pk == "rowid" else "*"
        )  # rowid: tables keyed by several columns
        cur = eng.conn.execute(
            f"SELECT {columns} FROM {scope.table} WHERE {scope.where}", scope.params
        )
        names = [d[0] for d in cur.description]
        rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        result.append({r[scope.pk]: r for r in rows})
    return result


def _apply_diff(
    eng: Engagement,
    scopes: list[RowScope],
    source: list[dict[Any, Row]],
    target: list[dict[Any, Row]],
) -> None:
    """Turn the rows a command touched from ``source`` into ``target``.

    Only what the command itself changed moves: rows it added are deleted (or
    re-inserted), and of the rows it updated only the columns it changed are
    written back. Changes other work made since (an audit re-run adding history,
    another column of the same finding) are left alone. Deletes run children first
    (scopes list parents first), inserts parents first. Updates are in place: a
    REPLACE would delete the row and cascade to its children.
    """
    conn = eng.conn
    triples = list(zip(scopes, source, target, strict=True))
    for scope, src, dst in reversed(triples):
        for key in src.keys() - dst.keys():
            conn.execute(f"DELETE FROM {scope.table} WHERE {scope.pk} = ?", (key,))
    for scope, src, dst in triples:
        moved: dict[Any, Any] = {}
        for key, row in dst.items():
            if key not in src:
                cols = list(row)
                taken = conn.execute(
                    f"SELECT 1 FROM {scope.table} WHERE {scope.pk} = ?", (key,)
                ).fetchone()
                if taken:  # other work reused the id meanwhile (an audit's history row)
                    cols.remove(scope.pk)
                cur = conn.execute(
                    f"INSERT INTO {scope.table} ({', '.join(cols)}) "
                    f"VALUES ({', '.join('?' for _ in cols)})",
                    [row[c] for c in cols],
                )
                if taken:
                    moved[key] = cur.lastrowid
                continue
            changed = [c for c in row if c != scope.pk and row[c] != src[key].get(c)]
            if changed:
                conn.execute(
                    f"UPDATE {scope.table} SET {', '.join(f'{c} = ?' for c in changed)} "
                    f"WHERE {scope.pk} = ?",
                    [*(row[c] for c in changed), key],
                )
        for old_key, new_key in moved.items():  # later undo/redo must find the row
            dst[new_key] = {**dst.pop(old_key), scope.pk: new_key}


def max_id(eng: Engagement, table: str) -> int:
    """The highest id in ``table`` (0 when empty): scopes use ``id > max`` for new rows."""
    return int(eng.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])


class SnapshotCommand(Command):
    """A change undone by writing back what it changed in the rows it touched."""

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
        self._before: list[dict[Any, Row]] = []
        self._after: list[dict[Any, Row]] = []

    def do(self, eng: Engagement) -> Any:
        self._scopes = self._scopes_fn(eng)
        self._before = _read(eng, self._scopes)
        result = self._apply(eng)
        self._after = _read(eng, self._scopes)
        return result

    def undo(self, eng: Engagement) -> None:
        _apply_diff(eng, self._scopes, self._after, self._before)

    def redo(self, eng: Engagement) -> None:
        _apply_diff(eng, self._scopes, self._before, self._after)


class CommandStack:
    """Done and undone commands of one open engagement.

    ``do``/``undo``/``redo`` run on the engagement the stack belongs to, or on a
    worker connection of the same file passed as ``eng`` (the GUI writes through
    tasks on a worker thread; the stack outlives each task's connection).
    """

    def __init__(self, eng: Engagement, limit: int = UNDO_LIMIT) -> None:
        self._eng_ref = weakref.ref(eng)
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._limit = limit
        self._listeners: list[Callable[[], None]] = []

    def _target(self, eng: Engagement | None) -> Engagement:
        target = eng if eng is not None else self._eng_ref()
        if target is None:  # pragma: no cover - the stack never outlives its engagement
            raise RuntimeError("the engagement of this undo stack was closed")
        return target

    def do(self, command: Command, eng: Engagement | None = None) -> Any:
        """Run ``command`` in one transaction and put it on the undo stack."""
        target = self._target(eng)
        with target.atomic():
            result = command.do(target)
            target.touch()
        self._undo.append(command)
        del self._undo[: -self._limit]
        self._redo.clear()
        self._changed()
        return result

    def undo(self, eng: Engagement | None = None) -> str | None:
        """Undo the last command; return its label (None when there is nothing to undo)."""
        if not self._undo:
            return None
        command = self._undo[-1]
        target = self._target(eng)
        with target.atomic():
            command.undo(target)
            target.touch()
        self._redo.append(self._undo.pop())
        self._changed()
        return command.label

    def redo(self, eng: Engagement | None = None) -> str | None:
        """Redo the last undone command; return its label (None when nothing to redo)."""
        if not self._redo:
            return None
        command = self._redo[-1]
        target = self._target(eng)
        with target.atomic():
            command.redo(target)
            target.touch()
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
    """The undo stack of this open engagement (created on first use).

    A worker connection (``eng.worker()``) shares the stack of the engagement it was
    opened from, so edits made in GUI tasks land on the window's stack.
    """
    root = eng.root
    stack = _STACKS.get(root)
    if stack is None:
        stack = _STACKS[root] = CommandStack(root)
    return stack
