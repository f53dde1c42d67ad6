"""Reading exported call transcripts: WebVTT, SRT, timed "Speaker: text" lines, JSON.

The format is detected from the content, not the file name. WebVTT goes through
webvtt-py and SRT through srt; the speaker comes from a WebVTT voice tag (Teams:
``<v Jane Doe>``) or a leading ``Name:`` (Zoom's audio transcript). JSON may be
Gong's call transcript shape (``callTranscripts`` with ``speakerId`` and timed
``sentences``, optionally with the call's ``parties``), Zoom's transcript timeline
(``timeline`` of ``text``/``ts``/``end_ts``/``users``) or a generic list of
utterances (``speaker``, ``start``, ``end``, ``text``).

A cue that cannot be used (empty, no speaker, broken or backwards times, absurdly
long) is rejected with its reason; a file that is not a transcript at all raises a
``WorkbenchError`` naming it. Nothing here touches the engagement.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from workbench.errors import WorkbenchError

# A spoken cue of more than this many characters is a broken export (at speaking
# pace that is well over an hour of one caption), not speech.
MAX_CUE_CHARS = 20_000
# A file larger than this is not one call's transcript.
MAX_FILE_BYTES = 200 * 1024 * 1024


@dataclass
class Cue:
    """One timed utterance as the file gives it (seconds from the start of the call)."""

    number: int
    speaker: str
    start: float
    end: float
    text: str
    email: str | None = None


@dataclass
class RejectedCue:
    number: int
    field: str
    value: str
    reason: str


@dataclass
class Participant:
    name: str
    email: str | None = None
    affiliation: str | None = None  # "internal" / "external" when the platform says


@dataclass
class ParsedTranscript:
    """One call's transcript: its cues, the rejected ones and what the file says of the call."""

    source_name: str
    format: str
    cues: list[Cue] = field(default_factory=list)
    rejected: list[RejectedCue] = field(default_factory=list)
    call_id: str | None = None
    title: str | None = None
    started_at: datetime | None = None
    timezone: str | None = None
    duration_s: float | None = None
    participants: list[Participant] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- detection
_SRT_START = re.compile(r"^\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")
_TIME = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
# "[00:01:02] Jane Doe: text", "00:01:02 Jane Doe: text", "(1:02) Jane: text"
_LINE_TIME_FIRST = re.compile(
    rf"^\s*[\[(]?(?P<t>{_TIME})[\])]?\s*[-–]?\s*(?P<s>[^:\[\]()]{{1,80}}?):\s+(?P<x>.*)$"
)
# "Jane Doe [00:01:02]: text", "Jane Doe (00:01:02): text"
_LINE_NAME_FIRST = re.compile(
    rf"^\s*(?P<s>[^:\[\]()]{{1,80}}?)\s*[\[(](?P<t>{_TIME})[\])]\s*:?\s+(?P<x>.*)$"
)
# Otter.ai style: "Jane Doe  0:03" on its own line, the words on the next lines.
_LINE_HEADER = re.compile(rf"^\s*(?P<s>[^\d:\[\]()][^:\[\]()]{{0,79}}?)\s{{2,}}(?P<t>{_TIME})\s*$")
_NAME_PREFIX = re.compile(r"^(?P<s>[^:\n]{1,80}?):\s+(?P<x>.*)$", re.DOTALL)
_TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".json")


