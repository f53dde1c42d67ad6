"""Random junk and truncated real exports: a plain message or an import, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.errors import WorkbenchError
from workbench.importers import detect, import_file
from workbench.models import Engagement, EngagementMeta

REAL = [
    "sf-fivetran-seeds/sf_opportunity_data.csv",
    "sf-fivetran-seeds/sf_task_data.csv",
    "sf-lwc-recipes/Accounts-Contacts.csv",
    "hubspot-fivetran-seeds/deal_data.csv",
    "hubspot-fivetran-seeds/engagement_meeting_data.csv",
    "zoom-vtt-real/zoomus_recordings__20240124.csv",
]
SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def engagement(tmp_path_factory):
    folder = tmp_path_factory.mktemp("junk")
    eng = Engagement.create(folder / "Junk.engagement", EngagementMeta(customer="Junk"))
    yield eng
    eng.close()


def _attempt(eng: Engagement, path: Path, suffix: str) -> None:
    before = eng.counts()
    rejects = eng.conn.execute("SELECT count(*) FROM import_rejects").fetchone()[0]
    try:
        detect(path, eng=eng)
    except WorkbenchError as exc:
        assert str(exc)
    try:
        result = import_file(eng, path)
    except WorkbenchError as exc:
        assert str(exc) and "Traceback" not in str(exc)
        assert eng.counts() == before
        after = eng.conn.execute("SELECT count(*) FROM import_rejects").fetchone()[0]
        assert after == rejects
    else:
        assert result.rows_read == (
            result.rows_imported + result.rows_updated + result.rows_rejected + result.rows_skipped
        )
    assert not eng.conn.in_transaction


@SETTINGS
@given(data=st.binary(min_size=0, max_size=3000), suffix=st.sampled_from([".csv", ".txt", ".xlsx"]))
def test_random_bytes_never_crash(engagement, tmp_path_factory, data: bytes, suffix: str):
    path = tmp_path_factory.mktemp("bytes") / f"junk{suffix}"
    path.write_bytes(data)
    _attempt(engagement, path, suffix)


@SETTINGS
@given(
    which=st.sampled_from(REAL),
    cut=st.floats(min_value=0.0, max_value=1.0),
    garbage=st.binary(max_size=40),
)
def test_truncated_real_exports_never_crash(
    engagement, tmp_path_factory, shared_data, which, cut, garbage
):
    raw = (shared_data / which).read_bytes()
    path = tmp_path_factory.mktemp("cut") / Path(which).name
    path.write_bytes(raw[: int(len(raw) * cut)] + garbage)
    _attempt(engagement, path, ".csv")


@SETTINGS
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_random_text_with_a_real_header_never_crashes(engagement, tmp_path_factory, text):
    path = tmp_path_factory.mktemp("text") / "opps.csv"
    path.write_text("Id,Name,StageName,Amount,CloseDate,IsWon\n" + text, encoding="utf-8")
    _attempt(engagement, path, ".csv")


def _xlsx_bytes() -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Id", "Name", "StageName", "Amount", "CloseDate"])
    for i in range(30):
        sheet.append([f"006{i}", f"Deal {i}", "Prospecting", 100 * i, "2024-01-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


XLSX = _xlsx_bytes()


@SETTINGS
@given(
    cut=st.integers(min_value=0, max_value=len(XLSX)),
    flip=st.integers(0, len(XLSX) - 1),
    byte=st.integers(0, 255),
)
def test_damaged_xlsx_never_crashes(engagement, tmp_path_factory, cut: int, flip: int, byte: int):
    data = bytearray(XLSX)
    data[flip] = byte
    path = tmp_path_factory.mktemp("xlsx") / "deals.xlsx"
    path.write_bytes(bytes(data[: max(cut, 4)]))
    _attempt(engagement, path, ".xlsx")
