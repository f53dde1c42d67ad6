"""Transcripts in: every format, call linking, speaker sides, bad input (issue 14.1)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.coaching.operations import (
    ImportTranscriptsRequest,
    ResolveSpeakerRequest,
    import_transcripts,
    list_speakers,
    resolve_speaker,
)
from workbench.coaching.transcripts import read_transcripts
from workbench.errors import WorkbenchError
from workbench.models import Engagement, EngagementMeta

DATA = Path(__file__).resolve().parents[1] / "data"
ZOOM_VTT = DATA / "zoom-vtt-real" / "GMT20240124-202901_Recording.transcript.vtt"
ZOOM_CC = DATA / "zoom-vtt-real" / "GMT20240124-202901_Recording.cc.vtt"


@pytest.fixture
def eng(tmp_path):
    e = Engagement.create(
        tmp_path / "ci.engagement",
        EngagementMeta(customer="Acme", project_kind="conversation-intelligence"),
    )
    with e.atomic() as conn:
        conn.executemany(
            "INSERT INTO users (crm_id, name, email) VALUES (?, ?, ?)",
            [
                ("U1", "Sam Seller", "sam@seller.io"),
                ("U2", "Rita Rep", "rita@seller.io"),
            ],
        )
        conn.execute(
            "INSERT INTO contacts (crm_id, first_name, last_name, email) "
            "VALUES ('C1', 'Bea', 'Buyer', 'bea@buyer.com')"
        )
    yield e
    e.close()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_real_zoom_transcript_parses_with_speakers_times_and_start():
    [t] = read_transcripts(ZOOM_VTT)
    assert t.format == "WebVTT"
    assert len(t.cues) == 101
    # Cue 48 of the real file is "Hmm." with no speaker name.
    assert [(r.number, r.field, r.value) for r in t.rejected] == [(48, "speaker", "Hmm.")]
    assert {c.speaker for c in t.cues} == {
        "Srijani Ghosh",
        "Conor Healy",
        "Dr. Melissa Ko",
        "Shreeharsh Kelkar",
        "Ryan Sloan",
    }
    first, last = t.cues[0], t.cues[-1]
    assert (first.speaker, first.start, first.end, first.text) == (
        "Srijani Ghosh",
        0.05,
        1.79,
        "Hi!",
    )
    assert (last.start, last.end) == (728.76, 735.62)
    # Zoom names the recording by its UTC start.
    assert t.started_at.isoformat() == "2024-01-24T20:29:01+00:00"
    assert sum(1 for c in t.cues if c.speaker == "Conor Healy") == 80


def test_closed_captions_without_speakers_get_a_plain_message():
    with pytest.raises(WorkbenchError, match="closed captions carry no speakers"):
        read_transcripts(ZOOM_CC)


def test_teams_voice_tags_bom_and_backwards_empty_and_out_of_order_cues(tmp_path):
    path = write(
        tmp_path,
        "teams.vtt",
        "\ufeffWEBVTT\n\n"
        "a1/1\n00:00:05.000 --> 00:00:07.250\n<v Sam Seller>What does your team use today?</v>\n\n"
        "a1/2\n00:00:01.000 --> 00:00:04.500\n<v Bea Buyer>Hello everyone.</v>\n\n"
        "a1/3\n00:00:09.000 --> 00:00:08.000\n<v Bea Buyer>Backwards.</v>\n\n"
        "a1/4\n00:00:10.000 --> 00:00:11.000\n<v Bea Buyer></v>\n\n"
        "a1/5\n00:00:12.000 --> 00:00:13.000\n<v Bea Buyer>Spreadsheets mostly.</v>\n",
    )
    [t] = read_transcripts(path)
    assert t.format == "WebVTT (Teams voice tags)"
    assert [(c.speaker, c.start, c.end) for c in t.cues] == [
        ("Bea Buyer", 1.0, 4.5),
        ("Sam Seller", 5.0, 7.25),
        ("Bea Buyer", 12.0, 13.0),
    ]
    assert [(r.number, r.reason) for r in t.rejected] == [
        (3, "the cue ends before it starts"),
        (4, "the cue has no words"),
    ]
    assert "cues were out of time order; they were put in order" in t.notes


def test_broken_timestamp_and_ten_megabyte_cue_are_rejected_cues(tmp_path):
    huge = "word " * 2_100_000  # 10.5 MB in one caption
    path = write(
        tmp_path,
        "broken.vtt",
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nSam Seller: Hi there.\n\n"
        "2\n00:00:0x.000 --> 00:00:03.000\nSam Seller: broken time\n\n"
        f"3\n00:00:04.000 --> 00:00:05.000\nBea Buyer: {huge}\n\n"
        "4\n00:00:06.000 --> 00:00:07.500\nBea Buyer: Sounds good.\n",
    )
    [t] = read_transcripts(path)
    assert [(c.number, c.text) for c in t.cues] == [(1, "Hi there."), (4, "Sounds good.")]
    reasons = {r.number: (r.field, r.reason) for r in t.rejected}
    assert reasons[2][0] == "time" and "is not 'HH:MM:SS.mmm" in reasons[2][1]
    assert reasons[3][0] == "text" and "10,500,000 characters" in reasons[3][1].replace(
        "10,499,999", "10,500,000"
    )


def test_srt_with_speakers_and_a_broken_block(tmp_path):
    path = write(
        tmp_path,
        "call.srt",
        "1\n00:00:00,500 --> 00:00:02,000\nSam Seller: Can you hear me?\n\n"
        "2\n00:00:02,100 --> 00:00:0X,000\nBea Buyer: garbled\n\n"
        "3\n00:00:03,000 --> 00:00:04,750\nBea Buyer: Yes, loud and clear.\n",
    )
    [t] = read_transcripts(path)
    assert t.format == "SRT"
    assert [(c.speaker, c.start, c.end) for c in t.cues] == [
        ("Sam Seller", 0.5, 2.0),
        ("Bea Buyer", 3.0, 4.75),
    ]
    assert [(r.number, r.field) for r in t.rejected] == [(2, "time")]


def test_speaker_lines_with_times(tmp_path):
    path = write(
        tmp_path,
        "notes.txt",
        "[00:00:03] Sam Seller: Thanks for joining.\n"
        "[00:00:07] Bea Buyer: Happy to.\nWe have twenty minutes.\n"
        "[00:01:02.5] Sam Seller: Great, what's on your mind?\n",
    )
    [t] = read_transcripts(path)
    assert t.format == "Speaker lines"
    assert [(c.speaker, c.start, c.end, c.text) for c in t.cues] == [
        ("Sam Seller", 3.0, 7.0, "Thanks for joining."),
        ("Bea Buyer", 7.0, 62.5, "Happy to. We have twenty minutes."),
        # The last line lasts its words at 2.5 words a second (5 words: 2 s).
        ("Sam Seller", 62.5, 64.5, "Great, what's on your mind?"),
    ]


GONG = {
    "requestId": "abc",
    "calls": [
        {
            "metaData": {
                "id": "7782342274025937895",
                "title": "Acme discovery",
                "started": "2024-03-05T10:00:00-08:00",
                "duration": 1800,
            },
            "parties": [
                {
                    "speakerId": "111",
                    "name": "Sam Seller",
                    "emailAddress": "sam@seller.io",
                    "affiliation": "Internal",
                },
                {
                    "speakerId": "222",
                    "name": "Pat Prospect",
                    "emailAddress": "pat@buyer.com",
                    "affiliation": "External",
                },
                {"speakerId": "333", "name": "Someone", "affiliation": "Unknown"},
            ],
        }
    ],
    "callTranscripts": [
        {
            "callId": "7782342274025937895",
            "transcript": [
                {
                    "speakerId": "111",
                    "topic": "Intro",
                    "sentences": [
                        {"start": 1000, "end": 4000, "text": "How is the quarter going?"},
                        {"start": 4200, "end": 6000, "text": "Tell me about the team."},
                    ],
                },
                {
                    "speakerId": "222",
                    "topic": None,
                    "sentences": [
                        {"start": 7000, "end": 12000, "text": "Busy, we are hiring."},
                    ],
                },
                {"speakerId": "333", "sentences": [{"start": 12500, "end": 13000, "text": "Hi."}]},
            ],
        }
    ],
}


def test_gong_json_links_the_call_with_its_time_zone_and_sides(eng, tmp_path):
    path = write(tmp_path, "gong.json", json.dumps(GONG))
    result = import_transcripts(eng, ImportTranscriptsRequest(path))
    [call] = result.calls
    assert (call.meeting_crm_id, call.format, call.utterances, call.linked) == (
        "7782342274025937895",
        "JSON (Gong)",
        4,
        "new call",
    )
    assert call.speakers == {"Sam Seller": "rep", "Pat Prospect": "customer", "Someone": "unknown"}
    row = eng.conn.execute(
        "SELECT started_at, timezone, duration_s, title FROM transcripts"
    ).fetchone()
    assert row == ("2024-03-05T10:00:00-08:00", "UTC-0800", 1800.0, "Acme discovery")
    meeting = eng.conn.execute(
        "SELECT started_at, duration_min, host_crm_id, channel, participant_emails, is_external "
        "FROM meetings WHERE crm_id = '7782342274025937895'"
    ).fetchone()
    assert meeting == ("2024-03-05T18:00:00", 30.0, "U1", "gong", "pat@buyer.com;sam@seller.io", 1)
    bases = dict(eng.conn.execute("SELECT label, basis FROM transcript_speakers"))
    assert bases == {
        "Sam Seller": "roster e-mail",
        "Pat Prospect": "customer e-mail domain",
        "Someone": "not in the roster or contacts",
    }
    turns = eng.conn.execute(
        "SELECT turn_index, speaker, is_internal, start_s, end_s FROM transcript_turns ORDER BY turn_index"
    ).fetchall()
    assert turns == [
        (0, "Sam Seller", 1, 1.0, 4.0),
        (1, "Sam Seller", 1, 4.2, 6.0),
        (2, "Pat Prospect", 0, 7.0, 12.0),
        (3, "Someone", None, 12.5, 13.0),
    ]
    assert result.unknown_speakers == ["Someone"]


def test_zoom_and_generic_json_shapes(eng, tmp_path):
    zoom = {
        "type": "zoom_transcript",
        "meeting_id": "98765",
        "recording_start": "2024-05-01T14:00:00Z",
        "recording_end": "2024-05-01T14:20:00Z",
        "timeline": [
            {
                "text": "Hi Bea.",
                "ts": "00:00:01.000",
                "end_ts": "00:00:02.500",
                "users": [{"username": "Rita Rep", "email_address": "rita@seller.io"}],
            },
            {
                "text": "Hello!",
                "ts": "00:00:03.000",
                "end_ts": "00:00:04.000",
                "users": [{"username": "Bea Buyer"}],
            },
        ],
    }
    generic = {
        "call": {
            "id": "G-1",
            "started_at": "2024-05-02T09:30:00",
            "timezone": "Europe/Berlin",
            "participants": [{"name": "Max Kunde", "email": "max@kunde.de", "role": "customer"}],
        },
        "utterances": [
            {"speaker": "Sam Seller", "start": 0.0, "end": 3.0, "text": "Guten Morgen."},
            {"speaker": "Max Kunde", "start": 3.5, "end": 6.0, "text": "Morgen."},
        ],
    }
    (tmp_path / "folder").mkdir()
    write(tmp_path / "folder", "zoom.json", json.dumps(zoom))
    write(tmp_path / "folder", "generic.json", json.dumps(generic))
    result = import_transcripts(eng, ImportTranscriptsRequest(tmp_path / "folder"))
    by_call = {c.meeting_crm_id: c for c in result.calls}
    assert by_call["98765"].format == "JSON (Zoom)"
    assert by_call["98765"].speakers == {"Rita Rep": "rep", "Bea Buyer": "customer"}  # contact name
    assert by_call["G-1"].speakers == {"Sam Seller": "rep", "Max Kunde": "customer"}
    rows = dict(
        (r[0], r[1:])
        for r in eng.conn.execute(
            "SELECT meeting_crm_id, started_at, duration_s, timezone FROM transcripts"
        )
    )
    assert rows["98765"] == ("2024-05-01T14:00:00+00:00", 1200.0, "UTC")
    assert rows["G-1"] == ("2024-05-02T09:30:00+02:00", 6.0, "Europe/Berlin")
    assert eng.conn.execute("SELECT started_at FROM meetings WHERE crm_id = 'G-1'").fetchone() == (
        "2024-05-02T07:30:00",
    )


def test_json_of_another_shape_is_a_plain_error_and_nothing_is_stored(eng, tmp_path):
    path = write(tmp_path, "qmsum.json", json.dumps({"meeting_transcripts": [], "topic_list": []}))
    before = eng.counts()
    with pytest.raises(
        WorkbenchError, match="not a transcript shape.*meeting_transcripts, topic_list"
    ):
        import_transcripts(eng, ImportTranscriptsRequest(path))
    assert eng.counts() == before
    assert eng.conn.execute("SELECT count(*) FROM transcripts").fetchone()[0] == 0


def test_folder_keeps_good_files_and_reports_bad_ones(eng, tmp_path):
    folder = tmp_path / "calls"
    folder.mkdir()
    shutil.copy(ZOOM_VTT, folder)
    shutil.copy(ZOOM_CC, folder)
    write(folder, "odd.json", "[1, 2, 3]")
    result = import_transcripts(eng, ImportTranscriptsRequest(folder))
    assert [c.meeting_crm_id for c in result.calls] == ["GMT20240124-202901_Recording.transcript"]
    assert sorted(f for f, _ in result.rejected_files) == [
        "GMT20240124-202901_Recording.cc.vtt",
        "odd.json",
    ]
    assert eng.conn.execute("SELECT count(*) FROM transcript_turns").fetchone()[0] == 101
    rejects = eng.conn.execute(
        "SELECT row_number, column_name, reason FROM import_rejects WHERE import_id = ? ORDER BY id",
        (result.import_id,),
    ).fetchall()
    assert len(rejects) == 3
    assert rejects[-1][:2] == (48, "speaker")
    # The same folder again: the call is unchanged, nothing is duplicated.
    again = import_transcripts(eng, ImportTranscriptsRequest(folder))
    assert [c.unchanged for c in again.calls] == [True]
    assert eng.conn.execute("SELECT count(*) FROM transcript_turns").fetchone()[0] == 101


def test_unknown_speakers_resolved_by_the_consultant_and_kept_for_new_imports(eng, tmp_path):
    import_transcripts(eng, ImportTranscriptsRequest(ZOOM_VTT))
    assert {s.label for s in list_speakers(eng, unknown_only=True)} == {
        "Srijani Ghosh",
        "Conor Healy",
        "Dr. Melissa Ko",
        "Shreeharsh Kelkar",
        "Ryan Sloan",
    }
    done = resolve_speaker(eng, ResolveSpeakerRequest("conor healy", "rep", "U1"))
    assert (done.calls, done.utterances) == (1, 80)
    resolve_speaker(eng, ResolveSpeakerRequest("Melissa Ko", "customer"))  # title ignored
    assert (
        eng.conn.execute("SELECT count(*) FROM transcript_turns WHERE is_internal = 1").fetchone()[
            0
        ]
        == 80
    )
    with pytest.raises(WorkbenchError, match="'rep' or 'customer'"):
        resolve_speaker(eng, ResolveSpeakerRequest("Ryan Sloan", "boss"))
    with pytest.raises(WorkbenchError, match="no user 'U9'"):
        resolve_speaker(eng, ResolveSpeakerRequest("Ryan Sloan", "rep", "U9"))
    # A new call with the same people: the decisions apply at import.
    copy = tmp_path / "second.vtt"
    copy.write_text(
        ZOOM_VTT.read_text(encoding="utf-8").replace("Hi!", "Hi again!"), encoding="utf-8"
    )
    result = import_transcripts(eng, ImportTranscriptsRequest(copy))
    assert result.calls[0].speakers["Conor Healy"] == "rep"
    assert result.calls[0].speakers["Dr. Melissa Ko"] == "customer"
    assert eng.conn.execute(
        "SELECT user_crm_id, basis FROM transcript_speakers WHERE meeting_crm_id = 'second' "
        "AND label = 'Conor Healy'"
    ).fetchone() == ("U1", "consultant")


def test_import_command_detects_a_transcript_and_speakers_command(eng, tmp_path, capsys):
    path = str(eng.path)
    eng.close()
    assert main(["import", path, str(ZOOM_VTT), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["entity"], out["rows_imported"], out["rows_rejected"]) == ("transcripts", 101, 1)
    assert out["rejected"][0]["reason"] == "the cue names no speaker"
    assert main(["speakers", path, "--set", "Ryan Sloan=customer", "--unknown", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["decided"][0]["calls"] == 1
    assert "Ryan Sloan" not in {s["label"] for s in out["speakers"]}
    with pytest.raises(SystemExit) as exit_:
        main(["import", path, str(ZOOM_CC)])
    assert exit_.value.code == 1
    assert "closed captions carry no speakers" in capsys.readouterr().err


def test_two_calls_at_the_same_time_with_the_same_rep_stay_two_calls(eng, tmp_path):
    folder = tmp_path / "same-time"
    folder.mkdir()
    for n in (1, 2):
        data = json.loads(json.dumps(GONG))
        data["calls"][0]["metaData"]["id"] = f"G{n}"
        data["callTranscripts"][0]["callId"] = f"G{n}"
        (folder / f"g{n}.json").write_text(json.dumps(data))
    result = import_transcripts(eng, ImportTranscriptsRequest(folder))
    assert [(c.meeting_crm_id, c.linked) for c in result.calls] == [
        ("G1", "new call"),
        ("G2", "new call"),
    ]
    assert eng.conn.execute("SELECT count(*) FROM transcripts").fetchone()[0] == 2


def test_a_platform_call_is_matched_to_the_crm_meeting_by_time_and_participant(eng, tmp_path):
    with eng.atomic() as conn:
        conn.execute(
            "INSERT INTO meetings (crm_id, channel, started_at, participant_emails) "
            "VALUES ('CRM-M1', 'zoom', '2024-03-05T18:02:00', 'pat@buyer.com')"
        )
    path = write(tmp_path, "gong.json", json.dumps(GONG))
    [call] = import_transcripts(eng, ImportTranscriptsRequest(path)).calls
    # Gong's 10:00 -08:00 is 18:00 UTC, two minutes from the CRM meeting, Pat in both.
    assert (call.meeting_crm_id, call.linked) == ("CRM-M1", "matched by time and participant")


def _three_calls(tmp_path):
    folder = tmp_path / "three"
    folder.mkdir()
    shutil.copy(ZOOM_VTT, folder)
    write(folder, "gong.json", json.dumps(GONG))
    write(folder, "odd.json", '{"meeting_transcripts": []}')
    return folder


def test_cancelled_import_stores_nothing(eng, tmp_path):
    from workbench.errors import Cancelled
    from workbench.progress import CancelToken, Progress

    token = CancelToken()
    token.cancel()
    before = eng.counts()
    with pytest.raises(Cancelled):
        import_transcripts(
            eng, ImportTranscriptsRequest(_three_calls(tmp_path)), progress=Progress(token=token)
        )
    assert eng.counts() == before
    assert eng.conn.execute("SELECT count(*) FROM transcripts").fetchone()[0] == 0


def test_worker_processes_give_the_same_import(eng, tmp_path, monkeypatch):
    from workbench.coaching import operations

    monkeypatch.setattr(operations, "PARALLEL_FILES", 2)
    monkeypatch.setattr(operations, "PARALLEL_MIN_CORES", 1)  # workers even on 2 cores
    result = import_transcripts(eng, ImportTranscriptsRequest(_three_calls(tmp_path)))
    assert [(c.source_name, c.utterances) for c in result.calls] == [
        ("GMT20240124-202901_Recording.transcript.vtt", 101),
        ("gong.json", 4),
    ]
    assert [f for f, _ in result.rejected_files] == ["odd.json"]
    assert [(r.file, r.cue) for r in result.rejected_cues] == [
        ("GMT20240124-202901_Recording.transcript.vtt", 48)
    ]


# The plain WebVTT shape read in one pass must give exactly what webvtt-py gives.
_PLAIN_CASES = {
    "zoom": "WEBVTT\n\n1\n00:00:00.050 --> 00:00:01.790\nSrijani Ghosh: Hi!\n\n"
    "2\n00:00:02.070 --> 00:00:04.050\nConor Healy: Get this party started.\n\n"
    "3\n01:02:03.004 --> 01:02:09.500\nConor Healy: two lines,\nthe second here.\n",
    "teams": "\ufeffWEBVTT\n\n"
    "a1/1\n00:00:05.000 --> 00:00:07.250\n<v Sam Seller>What does your team use today?</v>\n\n"
    "a1/2\n00:00:01.000 --> 00:00:04.500\n<v Bea Buyer>Hello everyone.</v>\n\n"
    "a1/3\n00:00:09.000 --> 00:00:08.000\n<v Bea Buyer>Backwards.</v>\n\n"
    "a1/4\n00:00:10.000 --> 00:00:11.000\n<v Bea Buyer></v>\n",
    "crlf, no numbers, no speaker": "WEBVTT - a title\r\n\r\n00:00:01.000 --> 00:00:02.000\r\n"
    "Hello there.\r\n\r\n\r\n00:00:03.000 --> 00:00:04.000\r\nSam: Hi.\r\n",
}
# Anything else goes to webvtt-py: cue settings, a NOTE, other tags, entities, short times.
_NOT_PLAIN = [
    "WEBVTT\n\n00:00:01.000 --> 00:00:02.000 align:start\nSam: Hi.\n",
    "WEBVTT\n\nNOTE exported by Zoom\n\n00:00:01.000 --> 00:00:02.000\nSam: Hi.\n",
    "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Sam>Hi <b>there</b>.</v>\n",
    "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nSam: Fish &amp; chips.\n",
    "WEBVTT\n\n00:01.000 --> 00:02.000\nSam: Hi.\n",
    "WEBVTT\nKind: captions\n\n00:00:01.000 --> 00:00:02.000\nSam: Hi.\n",
]


@pytest.mark.parametrize("case", sorted(_PLAIN_CASES))
def test_plain_webvtt_read_in_one_pass_equals_webvtt_py(case):
    from dataclasses import asdict

    from workbench.coaching.transcripts import _read_plain_vtt, _read_vtt_webvtt

    text = _PLAIN_CASES[case]
    fast = _read_plain_vtt(text, "x.vtt")
    assert fast is not None
    assert asdict(fast) == asdict(_read_vtt_webvtt(text, "x.vtt"))
    assert fast.cues  # and it read something


def test_the_real_zoom_files_read_in_one_pass_equal_webvtt_py():
    from dataclasses import asdict

    from workbench.coaching.transcripts import _decode, _read_plain_vtt, _read_vtt_webvtt

    read = {}
    for path in (ZOOM_VTT, ZOOM_CC):
        text = _decode(path.read_bytes(), path)  # the captions file has CRLF line ends
        read[path] = _read_plain_vtt(text, path.name)
        assert read[path] is not None, path.name
        assert asdict(read[path]) == asdict(_read_vtt_webvtt(text, path.name)), path.name
    assert len(read[ZOOM_VTT].cues) > 50 and len(read[ZOOM_CC].rejected) > 50


@pytest.mark.parametrize("text", _NOT_PLAIN)
def test_webvtt_beyond_the_plain_shape_is_left_to_webvtt_py(text):
    from workbench.coaching.transcripts import _read_plain_vtt, _read_vtt

    assert _read_plain_vtt(text, "x.vtt") is None
    parsed = _read_vtt(text, "x.vtt")
    assert [(c.speaker, c.start, c.end) for c in parsed.cues] == [("Sam", 1.0, 2.0)]