def transcript_format(text: str) -> str | None:
    """``vtt``, ``srt``, ``json``, ``lines`` or None when ``text`` is none of them."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("WEBVTT"):
        return "vtt"
    if head[:1] in "[{":
        try:
            json.loads(head)
            return "json"
        except ValueError:
            pass
    if _SRT_START.match(head):
        return "srt"
    lines = [ln for ln in head.splitlines()[:60] if ln.strip()]
    timed = sum(
        1
        for ln in lines
        if _LINE_TIME_FIRST.match(ln) or _LINE_NAME_FIRST.match(ln) or _LINE_HEADER.match(ln)
    )
    if lines and timed >= max(2, len(lines) // 4):
        return "lines"
    return None


def looks_like_transcript(path: Path) -> bool:
    """True when ``path`` is a folder or a file whose content is a transcript format."""
    if path.is_dir():
        return True
    if not path.is_file():
        return False
    with path.open("rb") as fh:
        head = fh.read(8192)
    text = _decode(head, path, partial=True)
    fmt = transcript_format(text)
    if fmt == "json" or (fmt is None and head.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] in (b"{", b"[")):
        return path.suffix.lower() == ".json" or fmt == "json"
    return fmt is not None


def transcript_files(path: Path) -> list[Path]:
    """The transcript files of a folder (by suffix, sorted), or the file itself."""
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.is_file() and p.suffix.lower() in (*_TRANSCRIPT_SUFFIXES, ".txt")
        )
    return [path]


def _decode(data: bytes, path: Path, *, partial: bool = False) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(data) - 4:
            return data[: exc.start].decode("utf-8")
        return data.decode("cp1252", errors="replace")


# ---------------------------------------------------------------- reading
def read_transcripts(path: Path) -> list[ParsedTranscript]:
    """Parse one transcript file (a Gong JSON may hold several calls)."""
    path = Path(path)
    if not path.is_file():
        raise WorkbenchError(f"{path} does not exist or is not a file.")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbenchError(
            f"{path.name} is {size / 1e6:,.0f} MB; one call's transcript is far smaller. "
            "Export calls one file each."
        )
    text = _decode(path.read_bytes(), path)
    fmt = transcript_format(text)
    if fmt is None:
        raise WorkbenchError(
            f"{path.name} is not a transcript Workbench can read: expected WebVTT, SRT, "
            "'Speaker: text' lines with times, or Gong, Zoom or generic JSON."
        )
    if fmt == "json":
        results = _read_json(json.loads(text), path.name)
    else:
        reader = {"vtt": _read_vtt, "srt": _read_srt, "lines": _read_lines}[fmt]
        results = [reader(text, path.name)]
    for parsed in results:
        _check_cues(parsed)
        if parsed.call_id is None:
            parsed.call_id = path.stem
        if parsed.started_at is None:
            parsed.started_at = _start_from_name(path.stem)
            if parsed.started_at is not None:
                parsed.timezone = parsed.timezone or "UTC"
    return results


def _start_from_name(stem: str) -> datetime | None:
    """Zoom names cloud recordings ``GMT20240124-202901_Recording``: a UTC start."""
    m = re.search(r"GMT(\d{8})-(\d{6})", stem)
    if not m:
        return None
    try:
        return datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _split_speaker(text: str) -> tuple[str | None, str]:
    m = _NAME_PREFIX.match(text)
    if (
        m
        and not m.group("s").strip().startswith(("http", "www"))
        and len(m.group("s").split()) <= 6
    ):
        return m.group("s").strip(), m.group("x").strip()
    return None, text.strip()


def _timing_blocks(text: str) -> list[tuple[int, str]]:
    """(cue number, timing line) of every block with a ``-->`` line, in file order."""
    blocks, number = [], 0
    for block in re.split(r"\r?\n\s*\r?\n", text):
        for line in block.splitlines():
            if "-->" in line:
                number += 1
                blocks.append((number, line.strip()))
                break
    return blocks


# The plain shape nearly every Zoom and Teams export has: a bare WEBVTT header, then
# blocks of an optional cue number, a timing line in full HH:MM:SS.mmm form without
# cue settings, and lines of plain text (or one Teams voice tag around plain text).
_PLAIN_TIMING = re.compile(
    r"(\d\d):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d\d):([0-5]\d):([0-5]\d)\.(\d{3})"
)
_PLAIN_VOICE = re.compile(r"<v ([^<>&]+)>([^<>&]*)</v>")


def _read_plain_vtt(text: str, name: str) -> ParsedTranscript | None:
    """The cues of a WebVTT file in the plain shape, read in one pass; None when the
    file has anything else (cue settings, styles, notes, other tags, entities, lone CR
    line ends, short timestamps), which webvtt-py then reads.

    For a plain file the result is the same as webvtt-py's, cue for cue (a test
    compares the two on the real and generated files); webvtt-py builds an object per
    caption and per tag and takes about ten times as long.
    """
    text = text.replace("\r\n", "\n")
    if "\r" in text or "&" in text:
        return None
    blocks = text.lstrip("\ufeff").split("\n\n")
    header = blocks[0].rstrip("\n")
    if header != "WEBVTT" and not header.startswith(("WEBVTT ", "WEBVTT\t")) or "\n" in header:
        return None
    parsed = ParsedTranscript(name, "WebVTT")
    voices = 0
    timing_match = _PLAIN_TIMING.fullmatch
    number = 0
    for block in blocks[1:]:
        lines = block.strip("\n").split("\n")
        if lines == [""]:
            continue
        timing = timing_match(lines[0])
        payload = lines[1:]
        if timing is None and len(lines) > 1 and "-->" not in lines[0]:
            timing = timing_match(lines[1])
            payload = lines[2:]
        if timing is None or any("-->" in ln or not ln.strip() for ln in payload):
            return None
        number += 1
        g = [int(x) for x in timing.groups()]
        start = ((g[0] * 60 + g[1]) * 60 + g[2]) * 1000 + g[3]
        end = ((g[4] * 60 + g[5]) * 60 + g[6]) * 1000 + g[7]
        body = "\n".join(payload)
        if "<" in body or ">" in body:
            voice = _PLAIN_VOICE.fullmatch(body)
            if voice is None:
                return None
            voices += 1
            speaker, words = voice.group(1).strip(), voice.group(2).strip()
        else:
            speaker, words = _split_speaker(body)
        _add_cue(parsed, number, speaker, start / 1000, end / 1000, words)
    parsed.format = "WebVTT (Teams voice tags)" if voices else "WebVTT"
    return parsed


def _read_vtt(text: str, name: str) -> ParsedTranscript:
    fast = _read_plain_vtt(text, name)
    if fast is not None:
        return fast
    return _read_vtt_webvtt(text, name)


def _read_vtt_webvtt(text: str, name: str) -> ParsedTranscript:
    import webvtt

    parsed = ParsedTranscript(name, "WebVTT")
    try:
        captions = list(webvtt.from_buffer(io.StringIO(text.lstrip("\ufeff"))))
    except Exception as exc:  # webvtt-py raises its own errors for a broken header
        raise WorkbenchError(f"{name} is not valid WebVTT: {exc}") from None
    blocks = _timing_blocks(text)
    voices = 0
    position = 0
    for caption in captions:
        # Match the caption to its block so a skipped (broken) block gets its number.
        while position < len(blocks) and not blocks[position][1].startswith(caption.start):
            number, line = blocks[position]
            parsed.rejected.append(RejectedCue(number, "time", line[:80], _bad_time_reason(line)))
            position += 1
        number = blocks[position][0] if position < len(blocks) else len(parsed.cues) + 1
        position += 1
        start = caption.start_time.in_milliseconds() / 1000
        end = caption.end_time.in_milliseconds() / 1000
        if caption.voice:
            voices += 1
            speaker, words = caption.voice.strip(), caption.text.strip()
        else:
            speaker, words = _split_speaker(caption.text)
        _add_cue(parsed, number, speaker, start, end, words)
    for number, line in blocks[position:]:
        parsed.rejected.append(RejectedCue(number, "time", line[:80], _bad_time_reason(line)))
    parsed.format = "WebVTT (Teams voice tags)" if voices else "WebVTT"
    return parsed


def _bad_time_reason(line: str) -> str:
    return f"the cue timing {line[:40]!r} is not 'HH:MM:SS.mmm --> HH:MM:SS.mmm'; cue skipped"


def _read_srt(text: str, name: str) -> ParsedTranscript:
    import srt

    parsed = ParsedTranscript(name, "SRT")
    for block_number, block in enumerate(re.split(r"\r?\n\s*\r?\n", text.strip()), start=1):
        if not block.strip():
            continue
        try:
            subs = list(srt.parse(block + "\n\n"))
        except srt.SRTParseError:
            line = next((ln for ln in block.splitlines() if "-->" in ln), block.splitlines()[0])
            parsed.rejected.append(
                RejectedCue(
                    block_number, "time", line[:80], _bad_time_reason(line).replace(".mmm", ",mmm")
                )
            )
            continue
        for sub in subs:
            speaker, words = _split_speaker(sub.content)
            _add_cue(
                parsed,
                block_number,
                speaker,
                sub.start.total_seconds(),
                sub.end.total_seconds(),
                words,
            )
    return parsed


def _seconds(value: object) -> float | None:
    """Seconds from a number or a ``[H:]MM:SS[.mmm]`` text; None when unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if value == value and value >= 0 else None
    if not isinstance(value, str) or not re.fullmatch(_TIME + r"|\d+(?:\.\d+)?", value.strip()):
        return None
    parts = value.strip().replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def _read_lines(text: str, name: str) -> ParsedTranscript:
    parsed = ParsedTranscript(name, "Speaker lines")
    pending: list[tuple[int, str, float, list[str]]] = []  # number, speaker, start, words
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        m = _LINE_TIME_FIRST.match(line) or _LINE_NAME_FIRST.match(line)
        header = None if m else _LINE_HEADER.match(line)
        if m or header:
            found = m or header
            start = _seconds(found.group("t"))
            if start is None:
                parsed.rejected.append(RejectedCue(number, "time", found.group("t"), "not a time"))
                continue
            words = [m.group("x")] if m else []
            pending.append((number, found.group("s").strip(), start, words))
        elif pending:
            pending[-1][3].append(line.strip())
        else:
            parsed.rejected.append(
                RejectedCue(
                    number,
                    "speaker",
                    line.strip()[:80],
                    "a line without a time and speaker before the first timed line",
                )
            )
    # A line ends where the next one starts; the last one at its words' reading pace.
    for i, (number, speaker, start, words) in enumerate(pending):
        content = " ".join(words).strip()
        if i + 1 < len(pending):
            end = pending[i + 1][2]
        else:
            end = start + max(1.0, len(content.split()) / 2.5)
        _add_cue(parsed, number, speaker, start, end, content)
    parsed.notes.append("the file gives start times only; each line ends where the next begins")
    return parsed


