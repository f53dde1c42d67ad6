"""Coaching page: calls with their transcripts, reps against the benchmark, trackers, scorecards.

Four tabs. Calls: every transcribed call with its metrics; the selected call's
transcript with speakers, times and tracker hits highlighted; the speakers nobody
has placed yet, decided here as rep or customer. Reps: the last coaching run per rep
against the top performers, the flags and a chart. Trackers: the library (add a
phrase or an exclusion, switch one off) and the review queue (relevant or noise).
Scorecards: a manager scores a call on the engagement's rubric; rep summaries and
the calibration between managers. Writes go through the task runner.
"""

from __future__ import annotations

import re
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from workbench.coaching import operations as ops
from workbench.coaching.charts import rep_benchmark_figure
from workbench.errors import WorkbenchError
from workbench.models.vocabulary import count
from workbench.ui import asof
from workbench.ui.charts import ChartView
from workbench.ui.dialogs import show_error
from workbench.ui.pages.base import BasePage
from workbench.ui.preview import preview_page
from workbench.ui.tables import make_table_widget

SIDE_COLOURS = {"rep": "#1565c0", "customer": "#2e7d32", "unknown": "#8d6e63"}


# ------------------------------------------------------------ task functions
def _measure_task(eng, *, progress):
    trackers = ops.run_trackers(eng, progress=progress.span(0.0, 0.3))
    coaching = ops.run_coaching(eng, progress=progress.span(0.3, 1.0))
    return coaching, trackers


def _resolve_task(eng, name: str, role: str, *, progress):
    return ops.resolve_speaker(eng, ops.ResolveSpeakerRequest(name, role))


def _edit_tracker_task(eng, request: ops.TrackerEditRequest, *, progress):
    ops.edit_tracker(eng, request)
    return ops.run_trackers(eng, progress=progress)


def _review_task(eng, verdict: ops.HitVerdict, *, progress):
    ops.review_hits(eng, ops.ReviewRequest([verdict], "consultant"))
    return verdict


def _score_task(eng, request: ops.ScoreCallRequest, *, progress):
    return ops.score_call(eng, request)


