"""Evaluation templates, kept as data in ``resources/evaluation/<name>.json``.

A template lists the criteria (weight in percent, description, sub-criteria), the
vendors with their platform option (single / dual / CRM-native), the evaluators,
the 1-5 score scale with a description of each level, the pilot measures and the
criterion each can feed, and the licence roles of the TCO sheet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from workbench.errors import WorkbenchError
from workbench.locations import read_resource_text

TEMPLATE_NAMES = ("conversation-intelligence", "revenue-intelligence")


@dataclass
class Template:
    """A template as read from its JSON file."""

    name: str
    title: str
    source: str
    scale: list[dict[str, Any]]
    criteria: list[dict[str, Any]]
    vendors: list[dict[str, Any]]
    evaluators: list[dict[str, Any]]
    pilot_metrics: list[dict[str, Any]]
    tco_roles: list[str]
    platform_options: dict[str, dict[str, str]] = field(default_factory=dict)


def load_template(name: str) -> Template:
    """Read the template called ``name`` (one of ``TEMPLATE_NAMES``)."""
    if name not in TEMPLATE_NAMES:
        raise WorkbenchError(
            f"Unknown evaluation template {name!r}; use one of: {', '.join(TEMPLATE_NAMES)}."
        )
    text = read_resource_text("evaluation", f"{name}.json")
    data = json.loads(text)
    return Template(
        name=data["name"],
        title=data["title"],
        source=data.get("source", ""),
        scale=data["scale"],
        criteria=data["criteria"],
        vendors=data["vendors"],
        evaluators=data["evaluators"],
        pilot_metrics=data.get("pilot_metrics", []),
        tco_roles=data.get("tco_roles", ["Rep", "Manager", "Admin"]),
        platform_options=data.get("platform_options", {}),
    )
