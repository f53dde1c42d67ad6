"""The desktop integration files agree with the engagement file format and each other."""

from __future__ import annotations

import configparser
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

from workbench.models.engagement import APPLICATION_ID

INSTALLERS = Path(__file__).resolve().parents[2] / "installers"
MIME_TYPE = "application/x-workbench-engagement"
NS = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}


def _magic_matches(header: bytes) -> bool:
    """Evaluate the MIME file's (nested) magic rules the way shared-mime-info does."""
    root = ET.parse(INSTALLERS / "linux" / "workbench-mime.xml").getroot()
    magic = root.find("m:mime-type/m:magic", NS)

    def test(match: ET.Element) -> bool:
        offset = int(match.get("offset"))
        kind, value = match.get("type"), match.get("value")
        if kind == "string":
            # shared-mime-info strings take C escapes: "\000" is a NUL byte
            wanted = value.encode("latin-1").decode("unicode_escape").encode("latin-1")
            hit = header[offset : offset + len(wanted)] == wanted
        elif kind == "big32":
            hit = int.from_bytes(header[offset : offset + 4], "big") == int(value, 0)
        else:
            raise AssertionError(f"unexpected match type {kind}")
        children = match.findall("m:match", NS)
        return hit and (not children or any(test(child) for child in children))

    return any(test(match) for match in magic.findall("m:match", NS))


def test_the_mime_magic_recognises_an_engagement_file(new_engagement):
    path = new_engagement.path
    new_engagement.close()
    header = path.read_bytes()[:100]
    assert int.from_bytes(header[68:72], "big") == APPLICATION_ID
    assert _magic_matches(header)


def test_the_mime_magic_does_not_claim_other_sqlite_files(tmp_path):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    header = other.read_bytes()[:100]
    assert header.startswith(b"SQLite format 3\0")
    assert not _magic_matches(header)


def test_the_mime_type_names_and_globs():
    root = ET.parse(INSTALLERS / "linux" / "workbench-mime.xml").getroot()
    mime = root.find("m:mime-type", NS)
    assert mime.get("type") == MIME_TYPE
    assert [g.get("pattern") for g in mime.findall("m:glob", NS)] == ["*.engagement"]


def test_the_desktop_entry_opens_engagements():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(INSTALLERS / "linux" / "workbench.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application"
    assert desktop["Exec"] == "workbench %f"
    assert desktop["Icon"] == "workbench"
    assert desktop["MimeType"].split(";")[:1] == [MIME_TYPE]
    assert desktop["MimeType"].endswith(";")


def test_windows_and_macos_declare_the_same_type():
    iss = (INSTALLERS / "windows" / "workbench.iss").read_text(encoding="utf-8")
    assert f'ValueName: "Content Type"; ValueData: "{MIME_TYPE}"' in iss
    assert '#define Ext ".engagement"' in iss
    assert "PrivilegesRequired=lowest" in iss
    spec = (INSTALLERS / "workbench.spec").read_text(encoding="utf-8")
    assert f'"public.mime-type": ["{MIME_TYPE}"]' in spec
    assert '"public.filename-extension": ["engagement"]' in spec
