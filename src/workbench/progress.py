"""Progress reporting and cancellation for long tasks, free of any GUI toolkit.

A long operation is a plain function that takes a ``Progress``. It calls
``progress.update(fraction, status)`` as it goes; that call raises ``Cancelled``
once the user asked to stop, so work ends at the next step and the caller's
transaction rolls back. ``progress.span(start, end)`` hands a sub-task a view of
part of the range, so nested steps report on one bar (Orange3's wrap_callback idea).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from workbench.errors import Cancelled

T = TypeVar("T")
Listener = Callable[[float, str], None]


class CancelToken:
    """Shared flag that a UI (or a test) sets to ask running work to stop."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class Progress:
    """Reports a fraction in [0, 1] and a status line; raises ``Cancelled`` on request."""

    def __init__(
        self,
        listener: Listener | None = None,
        token: CancelToken | None = None,
        *,
        _start: float = 0.0,
        _end: float = 1.0,
    ) -> None:
        self._listener = listener
        self.token = token or CancelToken()
        self._start = _start
        self._end = _end
        self.status = ""

    @classmethod
    def none(cls) -> Progress:
        """A progress that reports nowhere and is never cancelled (for scripts and tests)."""
        return cls()

    def check(self) -> None:
        """Raise ``Cancelled`` if the user asked to stop."""
        if self.token.cancelled:
            raise Cancelled("Cancelled by the user; nothing was changed.")

    def update(self, fraction: float, status: str | None = None) -> None:
        """Report ``fraction`` (0..1) of this range done, then honour a pending cancel."""
        fraction = min(1.0, max(0.0, fraction))
        if status is not None:
            self.status = status
        if self._listener is not None:
            self._listener(self._start + (self._end - self._start) * fraction, self.status)
        self.check()

    def span(self, start: float, end: float) -> Progress:
        """A Progress for a sub-task covering ``start..end`` of this one's range."""
        width = self._end - self._start
        child = Progress(
            self._listener,
            self.token,
            _start=self._start + width * start,
            _end=self._start + width * end,
        )
        child.status = self.status
        return child

    def iterate(self, items: Iterable[T], total: int, status: str | None = None) -> Iterator[T]:
        """Yield ``items`` while reporting progress over ``total`` of them (about 200 updates)."""
        step = max(1, total // 200)
        for i, item in enumerate(items):
            if i % step == 0:
                self.update(i / max(total, 1), status)
            yield item
        self.update(1.0, status)
