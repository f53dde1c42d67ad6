"""Transcripts for about thirty recorded sales meetings.

Each call follows a real call's arc (opening and consent, agenda, discovery,
pitch, objections, next steps) assembled from lines that vary by deal: deals
heading for a loss hear more competitor mentions, budget objections and timeline
shifts and end with vague next steps; winning deals end with dated commitments.
Some reps monologue. The coaching trackers (competitors, pricing, timeline,
next steps, questions, talk ratio) have something real to find.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from workbench.demodata.common import stream
from workbench.demodata.deals import Deal
from workbench.demodata.meetings import RecordedMeeting
from workbench.demodata.org import EMAIL_DOMAIN
from workbench.demodata.vocab import COMPETITORS, REVENUE_TOOLS

TRANSCRIPT_MEETINGS = 30
TURN_COLUMNS = (
    "meeting_crm_id",
    "turn_index",
    "speaker",
    "speaker_email",
    "is_internal",
    "start_s",
    "end_s",
    "text",
)
SOLUTIONS_ENGINEERS = (
    ("Priya Raman", f"priya.raman@{EMAIL_DOMAIN}"),
    ("Tom Becker", f"tom.becker@{EMAIL_DOMAIN}"),
)

OPENING = (
    ("R", "Hi {c1}, thanks for making the time today. Can everyone hear me okay?"),
    ("C1", "Yes, loud and clear. {c2} is joining from our side as well."),
    (
        "R",
        "Great, welcome {c2}. Quick note before we start: we record these calls so I can "
        "focus on the conversation instead of notes. Is everyone okay with that?",
    ),
)
CONSENT_REPLIES = (
    "That's fine with us.",
    "Sure, we use {tool} on our side too, so we're used to the recording bot.",
    "Yes, go ahead.",
)
AGENDA = (
    "R",
    "Here's what I'd like to cover: a recap of where we landed last time, what you "
    "saw in the pilot numbers, and then agree on next steps. Anything you'd add?",
)
DISCOVERY = (
    (
        "How many pickers are on the night shift today, and how many open roles do you have?",
        "About forty on nights, and we've had twelve open roles since the summer. Overtime is "
        "eating the margin.",
    ),
    (
        "What happens today when a mis-pick reaches the customer?",
        "It's a return, a re-ship and usually a credit. Our ops director says it costs us around "
        "sixty dollars a line.",
    ),
    (
        "Who else needs to sign off on a capital purchase of this size?",
        "Our VP of Operations, and anything over two hundred thousand goes to the capex committee.",
    ),
    (
        "What does the approval process look like once operations says yes?",
        "Procurement runs a security and insurance review, then legal. Usually four to six weeks.",
    ),
    (
        "If you did nothing, what would next peak season look like?",
        "Honestly, the same as last year: temps, double shifts and missed ship dates.",
    ),
    (
        "How are you measuring throughput on line three today?",
        "Units per labour hour, pulled from the WMS every shift.",
    ),
    (
        "What would make this a clear win for your VP of Operations?",
        "Payback inside eighteen months and no disruption during the cutover.",
    ),
    (
        "Which sites would go first if the pilot works?",
        "Columbus first, then the two distribution centres in Texas.",
    ),
)
PITCH = (
    "The NR-7 cell redeploys between lines in under a day, so you're not buying a robot for one "
    "product.",
    "Customers your size typically see payback in twelve to sixteen months.",
    "Fleet Manager plugs into your WMS, so the pick lists come straight from the system you "
    "already run.",
    "Our service plan includes a four-hour on-site response, which matters on a night shift.",
    "We'd start with one cell on line three, measure for thirty days, then scale.",
)
CUSTOMER_QUESTIONS = (
    ("How long does installation take for one cell?",
     "Typically two weeks on site, and the line keeps running on the other shift."),
    ("What does support look like on the night shift?",
     "Four-hour on-site response around the clock, plus remote diagnostics."),
    ("Do you integrate with SAP, or only with the WMS?",
     "Both. Most customers connect through the WMS; SAP EWM has a standard connector."),
    ("Who on your side owns the project after we sign?",
     "A named implementation manager, and I stay on the account."),
    ("Can we see a site that runs this today?",
     "Yes, I can set up a reference visit with a customer in Ohio."),
)  # fmt: skip
COMPETITOR_LINES = (
    (
        "C1",
        "To be transparent, we're also talking to {comp}. Their quote came in about fifteen "
        "percent lower.",
    ),
    ("R", "Thanks for telling me. What did you make of their approach to redeployment?"),
    ("C1", "{comp} offered us a free pilot cell, so the team is asking why we'd pay for ours."),
)
PRICING_LINES = (
    ("C2", "The price is above what we budgeted for this year, I'll be honest."),
    ("C2", "Budget for new capex is frozen until the new fiscal year starts."),
    ("C2", "Can you do anything on the price if we commit to two sites?"),
)
PRICING_REPLIES = (
    "Understood. Would it help to phase the rollout so the first cell fits this year's budget?",
    "Let me see what I can do if we align on a multi-site agreement. What number would work?",
)
TIMELINE_LINES = (
    (
        "C1",
        "Legal review is going to take longer than we thought, so realistically this is "
        "next quarter, not this one.",
    ),
    ("C2", "Our CFO wants to wait until after the board meeting in January."),
    (
        "C1",
        "Our CRO tracks every commit in {tool}, so I can't call this committed until "
        "procurement has it.",
    ),
)
NEXT_STEPS_WIN = (
    (
        "R",
        "So next steps: I'll send the revised proposal by Friday, and we book the site visit "
        "with your plant manager for Tuesday the week after. Does that work?",
    ),
    ("C1", "Works for us. I'll get the security questionnaire back to you by Wednesday."),
    ("R", "Perfect. I'll put both dates in the mutual action plan and share it today."),
)
NEXT_STEPS_VAGUE = (
    ("R", "What would be a good next step from here?"),
    ("C1", "Let us digest this internally and we'll reconnect in a few weeks."),
    ("R", "Okay, I'll follow up by email."),
)
CLOSING = (("C1", "Thanks everyone, talk soon."), ("R", "Thanks, have a good rest of your day."))


def build_transcripts(
    eng,
    seed: int,
    recorded: list[RecordedMeeting],
    deals_by_id: dict[str, Deal],
    folder: Path,
) -> tuple[int, list[str]]:
    """Transcripts for up to 30 recorded meetings, through the import a consultant uses.

    The calls are written as the platforms export them (Zoom WebVTT, Gong JSON, Teams
    WebVTT in turn) into ``folder`` and imported with ``workbench import``'s
    transcript path; the speakers the roster and contacts cannot place (solutions
    engineers, a customer's colleague not in the CRM) are then decided as a
    consultant would. Returns (utterances, meeting ids).
    """
    from workbench.coaching.operations import (  # noqa: PLC0415
        ImportTranscriptsRequest,
        ResolveSpeakerRequest,
        import_transcripts,
        resolve_speaker,
    )

    rng = stream(seed, "transcripts")
    candidates = [m for m in recorded if m.opportunity_crm_id in deals_by_id]
    chosen = rng.sample(candidates, min(TRANSCRIPT_MEETINGS, len(candidates)))
    chosen.sort(key=lambda m: m.started_at)
    internal: dict[str, int] = {}
    for i, meeting in enumerate(chosen):
        deal = deals_by_id[meeting.opportunity_crm_id or ""]
        rows = _conversation(rng, meeting, deal)
        for row in rows:
            internal[row[2]] = row[4]
        _write_export(folder, i % 3, meeting, rows)
    result = import_transcripts(eng, ImportTranscriptsRequest(folder))
    for name in result.unknown_speakers:
        role = "rep" if internal.get(name) == 1 else "customer"
        resolve_speaker(eng, ResolveSpeakerRequest(name, role))
    return result.utterances, [m.crm_id for m in chosen]


def _vtt_time(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def _write_export(folder: Path, kind: int, meeting: RecordedMeeting, rows: list[tuple]) -> None:
    """One call as Zoom (0), Gong (1) or Teams (2) exports it."""
    if kind == 1:
        parties, ids = [], {}
        for row in rows:
            if row[2] not in ids:
                ids[row[2]] = str(len(ids) + 1)
                parties.append(
                    {
                        "speakerId": ids[row[2]],
                        "name": row[2],
                        "emailAddress": row[3],
                        "affiliation": "Internal" if row[4] == 1 else "External",
                    }
                )
        data = {
            "calls": [
                {
                    "metaData": {
                        "id": meeting.crm_id,
                        "started": meeting.started_at + "Z",
                        # The recorded part of the meeting: its transcript's length.
                        "duration": round(rows[-1][6] + 2),
                    },
                    "parties": parties,
                }
            ],
            "callTranscripts": [
                {
                    "callId": meeting.crm_id,
                    "transcript": [
                        {
                            "speakerId": ids[row[2]],
                            "sentences": [
                                {
                                    "start": round(row[5] * 1000),
                                    "end": round(row[6] * 1000),
                                    "text": row[7],
                                }
                            ],
                        }
                        for row in rows
                    ],
                }
            ],
        }
        (folder / f"{meeting.crm_id}.json").write_text(json.dumps(data), encoding="utf-8")
        return
    lines = ["WEBVTT", ""]
    for n, row in enumerate(rows, start=1):
        words = f"<v {row[2]}>{row[7]}</v>" if kind == 2 else f"{row[2]}: {row[7]}"
        cue_id = f"{n}" if kind == 0 else f"{meeting.crm_id}/{n}-0"
        lines += [cue_id, f"{_vtt_time(row[5])} --> {_vtt_time(row[6])}", words, ""]
    (folder / f"{meeting.crm_id}.vtt").write_text("\n".join(lines), encoding="utf-8")


def _conversation(rng: random.Random, meeting: RecordedMeeting, deal: Deal) -> list[tuple]:
    account = meeting.account
    people = [(n, e) for n, e in zip(account.contact_names, account.contact_emails, strict=True)]
    rng.shuffle(people)
    c1 = people[0] if people else ("Customer", "")
    c2 = people[1] if len(people) > 1 else ("Dana Whitfield", f"dana.whitfield@{account.domain}")
    speakers = {
        "R": (meeting.host.name, meeting.host.email, 1),
        "C1": (c1[0], c1[1], 0),
        "C2": (c2[0], c2[1], 0),
    }
    se = rng.choice(SOLUTIONS_ENGINEERS) if rng.random() < 0.4 else None
    if se:
        speakers["SE"] = (se[0], se[1], 1)
    winning = deal.destined_win
    monologue = rng.random() < 0.3
    fill = {
        "c1": c1[0].split()[0],
        "c2": c2[0].split()[0],
        "comp": rng.choice(COMPETITORS),
        "tool": rng.choice(REVENUE_TOOLS),
    }
    script: list[tuple[str, str]] = list(OPENING)
    script.append(("C1", rng.choice(CONSENT_REPLIES)))
    script.append(AGENDA)
    script.append(("C1", "No, that covers it."))
    for question, answer in rng.sample(DISCOVERY, rng.randint(3, 6)):
        script.append(("R", question))
        script.append(("C1" if rng.random() < 0.7 else "C2", answer))
        if rng.random() < 0.3:
            script.append(("R", "That's helpful. Can you say more about that?"))
            script.append(("C1", "Sure. It's mostly a staffing problem, the equipment is fine."))
    pitch = rng.sample(PITCH, 4 if monologue else 2)
    if monologue:
        script.append(("R", " ".join(pitch)))
    else:
        for line in pitch:
            script.append(("SE" if se and rng.random() < 0.5 else "R", line))
            script.append(("C1", rng.choice(("Makes sense.", "Okay.", "How long does that take?"))))
    for question, answer in rng.sample(CUSTOMER_QUESTIONS, rng.randint(1, 3)):
        script.append(("C1" if rng.random() < 0.6 else "C2", question))
        script.append(("SE" if se and rng.random() < 0.5 else "R", answer))
    risk = 0.25 if winning else 0.75
    if rng.random() < risk:
        script.extend(
            COMPETITOR_LINES[:2]
            if rng.random() < 0.5
            else [COMPETITOR_LINES[2], COMPETITOR_LINES[1]]
        )
    if rng.random() < risk:
        script.append(rng.choice(PRICING_LINES))
        script.append(("R", rng.choice(PRICING_REPLIES)))
    if rng.random() < risk:
        script.append(rng.choice(TIMELINE_LINES))
        script.append(("R", "Understood. What would need to happen to keep the original date?"))
    script.extend(NEXT_STEPS_WIN if winning or rng.random() < 0.3 else NEXT_STEPS_VAGUE)
    script.extend(CLOSING)

    rows: list[tuple] = []
    clock = rng.uniform(2.0, 20.0)
    limit = meeting.duration_min * 60.0
    for index, (who, text) in enumerate(script):
        name, email, internal = speakers[who]
        text = text.format(**fill)
        seconds = len(text.split()) / rng.uniform(2.3, 2.9)
        end = min(limit, clock + seconds)
        rows.append(
            (
                meeting.crm_id,
                index,
                name,
                email or None,
                internal,
                round(clock, 1),
                round(end, 1),
                text,
            )
        )
        clock = end + rng.uniform(0.3, 2.5)
        if clock >= limit:
            break
    return rows