def _add_cue(
    parsed: ParsedTranscript,
    number: int,
    speaker: str | None,
    start: float | None,
    end: float | None,
    text: str,
    email: str | None = None,
) -> None:
    text = (text or "").strip()
    if start is None or end is None:
        value = f"{start} --> {end}"
        parsed.rejected.append(RejectedCue(number, "time", value, "missing or unreadable time"))
    elif len(text) > MAX_CUE_CHARS:
        parsed.rejected.append(
            RejectedCue(
                number,
                "text",
                text[:60] + "...",
                f"the cue holds {len(text):,} characters; no one says that much in one caption "
                "(a broken export)",
            )
        )
    elif not text:
        parsed.rejected.append(RejectedCue(number, "text", "", "the cue has no words"))
    elif not speaker:
        parsed.rejected.append(
            RejectedCue(number, "speaker", text[:60], "the cue names no speaker")
        )
    elif end < start:
        parsed.rejected.append(
            RejectedCue(
                number, "time", f"{start:.3f} --> {end:.3f}", "the cue ends before it starts"
            )
        )
    else:
        parsed.cues.append(Cue(number, speaker, start, end, text, email))


def _check_cues(parsed: ParsedTranscript) -> None:
    """Order the cues by start; say when the file had them out of order."""
    if not parsed.cues:
        reasons = {r.reason for r in parsed.rejected}
        detail = f" ({'; '.join(sorted(reasons)[:3])})" if reasons else ""
        if any(r.field == "speaker" for r in parsed.rejected) and all(
            r.field != "time" for r in parsed.rejected
        ):
            detail = (
                " (no cue names its speaker: closed captions carry no speakers; export the "
                "audio transcript instead)"
            )
        raise WorkbenchError(f"{parsed.source_name} has no usable utterance{detail}.")
    starts = [c.start for c in parsed.cues]
    if any(b < a for a, b in zip(starts, starts[1:], strict=False)):
        parsed.cues.sort(key=lambda c: (c.start, c.number))
        parsed.notes.append("cues were out of time order; they were put in order")


