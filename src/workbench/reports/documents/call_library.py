"""The call library for revenue-intelligence projects (build component 8).

The conversation-intelligence package already has the Call Library Taxonomy and
Playlists (``conversation.build_call_library``); the revenue-intelligence playbook
asks for the same deliverable once calls are recorded, so its package lists it too,
built by the same function from the engagement's calls, trackers and coaching run.
"""

from __future__ import annotations

from workbench.reports.catalog import DocumentSpec
from workbench.reports.documents.conversation import build_call_library

SPECS: list[DocumentSpec] = [
    DocumentSpec(
        "sales-call-library",
        "Call Library Taxonomy and Playlists",
        "Tagging taxonomy, curators and onboarding playlists from the customer's recorded calls.",
        ("docx",),
        build_call_library,
        ("revenue-intelligence",),
        "Handoff",
    )
]
