"""Customer words for codes: channels and fields (models.vocabulary), entities on pages."""

from __future__ import annotations

from workbench.models.vocabulary import channel_words, field_words
from workbench.ui.words import entity_word


def test_channels_fields_and_entities_read_as_people_say_them():
    assert [channel_words(c) for c in ("phone", "teams", "meet", "zoom", "dialpad")] == [
        "Phone", "Microsoft Teams", "Google Meet", "Zoom", "Dialpad"
    ]  # fmt: skip
    assert field_words("next_step") == "next step"
    assert entity_word("opportunity_history") == "Stage history"
    assert entity_word("custom_things") == "Custom things"
