"""Document builders; importing this package registers them in reading order."""

from workbench.reports.documents import (  # noqa: F401  (order = package order)
    conversation,
    handoff,
    index,
    strategy,
    technical,
)