# ---------------------------------------------------------------- JSON shapes
def _read_json(data: object, name: str) -> list[ParsedTranscript]:
    if isinstance(data, dict) and isinstance(data.get("callTranscripts"), list):
        return _read_gong(data, name)
    if isinstance(data, dict) and isinstance(data.get("timeline"), list):
        return [_read_zoom(data, name)]
    utterances = data
    meta: dict = {}
    if isinstance(data, dict):
        meta = data.get("call") if isinstance(data.get("call"), dict) else data
        utterances = next(
            (
                data[k]
                for k in ("utterances", "segments", "turns", "transcript")
                if isinstance(data.get(k), list)
            ),
            None,
        )
    if isinstance(utterances, list) and utterances and all(isinstance(u, dict) for u in utterances):
        keys = set().union(*(u.keys() for u in utterances[:20]))
        if _pick(keys, _SPEAKER_KEYS) and _pick(keys, _TEXT_KEYS) and _pick(keys, _START_KEYS):
            return [_read_generic(utterances, meta, name)]
    found = (
        ", ".join(sorted(data)[:8]) if isinstance(data, dict) else f"a list of {len(data)} items"
    )
    raise WorkbenchError(
        f"{name} is JSON but not a transcript shape Workbench reads (Gong's callTranscripts, "
        f"Zoom's timeline, or utterances with speaker, start, end and text); it has: {found}."
    )


