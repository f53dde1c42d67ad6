"""Benchmark: 10,000 call transcripts (about a million utterances) imported and analysed.

    python bench/bench_transcripts.py [--calls 10000] [--utterances 100]

Writes the calls as the platforms export them (Zoom WebVTT 40%, Gong JSON 30%,
Teams WebVTT 20%, SRT 10%) into bench/out/transcripts/, then in a child process
creates an engagement with a 200-rep roster, imports the folder (``workbench
import``'s transcript path), measures every call and rep (``workbench coaching``)
and finds the tracker hits (``workbench trackers``). Prints each step's seconds,
the peak memory, the CPU seconds of all its processes (the cost whatever the load),
and a floor: reading every file's bytes. Goal: under 60 s and 1 GB.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.harness import OUT, Result, report, run_in_child  # noqa: E402

REP_LINES = [
    "What does your team use today for this?",
    "So how many people are involved in the approval",
    "Let me show you how the dashboard handles that.",
    "Our customers usually see the benefit in the first quarter.",
    "Can we agree next steps for Thursday?",
    "Tell me about the last time this went wrong.",
    "That makes sense, right.",
]
CUSTOMER_LINES = [
    "We mostly run it from spreadsheets at the moment.",
    "Honestly the price is too expensive for this year.",
    "We are also evaluating another vendor.",
    "Legal will want to review the contract.",
    "I wish it could export straight to our warehouse.",
    "That sounds reasonable to me.",
    "Our CFO signs anything above that amount.",
]


def _vtt_time(s: float, sep: str = ".") -> str:
    ms = int(s * 1000)
    return (
        f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}{sep}{ms % 1000:03d}"
    )


def generate(folder: Path, calls: int, per_call: int, seed: int = 14) -> int:
    """Write the transcripts; return the number of utterances."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(calls):
        rep = f"Rep {i % 200:03d}"
        customer = f"Buyer {i:05d}"
        t = rng.uniform(1, 5)
        cues = []
        for k in range(per_call):
            rep_turn = k % 2 == 0 or rng.random() < 0.2
            text = rng.choice(REP_LINES if rep_turn else CUSTOMER_LINES)
            length = len(text.split()) / rng.uniform(2.2, 3.0)
            cues.append((rep if rep_turn else customer, t, t + length, text))
            t += length + rng.uniform(-0.3, 1.8)
        total += len(cues)
        kind = i % 10
        name = f"call-{i:05d}"
        if kind < 4 or kind in (7, 8):  # Zoom (0-3) or Teams (7, 8) WebVTT
            lines = ["WEBVTT", ""]
            for n, (who, a, b, text) in enumerate(cues, start=1):
                words = f"<v {who}>{text}</v>" if kind >= 7 else f"{who}: {text}"
                lines += [str(n), f"{_vtt_time(a)} --> {_vtt_time(b)}", words, ""]
            (folder / f"{name}.vtt").write_text("\n".join(lines), encoding="utf-8")
        elif kind < 7:  # Gong JSON
            ids = {rep: "1", customer: "2"}
            data = {
                "calls": [
                    {
                        "metaData": {
                            "id": name,
                            "started": f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}T{8 + i % 9:02d}:"
                            f"{i % 60:02d}:00-07:00",
                        },
                        "parties": [
                            {
                                "speakerId": "1",
                                "name": rep,
                                "emailAddress": f"rep{i % 200:03d}@seller.io",
                                "affiliation": "Internal",
                            },
                            {
                                "speakerId": "2",
                                "name": customer,
                                "emailAddress": f"b{i}@buyer{i % 900}.com",
                                "affiliation": "External",
                            },
                        ],
                    }
                ],
                "callTranscripts": [
                    {
                        "callId": name,
                        "transcript": [
                            {
                                "speakerId": ids[who],
                                "sentences": [
                                    {"start": int(a * 1000), "end": int(b * 1000), "text": text}
                                ],
                            }
                            for who, a, b, text in cues
                        ],
                    }
                ],
            }
            (folder / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
        else:  # SRT
            blocks = [
                f"{n}\n{_vtt_time(a, ',')} --> {_vtt_time(b, ',')}\n{who}: {text}\n"
                for n, (who, a, b, text) in enumerate(cues, start=1)
            ]
            (folder / f"{name}.srt").write_text("\n".join(blocks), encoding="utf-8")
    return total


def read_all(folder: Path) -> int:
    """The floor: every file's bytes read once."""
    return sum(len(p.read_bytes()) for p in sorted(folder.iterdir()))


def run(folder: str, engagement: str) -> dict:
    from workbench.coaching.operations import (
        ImportTranscriptsRequest,
        import_transcripts,
        run_coaching,
        run_trackers,
    )
    from workbench.models import Engagement, EngagementMeta

    path = Path(engagement)
    path.unlink(missing_ok=True)
    eng = Engagement.create(
        path, EngagementMeta(customer="Bench", project_kind="conversation-intelligence")
    )
    try:
        with eng.atomic() as conn:
            conn.executemany(
                "INSERT INTO users (crm_id, name, email) VALUES (?, ?, ?)",
                [(f"U{r:03d}", f"Rep {r:03d}", f"rep{r:03d}@seller.io") for r in range(200)],
            )
        times = {}
        start = time.perf_counter()
        imported = import_transcripts(eng, ImportTranscriptsRequest(Path(folder)))
        times["import"] = time.perf_counter() - start
        start = time.perf_counter()
        coaching = run_coaching(eng)
        times["coaching"] = time.perf_counter() - start
        start = time.perf_counter()
        trackers = run_trackers(eng)
        times["trackers"] = time.perf_counter() - start
        import resource

        own, workers = (
            resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        return {
            # The parsing workers' own peak (the largest of them), beside the main process's.
            "worker_peak_mb": workers.ru_maxrss / 1024,
            # CPU seconds of this process and its workers: what the work costs whatever
            # else the machine is running (wall seconds stretch with the load).
            "cpu_s": own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime,
            "times": times,
            "calls": len(imported.calls),
            "utterances": imported.utterances,
            "rejected": len(imported.rejected_cues),
            "reps": len(coaching.reps),
            "hits": sum(t.hits for t in trackers.trackers),
            "unknown": len(imported.unknown_speakers),
        }
    finally:
        eng.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--utterances", type=int, default=100)
    args = parser.parse_args(argv)
    folder = OUT / "transcripts"
    shutil.rmtree(folder, ignore_errors=True)
    start = time.perf_counter()
    total = generate(folder, args.calls, args.utterances)
    print(
        f"generated {args.calls:,} transcripts, {total:,} utterances in {time.perf_counter() - start:.1f} s"
    )
    start = time.perf_counter()
    size = read_all(folder)
    floor = time.perf_counter() - start
    seconds, peak_mb, value = run_in_child(run, str(folder), str(OUT / "transcripts.engagement"))
    t = value["times"]
    report(
        Result(
            "transcripts: import + coaching + trackers",
            seconds,
            "reading the files' bytes",
            floor,
            peak_mb,
            {
                "import s": round(t["import"], 1),
                "coaching s": round(t["coaching"], 1),
                "trackers s": round(t["trackers"], 1),
                "calls": value["calls"],
                "utterances": value["utterances"],
                "rejected": value["rejected"],
                "reps": value["reps"],
                "tracker hits": value["hits"],
                "MB of files": round(size / 1e6),
                "parsing worker peak MB": round(value["worker_peak_mb"]),
                "CPU s (all processes)": round(value["cpu_s"], 1),
            },
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
