"""Overview page: the engagement at a glance.

Phase progress, each gate met or not with why, red flags by severity, ASSUMED
versus CONFIRMED, how fresh the data is, the next meeting and the hypercare
decision, all from ``workbench.lifecycle.engagement_status`` (the same record as
``workbench status --json``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench import lifecycle as lc
from workbench.models.findings import SEVERITIES
from workbench.ui import asof
from workbench.ui.pages.base import BasePage
from workbench.ui.preview import preview_page
from workbench.ui.words import freshness_lines

MET = QColor("#2e7d4f")
NOT_MET = QColor("#b3261e")
SEVERITY_COLORS = {
    "critical": "#b3261e",
    "high": "#c75b12",
    "medium": "#a07a00",
    "low": "#4f6b8a",
    "info": "#5f6b7a",
}
DECISIONS = {
    "proceed-to-handoff": "Proceed to handoff",
    "extend-hypercare": "Extend hypercare",
    "in-progress": "Hypercare in progress",
    "not-started": "Hypercare not started",
    "no-data": "No adoption data yet",
}


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName("muted")
    label.setWordWrap(True)
    return label


class Page(BasePage):
    title = "Overview"
    subtitle = "Where the engagement stands: phase, gates, findings and what comes next."
    topics = ("", "phases", "findings", "imports", "lifecycle")

    def __init__(self, context) -> None:
        super().__init__(context)
        self.add_action("Open phases", lambda: context.navigate.emit("phases"), primary=True)

        self.phase_label = QLabel()
        self.phase_label.setObjectName("sectionTitle")
        self.body.addWidget(self.phase_label)
        bars = QHBoxLayout()
        self.phase_bars: list[QProgressBar] = []
        self.phase_texts: list[QLabel] = []
        for _ in range(4):
            # The phase's name above its bar: text drawn over the bar's fill is cut in two.
            column = QVBoxLayout()
            column.setSpacing(2)
            text = QLabel()
            bar = QProgressBar()
            bar.setTextVisible(False)
            bar.setMaximumHeight(10)
            column.addWidget(text)
            column.addWidget(bar)
            bars.addLayout(column)
            self.phase_bars.append(bar)
            self.phase_texts.append(text)
        self.body.addLayout(bars)

        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(8)
        left = QVBoxLayout()
        left.addWidget(_section("Gates"))
        self.gates = QTreeWidget()
        self.gates.setHeaderLabels(["Gate and its conditions", "Status", "Why"])
        self.gates.setColumnWidth(0, 330)
        self.gates.setColumnWidth(1, 70)
        self.gates.setRootIsDecorated(True)
        self.gates.setWordWrap(True)
        left.addWidget(self.gates, 1)
        grid.addLayout(left, 0, 0)

        right = QVBoxLayout()
        right.setSpacing(6)
        right.addWidget(_section("Red flags by severity"))
        self.severity = QLabel()
        self.severity.setTextFormat(Qt.TextFormat.RichText)
        right.addWidget(self.severity)
        right.addWidget(_section("ASSUMED vs CONFIRMED"))
        self.statuses = QLabel()
        self.statuses.setWordWrap(True)
        right.addWidget(self.statuses)
        right.addWidget(_section("Next meeting"))
        self.next_meeting = _muted()
        right.addWidget(self.next_meeting)
        right.addWidget(_section("Hypercare"))
        self.hypercare = QLabel()
        self.hypercare.setWordWrap(True)
        right.addWidget(self.hypercare)
        right.addWidget(_section("Data freshness"))
        self.freshness = _muted()
        right.addWidget(self.freshness)
        right.addWidget(_section("Coming up"))
        self.upcoming = _muted()
        right.addWidget(self.upcoming)
        right.addStretch(1)
        holder = QWidget()
        holder.setLayout(right)
        # On a laptop screen the column is taller than the window: it scrolls.
        scroll = QScrollArea()
        scroll.setWidget(holder)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(360)
        grid.addWidget(scroll, 0, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        self.body.addLayout(grid, 1)
        self.status: lc.EngagementStatus | None = None

    def as_of_text(self) -> str:
        # the findings, red flags and baselines shown come from the stored audit runs
        return asof.runs_text(self.context.engagement, asof.AUDIT_KINDS)

    def refresh(self) -> None:
        """Recompute the status (a fraction of a second on the demo)."""
        s = lc.engagement_status(self.context.engagement)
        self.status = s
        phase = s.phase
        extra = (
            " (set by hand)" if phase.overridden else (" (every gate met)" if phase.closed else "")
        )
        self.phase_label.setText(f"Phase {phase.number} of 4: {phase.name}{extra}")
        for bar, text, progress in zip(self.phase_bars, self.phase_texts, s.checklist, strict=True):
            bar.setMaximum(max(progress.total, 1))
            bar.setValue(progress.done)
            text.setText(f"{progress.phase}. {progress.name}  {progress.done}/{progress.total}")

        self.gates.clear()
        for gate in s.gates:
            missing = sum(not c.met for c in gate.conditions)
            item = QTreeWidgetItem(
                [
                    f"{gate.subphase}  {gate.name}",
                    "met" if gate.met else "not met",
                    "all conditions met"
                    if gate.met
                    else f"{missing} of {len(gate.conditions)} conditions open",
                ]
            )
            item.setForeground(1, QBrush(MET if gate.met else NOT_MET))
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            for cond in gate.conditions:
                reason = asof.dates_in(cond.reason)
                child = QTreeWidgetItem([cond.title, "met" if cond.met else "open", reason])
                child.setForeground(1, QBrush(MET if cond.met else NOT_MET))
                child.setToolTip(0, cond.title)
                child.setToolTip(2, reason)
                item.addChild(child)
            self.gates.addTopLevelItem(item)
            item.setExpanded(not gate.met and gate.phase == phase.number)

        by_severity = s.findings["by_severity"]
        open_flags = _open_by_severity(self.context.engagement)
        self.severity.setText(
            "  ".join(
                f'<span style="color:{SEVERITY_COLORS[sev]}"><b>{open_flags.get(sev, 0)}</b> '
                f"{sev}</span>"
                for sev in SEVERITIES
            )
            + f'<br><span style="color:#5f6b7a">open of {sum(by_severity.values())} '
            "current findings</span>"
        )
        by_status = s.findings["by_status"]
        lines = [
            f"Findings: {by_status['ASSUMED']} ASSUMED, {by_status['CONFIRMED']} "
            f"CONFIRMED, {by_status['CORRECTED']} CORRECTED, "
            f"{by_status['RESOLVED'] + by_status['DISMISSED']} closed"
        ]
        for name, counts in s.inputs.items():
            lines.append(
                f"{name.capitalize()}: {counts['ASSUMED']} ASSUMED, "
                f"{counts['CONFIRMED']} CONFIRMED, {counts['CORRECTED']} CORRECTED"
            )
        self.statuses.setText("\n".join(lines))

        nm = s.next_meeting
        if nm:
            who = f" with {', '.join(nm.attendees)}" if nm.attendees else ""
            self.next_meeting.setText(f"{asof.day(nm.date)}: {nm.title or nm.kind}{who}")
        elif s.last_meeting:
            self.next_meeting.setText(
                f"None booked. Last: {asof.day(s.last_meeting.date)} "
                f"{s.last_meeting.title or s.last_meeting.kind}."
            )
        else:
            self.next_meeting.setText("None booked yet. Record the kickoff on the Phases page.")
        decision = DECISIONS.get(s.hypercare_decision, s.hypercare_decision)
        self.hypercare.setText(
            decision + (f": {asof.dates_in(s.hypercare_reasons[0])}" if s.hypercare_reasons else "")
        )
        eng = self.context.engagement
        self.freshness.setText(
            "\n".join(
                freshness_lines(
                    eng.counts(),
                    s.freshness,
                    asof.day(eng.as_of()),
                    demo=eng.setting("demo.seed") is not None,
                )
            )
        )
        self.upcoming.setText(
            "\n".join(f"{asof.day(r.date)}  {r.title}" for r in s.upcoming)
            or "Nothing scheduled."
        )


def _open_by_severity(eng) -> dict[str, int]:
    """Current findings not yet resolved or dismissed, by severity (the red flags)."""
    return dict(
        eng.conn.execute(
            "SELECT severity, count(*) FROM findings WHERE is_current = 1 "
            "AND status IN ('ASSUMED', 'CONFIRMED', 'CORRECTED') GROUP BY severity"
        ).fetchall()
    )


def preview() -> int:
    """Open this page alone on the demo engagement."""
    return preview_page(__name__)
