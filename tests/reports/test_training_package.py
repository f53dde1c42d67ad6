"""The Training Package: guides, agenda template, session plans, attendance (issue 21)."""

from __future__ import annotations

from workbench import lifecycle
from workbench.lifecycle.training import training_attendance
from workbench.reports.package import build_package

from .conftest import docx_text


def _training(eng, tmp_path):
    result = build_package(eng, tmp_path / "out", only=["training-package"])
    built = next(f for f in result.files if f.document == "training-package")
    return built, docx_text(built.path)


def test_attendance_against_targets(engagement, tmp_path) -> None:
    lifecycle.set_intake(engagement, "video_platforms", "Zoom")
    lifecycle.record_meeting(
        engagement,
        "training",
        "2026-12-01",
        title="Rep training, team East",
        attendees=["Priya Raman (AE)", "Marcus Oyelaran", "Alex Morgan (consultant)"],
    )
    reps = next(a for a in training_attendance(engagement) if a.key == "reps")
    # the fixture's three Account Executives; two attended; the consultant is not on the roster
    assert len(reps.invited) == 3 and reps.attended == ["Marcus Oyelaran", "Priya Raman"]
    # revenue intelligence: the highest percentage adoption target is recording coverage 95%
    assert reps.target_pct == 95 and reps.on_target is False
    built, text = _training(engagement, tmp_path)
    assert "67%" in text and "95% (Call recording coverage target 95%)" in text
    assert "below target: plan a catch-up session" in text
    assert "Sessions recorded: 1 December 2026 Rep training, team East." in text
    # the rep guide names the recorded channel and the all-party jurisdiction
    assert "external calls and meetings on Zoom" in text and "California" in text
    # the agenda template (45 minutes) and the three session plans
    assert "Commit and Best Case inspection" in text
    for heading in ("Leadership and manager training (60 min)", "Rep training (30 min)",
                    "Admin training (60-90 min)"):  # fmt: skip
        assert heading in text
    assert "For Sales reps: 3 people in the CRM" in text
    assert "(s)" not in text


def test_empty_engagement_training_says_what_is_missing(new_engagement, tmp_path) -> None:
    built, text = _training(new_engagement, tmp_path)
    assert "Not yet available: Training attendance" in text
    assert "Not yet available: Audience sizes. RevOps exports the CRM users" in text
    assert "Not yet available: Recorded channels. IT names" in text
    assert "no session yet" in text and built.status == "DRAFT"


def test_conversation_intelligence_sessions_follow_its_playbook(tmp_path) -> None:
    from workbench.models import Engagement, EngagementMeta

    eng = Engagement.create(
        tmp_path / "ci.engagement",
        EngagementMeta(customer="Beta", project_kind="conversation-intelligence"),
    )
    try:
        by_key = {a.key: a for a in training_attendance(eng)}
        assert by_key["reps"].duration == "45 min" and by_key["admins"].duration == "90 min"
        # conversation intelligence: weekly active users 80% is the highest percentage target
        assert by_key["reps"].target_pct == 80
        _, text = _training(eng, tmp_path)
        assert "Rep training (45 min)" in text
    finally:
        eng.close()