_SPEAKER_KEYS = ("speaker", "speaker_name", "speakerName", "name", "participant")
_TEXT_KEYS = ("text", "content", "transcript", "words")
_START_KEYS = ("start", "start_s", "start_time", "startTime", "begin", "ts")
_END_KEYS = ("end", "end_s", "end_time", "endTime", "end_ts")


def _pick(keys: set | dict, options: tuple[str, ...]) -> str | None:
    return next((k for k in options if k in keys), None)


def _moment(value: object) -> tuple[datetime | None, str | None]:
    """An ISO moment and its zone name (the offset when no name is given)."""
    if not isinstance(value, str) or not value.strip():
        return None, None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None, None
    if moment.tzinfo is None:
        return moment, None
    offset = moment.utcoffset() or timedelta(0)
    return moment, "UTC" if offset == timedelta(0) else moment.strftime("UTC%z")


def _apply_call_meta(parsed: ParsedTranscript, meta: dict) -> None:
    call_id = meta.get("id") or meta.get("call_id") or meta.get("callId") or meta.get("meeting_id")
    parsed.call_id = str(call_id) if call_id not in (None, "") else None
    parsed.title = meta.get("title") or meta.get("topic")
    moment, zone = _moment(
        meta.get("started_at")
        or meta.get("started")
        or meta.get("start_time")
        or meta.get("recording_start")
    )
    parsed.started_at = moment
    parsed.timezone = meta.get("timezone") or zone
    if moment is not None and parsed.timezone and moment.tzinfo is None:
        try:
            from zoneinfo import ZoneInfo

            parsed.started_at = moment.replace(tzinfo=ZoneInfo(parsed.timezone))
        except (KeyError, ValueError):
            parsed.notes.append(f"time zone {parsed.timezone!r} is unknown; start kept as given")
    duration = meta.get("duration_s", meta.get("duration"))
    parsed.duration_s = float(duration) if isinstance(duration, (int, float)) else None
    ended, _ = _moment(meta.get("recording_end") or meta.get("ended_at"))
    if parsed.duration_s is None and ended is not None and parsed.started_at is not None:
        try:
            parsed.duration_s = (ended - parsed.started_at).total_seconds()
        except TypeError:  # one aware, one naive
            pass
    for p in meta.get("participants") or meta.get("parties") or []:
        if isinstance(p, dict) and (p.get("name") or p.get("email") or p.get("emailAddress")):
            parsed.participants.append(
                Participant(
                    str(p.get("name") or p.get("email") or p.get("emailAddress")),
                    p.get("email") or p.get("emailAddress") or p.get("user_email"),
                    _affiliation(p.get("affiliation") or p.get("role")),
                )
            )


