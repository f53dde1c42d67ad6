"""The Technical Specification: built from the engagement, approved with a version,
stale with what changed once an input moves (issue 21)."""

from __future__ import annotations

import pytest

from workbench import lifecycle
from workbench.errors import WorkbenchError
from workbench.lifecycle.operations import undo
from workbench.lifecycle.tech_spec import ApproveSpec, approve_spec, spec_state
from workbench.reports.package import build_package

from .conftest import docx_text


def _spec(eng, tmp_path, name="out"):
    result = build_package(eng, tmp_path / name, only=["technical-spec"])
    built = next(f for f in result.files if f.document == "technical-spec")
    return built, docx_text(built.path)


def test_spec_is_built_from_the_engagement(engagement, tmp_path) -> None:
    lifecycle.set_intake(engagement, "video_platforms", "Zoom, Microsoft Teams")
    lifecycle.set_intake(engagement, "dialer", "Aircall")
    built, text = _spec(engagement, tmp_path)
    # recording: the fixture's Zoom log has 7 meetings, 4 recorded (i % 3 != 0 for i < 7)
    assert "Zoom OAuth app" in text and "57% of 7 recorded" in text
    assert "Microsoft Teams connector" in text
    # Aircall calls are the three i >= 7 (m7, m8, m9): m7 and m8 recorded
    assert "67% of 3 recorded" in text
    # consent: California all-party, Germany and United Kingdom GDPR notice
    assert "California, Germany, United Kingdom" in text
    # scoring rules from the stored (default) rule set, not recomputed
    assert "Days since last activity > 14 days" in text
    # forecast categories of the six open deals, and the roll-up to team East's manager
    assert "Pipeline (6)" in text
    # alerts go to Teams because the customer uses it
    assert "Microsoft Teams message and e-mail" in text
    # build sequence waits for what the intake has not granted yet
    assert "waits for CRM admin access granted to the integration user" in text
    assert "legal approval of recording consent" in text
    assert "Version\n1 (draft)" in text and built.status == "DRAFT"
    for word in ("(s)", "crm_admin_access", "video_platforms"):
        assert word not in text


def test_approval_goes_stale_with_what_changed(engagement, tmp_path) -> None:
    assert spec_state(engagement).approval is None
    with pytest.raises(WorkbenchError, match="who approves"):
        approve_spec(engagement, ApproveSpec(""))
    state = approve_spec(engagement, ApproveSpec("Dana Lee, VP Sales", "2026-11-18"))
    assert state.approval.version == 1 and not state.stale
    _, text = _spec(engagement, tmp_path, "a")
    assert "Dana Lee, VP Sales" in text and "2026-11-18" in text and "current" in text
    # approving again without a change does not make a new version
    assert approve_spec(engagement, ApproveSpec("Dana Lee, VP Sales")).approval.version == 1

    lifecycle.set_intake(engagement, "crm_admin_access", "granted")
    engagement.conn.execute("UPDATE users SET team = 'West' WHERE crm_id = '005C'")
    engagement.conn.commit()
    state = spec_state(engagement)
    assert state.stale and state.changed == ["intake answers", "team roster"]
    built, text = _spec(engagement, tmp_path, "b")
    assert "changed since version 1: intake answers, team roster" in text
    assert "approve version 2" in text and built.status == "DRAFT"

    state = approve_spec(engagement, ApproveSpec("Dana Lee, VP Sales", "2026-11-25"))
    assert state.approval.version == 2 and spec_state(engagement).changed == []
    assert undo(engagement) == "Approve technical specification version 2"
    assert spec_state(engagement).approval.version == 1


def test_bad_approval_date_is_refused(engagement) -> None:
    with pytest.raises(WorkbenchError, match="not a date"):
        approve_spec(engagement, ApproveSpec("Dana", "18/11/2026"))
    assert spec_state(engagement).approval is None


def test_empty_engagement_spec_says_what_is_missing(new_engagement, tmp_path) -> None:
    built, text = _spec(new_engagement, tmp_path)
    assert "Not yet available: Approval" in text
    assert "Not yet available: CRM field mapping" in text
    assert "Not yet available: Video and phone platforms. IT names" in text
    assert "Not yet available: Roll-up hierarchy" in text
    assert "waits for recorded calls to tag" in text
    assert built.status == "DRAFT"


def test_tech_spec_command(engagement, capsys) -> None:
    from workbench.cli import main

    path = str(engagement.path)
    engagement.close()
    assert main(["tech-spec", path]) == 0
    assert "Draft version 1, not approved yet" in capsys.readouterr().out
    assert main(["tech-spec", path, "--approve", "--by", "Dana Lee", "--on", "2026-11-18"]) == 0
    assert "Version 1, approved by Dana Lee on 2026-11-18" in capsys.readouterr().out
