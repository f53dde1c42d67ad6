"""Customer words for codes: channels and fields in finding titles, entities on pages."""

from __future__ import annotations

from workbench.audits.capture import channel_words
from workbench.audits.crm_hygiene import field_words
from workbench.ui.words import entity_word


def test_channels_fields_and_entities_read_as_people_say_them():
    assert [channel_words(c) for c in ("phone", "teams", "meet", "zoom", "dialpad")] == [
        "Phone calls", "Microsoft Teams", "Google Meet", "Zoom", "Dialpad"
    ]  # fmt: skip
    assert field_words("next_step") == "Next step"
    assert field_words("account_crm_id") == "Account CRM id"
    assert entity_word("opportunity_history") == "Stage history"
    assert entity_word("custom_things") == "Custom things"