def _fill(table: QTableWidget, rows: list[list[object]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if isinstance(value, (int, float)):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


def _pct(value) -> str:
    return "-" if value is None else f"{value:.0%}"


def _num(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _clock(seconds: float) -> str:
    s = int(seconds)
    return (
        f"{s // 3600:d}:{s // 60 % 60:02d}:{s % 60:02d}"
        if s >= 3600
        else f"{s // 60:d}:{s % 60:02d}"
    )


class Page(BasePage):
    title = "Coaching"
    subtitle = (
        "Call transcripts, talk metrics per rep against the top performers, trackers "
        "and scorecards."
    )

    def __init__(self, context) -> None:
        super().__init__(context)
        self.run = None
        self.add_action(
            "Measure calls",
            self.measure,
            primary=True,
            writes=True,
            tooltip="Find tracker hits and measure every call and rep",
        )
        self.add_action(
            "Import transcripts…",
            self.import_transcripts,
            writes=True,
            tooltip="A transcript file or a folder of them (WebVTT, SRT, Gong or Zoom JSON)",
        )
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        self.summary.setWordWrap(True)
        self.body.addWidget(self.summary)
        self.tabs = QTabWidget()
        self.body.addWidget(self.tabs, 1)
        self._build_calls_tab()
        self._build_reps_tab()
        self._build_trackers_tab()
        self._build_scorecards_tab()

    # ------------------------------------------------------------------ calls
    def _build_calls_tab(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        split = QSplitter(Qt.Orientation.Horizontal)
        left = QSplitter(Qt.Orientation.Vertical)
        self.calls_table = make_table_widget(
            [
                "Call",
                "Rep",
                "Start",
                "Minutes",
                "Talk ratio",
                "Questions/h",
                "Longest monologue s",
                "Patience s",
            ]
        )
        header = self.calls_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 150)
        self.calls_table.itemSelectionChanged.connect(self._show_transcript)
        left.addWidget(self.calls_table)
        speakers = QWidget()
        left_layout = QVBoxLayout(speakers)
        left_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Speakers not yet placed")
        heading.setObjectName("sectionTitle")
        left_layout.addWidget(heading)
        self.unknown_table = make_table_widget(["Speaker", "Calls", "Seconds"])
        left_layout.addWidget(self.unknown_table, 1)
        buttons = QHBoxLayout()
        self.as_rep = QPushButton("Seller's side")
        self.as_customer = QPushButton("Customer")
        self.as_rep.clicked.connect(lambda: self._resolve("rep"))
        self.as_customer.clicked.connect(lambda: self._resolve("customer"))
        for b in (self.as_rep, self.as_customer):
            b.setEnabled(not self.context.read_only)
            buttons.addWidget(b)
        buttons.addStretch(1)
        left_layout.addLayout(buttons)
        left.addWidget(speakers)
        left.setSizes([380, 160])
        split.addWidget(left)
        self.transcript = QTextBrowser()
        self.transcript.setOpenLinks(False)
        split.addWidget(self.transcript)
        split.setSizes([560, 520])
        layout.addWidget(split)
        self.tabs.addTab(tab, "Calls")

    def _show_transcript(self) -> None:
        row = self.calls_table.currentRow()
        if row < 0 or self.calls_table.item(row, 0) is None:
            self.transcript.clear()
            return
        call = self.calls_table.item(row, 0).text()
        conn = self.context.engagement.conn
        sides = dict(
            conn.execute(
                "SELECT label, role FROM transcript_speakers WHERE meeting_crm_id = ?", (call,)
            )
        )
        hits: dict[int, list[str]] = {}
        labels = dict(conn.execute("SELECT key, label FROM trackers"))
        for index, key, phrase in conn.execute(
            "SELECT turn_index, tracker_key, phrase FROM tracker_hits WHERE meeting_crm_id = ?",
            (call,),
        ):
            hits.setdefault(index, []).append(f"{phrase}\u0000{labels.get(key, key)}")
        parts = [f"<h3>Call {escape(call)}</h3>"]
        for index, speaker, start, end, text in conn.execute(
            "SELECT turn_index, speaker, start_s, end_s, text FROM transcript_turns "
            "WHERE meeting_crm_id = ? ORDER BY turn_index",
            (call,),
        ):
            side = sides.get(speaker, "unknown")
            body = escape(text)
            found = []
            for item in hits.get(index, []):
                phrase, label = item.split("\u0000")
                found.append(label)
                body = _highlight(body, phrase)
            tag = (
                f" <span style='color:#e65100'>[{escape(', '.join(sorted(set(found))))}]</span>"
                if found
                else ""
            )
            parts.append(
                f"<p><span style='color:#757575'>{_clock(start)}-{_clock(end)}</span> "
                f"<b style='color:{SIDE_COLOURS[side]}'>{escape(speaker)}</b> "
                f"<span style='color:#9e9e9e'>({side})</span>{tag}<br>{body}</p>"
            )
        self.transcript.setHtml("".join(parts))

    def _resolve(self, role: str) -> None:
        row = self.unknown_table.currentRow()
        if row < 0:
            show_error(self, WorkbenchError("Select a speaker in the list first."))
            return
        name = self.unknown_table.item(row, 0).text()
        self._run(f"Placing {name}", _resolve_task, name, role, on_success=lambda _: self.refresh())

    # ------------------------------------------------------------------- reps
    def _build_reps_tab(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.benchmark_label = QLabel()
        self.benchmark_label.setWordWrap(True)
        layout.addWidget(self.benchmark_label)
        split = QSplitter(Qt.Orientation.Vertical)
        self.reps_table = make_table_widget(
            [
                "Rep",
                "Calls",
                "Talk ratio",
                "Longest monologue s",
                "Questions/h",
                "Switches/min",
                "Patience s",
                "Win rate",
                "Top performer",
                "Flags",
            ]
        )
        split.addWidget(self.reps_table)
        self.chart = ChartView()
        split.addWidget(self.chart)
        split.setSizes([260, 320])
        layout.addWidget(split, 1)
        self.tabs.addTab(tab, "Reps")

    # --------------------------------------------------------------- trackers
    def _build_trackers_tab(self) -> None:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.tracker_warning = QLabel()
        self.tracker_warning.setWordWrap(True)
        layout.addWidget(self.tracker_warning)
        self.trackers_table = make_table_widget(
            [
                "Tracker",
                "Phrases",
                "Exclusions",
                "Whose words",
                "Alert",
                "Active",
                "Hits",
                "Calls",
                "Deals",
                "False positives",
            ]
        )
        header = self.trackers_table.horizontalHeader()
        for column, width in ((1, 330), (2, 160)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
        self.trackers_table.itemSelectionChanged.connect(self._tracker_selected)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.trackers_table)
        layout.addWidget(split, 1)
        lower = QWidget()
        layout = QVBoxLayout(lower)  # the rest of the tab goes under the splitter's handle
        layout.setContentsMargins(0, 0, 0, 0)
        split.addWidget(lower)
        split.setSizes([250, 270])
        form = QHBoxLayout()
        self.tracker_phrase = QLineEdit()
        self.tracker_phrase.setPlaceholderText("phrase to add")
        self.tracker_exclusion = QLineEdit()
        self.tracker_exclusion.setPlaceholderText("exclusion to add")
        self.tracker_save = QPushButton("Add to the selected tracker")
        self.tracker_save.clicked.connect(self._save_tracker)
        self.tracker_toggle = QPushButton("Switch on/off")
        self.tracker_toggle.clicked.connect(self._toggle_tracker)
        for w in (self.tracker_phrase, self.tracker_exclusion):
            form.addWidget(w, 1)
        for b in (self.tracker_save, self.tracker_toggle):
            b.setEnabled(not self.context.read_only)
            form.addWidget(b)
        layout.addLayout(form)
        heading = QLabel("Review queue: is each hit what the tracker means?")
        heading.setObjectName("sectionTitle")
        layout.addWidget(heading)
        self.review_table = make_table_widget(["Call", "Utterance", "Phrase", "Speaker", "Words"])
        layout.addWidget(self.review_table, 1)
        row = QHBoxLayout()
        self.mark_relevant = QPushButton("Relevant")
        self.mark_noise = QPushButton("Noise")
        self.mark_relevant.clicked.connect(lambda: self._review("relevant"))
        self.mark_noise.clicked.connect(lambda: self._review("noise"))
        for b in (self.mark_relevant, self.mark_noise):
            b.setEnabled(not self.context.read_only)
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.tabs.addTab(tab, "Trackers")
        self._trackers: list = []
        self._queue: dict[str, list[dict]] = {}

    def _selected_tracker(self):
        row = self.trackers_table.currentRow()
        return self._trackers[row] if 0 <= row < len(self._trackers) else None

    def _tracker_selected(self) -> None:
        spec = self._selected_tracker()
        queue = self._queue.get(spec.key, []) if spec else []
        _fill(
            self.review_table,
            [
                [h["call"], h["utterance"], h["phrase"], h["speaker"], h["text"][:200]]
                for h in queue
            ],
        )

    def _save_tracker(self) -> None:
        spec = self._selected_tracker()
        if spec is None:
            show_error(self, WorkbenchError("Select a tracker first."))
            return
        phrase, exclusion = (
            self.tracker_phrase.text().strip(),
            self.tracker_exclusion.text().strip(),
        )
        if not phrase and not exclusion:
            show_error(self, WorkbenchError("Type a phrase or an exclusion to add."))
            return
        request = ops.TrackerEditRequest(
            spec.key,
            add_phrases=[phrase] if phrase else [],
            exclusions=[exclusion] if exclusion else [],
        )
        self._run(
            f"Changing {spec.label}",
            _edit_tracker_task,
            request,
            on_success=lambda _: self.refresh(),
        )

    def _toggle_tracker(self) -> None:
        spec = self._selected_tracker()
        if spec is None:
            show_error(self, WorkbenchError("Select a tracker first."))
            return
        request = ops.TrackerEditRequest(spec.key, active=not spec.active)
        self._run(
            f"Switching {spec.label}",
            _edit_tracker_task,
            request,
            on_success=lambda _: self.refresh(),
        )

    def _review(self, verdict: str) -> None:
        spec = self._selected_tracker()
        row = self.review_table.currentRow()
        if spec is None or row < 0:
            show_error(self, WorkbenchError("Select a tracker and one of its hits first."))
            return
        hit = self._queue[spec.key][row]
        v = ops.HitVerdict(spec.key, hit["call"], int(hit["utterance"]), hit["phrase"], verdict)
        self._run("Recording the review", _review_task, v, on_success=lambda _: self.refresh())

    # ------------------------------------------------------------- scorecards
    def _build_scorecards_tab(self) -> None:
        tab = QWidget()
        layout = QHBoxLayout(tab)
        entry = QWidget()
        form = QFormLayout(entry)
        self.score_call = QComboBox()
        self.score_manager = QLineEdit()
        self.score_manager.setPlaceholderText("manager's name")
        form.addRow("Call", self.score_call)
        form.addRow("Manager", self.score_manager)
        self.criteria_form = QFormLayout()
        form.addRow(self.criteria_form)
        self.score_save = QPushButton("Save the scores")
        self.score_save.setObjectName("primary")
        self.score_save.setEnabled(not self.context.read_only)
        self.score_save.clicked.connect(self._save_scores)
        form.addRow(self.score_save)
        layout.addWidget(entry, 2)
        right = QVBoxLayout()
        self.scorecard_label = QLabel()
        self.scorecard_label.setWordWrap(True)
        right.addWidget(self.scorecard_label)
        self.rep_scores = make_table_widget(["Rep", "Calls scored", "Mean", "Weakest criterion"])
        right.addWidget(self.rep_scores, 1)
        heading = QLabel("Calibration: calls scored by more than one manager")
        heading.setObjectName("sectionTitle")
        right.addWidget(heading)
        self.calibration_table = make_table_widget(
            ["Call", "Scores", "Spread", "Managers disagree"]
        )
        right.addWidget(self.calibration_table, 1)
        layout.addLayout(right, 3)
        self.tabs.addTab(tab, "Scorecards")
        self._spins: dict[str, QDoubleSpinBox] = {}

    def _fill_scorecard(self) -> None:
        eng = self.context.engagement
        from workbench.coaching.scorecards import TEMPLATES, load_rubric

        name = eng.meta().methodology.upper()
        rubric = load_rubric(eng.conn, name)
        criteria = (
            [(c.key, c.label) for c in rubric.criteria]
            if rubric
            else [(k, label) for k, label, _, _ in TEMPLATES.get(name, TEMPLATES["CUSTOM"])]
        )
        low, high = (rubric.scale_min, rubric.scale_max) if rubric else (1, 5)
        while self.criteria_form.rowCount():
            self.criteria_form.removeRow(0)
        self._spins = {}
        for key, label in criteria:
            spin = QDoubleSpinBox()
            spin.setRange(low - 1, high)
            spin.setSpecialValueText("not scored")
            spin.setValue(low - 1)
            spin.setDecimals(0)
            self.criteria_form.addRow(label, spin)
            self._spins[key] = spin
        if rubric is None:
            self.scorecard_label.setText(f"{name} scorecard: no call scored yet.")
            _fill(self.rep_scores, [])
            _fill(self.calibration_table, [])
            return
        report = ops.scorecard_report(eng, name)  # the rubric exists: nothing is written
        self.scorecard_label.setText(
            f"{rubric.name} scorecard ({len(rubric.criteria)} criteria, scale {low}-{high}): "
            f"{len(report.calls)} scores by {len({c.manager for c in report.calls})} managers."
        )
        _fill(
            self.rep_scores, [[r.rep, r.calls, _pct(r.mean), r.weakest or "-"] for r in report.reps]
        )
        _fill(
            self.calibration_table,
            [
                [
                    c.call,
                    ", ".join(f"{m} {v:.0%}" for m, v in c.managers.items()),
                    _pct(c.spread),
                    "yes" if c.flagged else "no",
                ]
                for c in report.calibration
            ],
        )

    def _save_scores(self) -> None:
        call = self.score_call.currentText()
        scores = {k: s.value() for k, s in self._spins.items() if s.value() >= s.minimum() + 1}
        request = ops.ScoreCallRequest(call, self.score_manager.text().strip(), scores)
        self._run("Saving the scores", _score_task, request, on_success=lambda _: self.refresh())

    # ---------------------------------------------------------------- refresh
    def as_of_text(self) -> str:
        return asof.coaching_text(self.context.engagement)

    def refresh(self) -> None:
        eng = self.context.engagement
        conn = eng.conn
        calls = int(conn.execute("SELECT count(*) FROM transcripts").fetchone()[0])
        self.run = ops.load_coaching_run(eng)
        unknown = conn.execute(
            "SELECT label, count(*), sum(seconds) FROM transcript_speakers WHERE role = 'unknown' "
            "GROUP BY label ORDER BY sum(seconds) DESC"
        ).fetchall()
        if not calls:
            self.summary.setText(
                "No call transcripts yet. Import them on the Data page or with "
                "'workbench import FILE FOLDER' (Zoom and Teams WebVTT, SRT, Gong or Zoom JSON)."
            )
        elif self.run is None:
            self.summary.setText(
                f"{count(calls, 'call')} transcribed; press Measure calls for the metrics."
            )
        else:
            self.summary.setText(
                f"{count(calls, 'call')} transcribed; last measured "
                f"{asof.moment(self.run['run_at'])} ({count(len(self.run['calls']), 'call')}, "
                f"{count(len(self.run['reps']), 'rep')})"
                + (f"; {count(len(unknown), 'speaker')} still to place" if unknown else "")
                + "."
            )
        by_call = {c["meeting_crm_id"]: c for c in (self.run or {}).get("calls", [])}
        rows = []
        for call, started, duration in conn.execute(
            "SELECT meeting_crm_id, started_at, duration_s FROM transcripts ORDER BY started_at, meeting_crm_id"
        ):
            m = by_call.get(call, {})
            rows.append(
                [
                    call,
                    m.get("rep_name") or "-",
                    asof.moment(started),
                    _num((duration or 0) / 60),
                    _pct(m.get("talk_ratio")),
                    _num(m.get("questions_per_hour")),
                    _num(m.get("longest_monologue_s")),
                    _num(m.get("patience_s"), 2),
                ]
            )
        _fill(self.calls_table, rows)
        _fill(self.unknown_table, [[label, n, f"{s:,.0f}"] for label, n, s in unknown])
        self.score_call.clear()
        self.score_call.addItems([r[0] for r in rows])
        self._refresh_reps()
        self._refresh_trackers()
        self._fill_scorecard()
        if rows and self.calls_table.currentRow() < 0:
            self.calls_table.selectRow(0)
        self._show_transcript()

    def _refresh_reps(self) -> None:
        if self.run is None:
            self.benchmark_label.setText(
                "Measure the calls to compare reps with the top performers."
            )
            _fill(self.reps_table, [])
            self.chart.set_figure(None)
            return
        bench = self.run["benchmark"]
        v = bench.get("values", {})
        self.benchmark_label.setText(
            f"Benchmark: {bench.get('basis', '')}. Top performers: talk ratio {_pct(v.get('talk_ratio'))}, "
            f"longest monologue {_num(v.get('longest_monologue_s'))} s, "
            f"{_num(v.get('questions_per_hour'))} questions per hour, "
            f"{_num(v.get('interactivity'), 2)} switches per minute, patience {_num(v.get('patience_s'), 2)} s. "
            "Talk ratio band 40-60%."
        )
        _fill(
            self.reps_table,
            [
                [
                    r["rep_name"],
                    r["calls"],
                    _pct(r["talk_ratio"]),
                    _num(r["longest_monologue_s"]),
                    _num(r["questions_per_hour"]),
                    _num(r["interactivity"], 2),
                    _num(r["patience_s"], 2),
                    _pct(r["win_rate"]),
                    "yes" if r["top_performer"] else "",
                    "; ".join(r["flags"]),
                ]
                for r in self.run["reps"]
            ],
        )
        self.chart.set_figure(rep_benchmark_figure(self.run["reps"], bench))

    def _refresh_trackers(self) -> None:
        result = ops.tracker_summary(self.context.engagement, ops.TrackersRequest(review=True))
        self._trackers = result.trackers
        self._queue = result.review_queue
        self.tracker_warning.setText(
            " ".join(result.warnings)
            if result.warnings
            else (
                f"{result.active} active trackers."
                if result.trackers
                else "No trackers yet: Measure calls starts the playbook's categories."
            )
        )
        _fill(
            self.trackers_table,
            [
                [
                    t.label,
                    ", ".join(t.phrases + t.variants),
                    ", ".join(t.exclusions),
                    t.side,
                    ", ".join(t.alert_to),
                    "yes" if t.active else "no",
                    t.hits,
                    t.calls,
                    t.deals,
                    "not reviewed"
                    if t.false_positive_rate is None
                    else f"{t.noise} of {t.reviewed} ({t.false_positive_rate:.0%})"
                    + (" - red flag" if t.red_flag else ""),
                ]
                for t in result.trackers
            ],
        )
        self._tracker_selected()

    # ------------------------------------------------------------------ tasks
    def import_transcripts(self, path: str | None = None) -> None:
        """Ask for a folder of transcripts (or take ``path``) and import it."""
        if not path:
            from PySide6.QtWidgets import QFileDialog

            path = QFileDialog.getExistingDirectory(self, "Folder of call transcripts")
        if path:
            self._run(
                "Importing transcripts",
                ops.import_transcripts,
                ops.ImportTranscriptsRequest(Path(path)),
                on_success=lambda _: self.refresh(),
            )

    def measure(self) -> None:
        self._run("Measuring the calls", _measure_task, on_success=lambda _: self.refresh())

    def _run(self, title, fn, *args, on_success=None) -> None:
        try:
            self.context.runner.run(title, fn, *args, writes=True, on_success=on_success)
        except WorkbenchError as exc:
            show_error(self, exc)


def _highlight(body: str, phrase: str) -> str:
    pattern = re.compile(
        r"(?<![\w-])(" + r"\s+".join(re.escape(w) for w in phrase.split()) + r")(?![\w-])",
        re.IGNORECASE,
    )
    return pattern.sub(r"<span style='background:#ffe082'>\1</span>", body, count=1)


def preview() -> int:
    """Open this page alone on the demo engagement."""
    return preview_page(__name__)