def _affiliation(value: object) -> str | None:
    text = str(value or "").strip().lower()
    if text in ("internal", "rep", "seller", "host", "company"):
        return "internal"
    if text in ("external", "customer", "prospect", "buyer"):
        return "external"
    return None


def _read_generic(utterances: list[dict], meta: dict, name: str) -> ParsedTranscript:
    parsed = ParsedTranscript(name, "JSON (generic)")
    _apply_call_meta(parsed, meta)
    keys = set().union(*(u.keys() for u in utterances[:20]))
    s_key, t_key, a_key = (
        _pick(keys, _SPEAKER_KEYS),
        _pick(keys, _TEXT_KEYS),
        _pick(keys, _START_KEYS),
    )
    e_key = _pick(keys, _END_KEYS)
    # Millisecond times: any start beyond a day in seconds.
    scale = (
        1000.0
        if any(isinstance(u.get(a_key), (int, float)) and u[a_key] > 86_400 for u in utterances)
        else 1.0
    )
    for number, u in enumerate(utterances, start=1):
        start = _seconds(u.get(a_key))
        end = _seconds(u.get(e_key)) if e_key else None
        if end is None and start is not None and isinstance(u.get("duration"), (int, float)):
            end = start + u["duration"]
        start = start / scale if start is not None else None
        end = end / scale if end is not None else None
        speaker = u.get(s_key)
        _add_cue(
            parsed,
            number,
            str(speaker).strip() if speaker not in (None, "") else None,
            start,
            end,
            str(u.get(t_key) or ""),
            u.get("email"),
        )
    return parsed


def _read_gong(data: dict, name: str) -> list[ParsedTranscript]:
    calls = {}
    for call in data.get("calls") or []:
        if isinstance(call, dict):
            meta = call.get("metaData") if isinstance(call.get("metaData"), dict) else call
            calls[str(meta.get("id"))] = (meta, call.get("parties") or [])
    results = []
    for entry in data["callTranscripts"]:
        if not isinstance(entry, dict):
            continue
        call_id = str(entry.get("callId") or "")
        parsed = ParsedTranscript(name, "JSON (Gong)")
        meta, parties = calls.get(call_id, ({}, entry.get("parties") or []))
        _apply_call_meta(parsed, {**meta, "parties": parties})
        parsed.call_id = call_id or parsed.call_id
        speakers = {
            str(p.get("speakerId")): p
            for p in parties
            if isinstance(p, dict) and p.get("speakerId")
        }
        number = 0
        for monologue in entry.get("transcript") or []:
            sid = str(monologue.get("speakerId") or "")
            party = speakers.get(sid, {})
            speaker = party.get("name") or (f"Speaker {sid}" if sid else None)
            for sentence in monologue.get("sentences") or []:
                number += 1
                start, end = _seconds(sentence.get("start")), _seconds(sentence.get("end"))
                _add_cue(
                    parsed,
                    number,
                    speaker,
                    start / 1000 if start is not None else None,
                    end / 1000 if end is not None else None,
                    str(sentence.get("text") or ""),
                    party.get("emailAddress"),
                )
        results.append(parsed)
    if not results:
        raise WorkbenchError(f"{name} is a Gong transcript export with no calls in it.")
    return results


def _read_zoom(data: dict, name: str) -> ParsedTranscript:
    parsed = ParsedTranscript(name, "JSON (Zoom)")
    _apply_call_meta(parsed, data)
    emails: dict[str, str] = {}
    for number, item in enumerate(data["timeline"], start=1):
        if not isinstance(item, dict):
            parsed.rejected.append(
                RejectedCue(number, "text", str(item)[:60], "not a timeline entry")
            )
            continue
        users = item.get("users") or []
        user = users[0] if users and isinstance(users[0], dict) else {}
        speaker = user.get("username")
        if speaker and user.get("email_address"):
            emails[speaker] = user["email_address"]
        _add_cue(
            parsed,
            number,
            speaker,
            _seconds(item.get("ts")),
            _seconds(item.get("end_ts")),
            str(item.get("text") or item.get("raw_text") or ""),
            user.get("email_address"),
        )
    if not parsed.participants:
        parsed.participants = [Participant(n, e) for n, e in emails.items()]
    return parsed
