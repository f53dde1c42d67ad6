"""Recognising an export from its headers: which entity, which profile, which mapping.

Headers are compared after normalising (lower case, letters and digits only), so
``StageName``, ``stage_name`` and ``Stage Name`` meet. A sync tool's ``property_``
prefix (HubSpot) is dropped. A Salesforce report header prefixed with its object
(``Contact: First Name``) matches the fields of that object's entity.

The profile is the naming style that matches the headers most exactly: CamelCase or
snake_case API names (``salesforce-api``), report labels with spaces
(``salesforce-report``), HubSpot labels or internal names (``hubspot``), a Zoom
recordings list (``zoom``) or plain labels (``generic``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from workbench.importers.entities import ENTITIES, PROFILES, EntitySpec


def norm(text: str) -> str:
    """A header reduced to lower-case letters and digits."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def snake(api_name: str) -> str:
    """``StageName`` -> ``stage_name``; ``Champion__c`` -> ``champion_c`` (sync-tool style)."""
    base = api_name.replace("__c", "_c")
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", base).lower()


def header_keys(header: str, entity: EntitySpec | None = None) -> list[str]:
    """The normalised keys a header can match, most specific first."""
    h = header.strip()
    keys = [norm(h)]
    low = h.lower()
    if low.startswith("property_"):
        keys.append(norm(h[len("property_") :]))
    if ":" in h and entity is not None:
        prefix, _, rest = h.partition(":")
        if norm(prefix) == norm(entity.object_label):
            keys.append(norm(rest))
    return keys


@lru_cache(maxsize=1)
def known_names() -> frozenset[str]:
    """Every normalised alias of every field (to find the header row in a file)."""
    names = set()
    for entity in ENTITIES.values():
        for f in entity.fields:
            for profile in PROFILES:
                for alias in f.aliases(profile):
                    names.add(norm(alias))
    names.discard("")
    return frozenset(names)


@dataclass
class Guess:
    entity: str
    profile: str
    mapping: dict[str, str]  # target field -> source header
    score: float


def _exact(header: str, alias: str, profile: str) -> bool:
    if profile == "salesforce-api":
        return header == alias or header == snake(alias)
    if profile == "hubspot":
        h = header[len("property_") :] if header.startswith("property_") else header
        return h.lower() == alias.lower()
    return header.strip().lower() == alias.lower() or (
        ":" in header and header.partition(":")[2].strip().lower() == alias.lower()
    )


def build_mapping(entity: EntitySpec, profile: str, columns: list[str]) -> dict[str, str]:
    """Map the entity's fields to ``columns``: the profile's aliases first, then any."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    keyed = [(c, header_keys(c, entity)) for c in columns]
    foreign = {c for c in columns if _other_object(c, entity)}
    order = [profile] + [p for p in PROFILES if p != profile]
    for pass_profile in order:
        for f in entity.fields:
            if f.name in mapping:
                continue
            for alias in f.aliases(pass_profile):
                key = norm(alias)
                hit = next(
                    (c for c, keys in keyed if c not in used and c not in foreign and key in keys),
                    None,
                )
                if hit is None and ":" in alias:
                    hit = next((c for c, _ in keyed if c not in used and norm(c) == key), None)
                if hit is not None:
                    mapping[f.name] = hit
                    used.add(hit)
                    break
    return _fix_mapping(entity, mapping, columns)


def _other_object(header: str, entity: EntitySpec) -> bool:
    """A report header of another object (``Account: Phone`` when importing contacts)."""
    if ":" not in header:
        return False
    prefix = norm(header.partition(":")[0])
    return prefix != norm(entity.object_label) and any(
        prefix == norm(e.object_label) for e in ENTITIES.values()
    )


def _fix_mapping(entity: EntitySpec, mapping: dict[str, str], columns: list[str]) -> dict[str, str]:
    lowered = {c.lower() for c in columns}
    if "_field" in mapping and "_new_value" not in mapping:
        del mapping["_field"]  # "name" is a field-history column only beside a new value
    if entity.name == "opportunity_history" and "opportunity_crm_id" not in mapping:
        # A sync tool's history table (one snapshot per change) keys rows by the
        # opportunity's own id.
        if "crm_id" in mapping:
            mapping["opportunity_crm_id"] = mapping.pop("crm_id")
    if entity.name == "opportunity_history" and "_fivetran_start" in lowered:
        start = next(c for c in columns if c.lower() == "_fivetran_start")
        mapping["changed_at"] = start
    return mapping


def profile_scores(columns: list[str], entity: EntitySpec) -> dict[str, int]:
    """How many headers each profile names exactly, for this entity."""
    scores = {}
    for profile in PROFILES:
        n = 0
        for c in columns:
            for f in entity.fields:
                if any(_exact(c, a, profile) for a in f.aliases(profile)):
                    n += 1
                    break
        scores[profile] = n
    return scores


def guess(columns: list[str], filename: str = "", entity: str | None = None) -> Guess:
    """The most likely entity, profile and mapping for a file with these headers."""
    stem = filename.lower()
    candidates = [ENTITIES[entity]] if entity else list(ENTITIES.values())
    best: Guess | None = None
    for spec in candidates:
        scores = profile_scores(columns, spec)
        profile = max(PROFILES, key=lambda p: (scores[p], -PROFILES.index(p)))
        if scores[profile] == 0:
            profile = "generic"
        mapping = build_mapping(spec, profile, columns)
        score = float(len(mapping))
        score += sum(2 for name in mapping if spec.field(name).signature)
        if "crm_id" in mapping or "opportunity_crm_id" in mapping:
            score += 1
        score += sum(5 for word in spec.file_words if word in stem)
        if (
            spec.name == "opportunity_history"
            and ("history" in stem or "stage" in stem)
            and {"opportunity_crm_id", "changed_at"} <= set(mapping)
        ):
            score += 40  # a history file repeats the record's columns; its name decides
        if best is None or score > best.score:
            best = Guess(spec.name, profile, mapping, score)
    assert best is not None
    if best.profile == "generic" and _looks_hubspot(columns):
        best.profile = "hubspot"
    if best.profile == "generic" and best.entity == "meetings" and _looks_zoom(columns):
        best.profile = "zoom"
        best.mapping = build_mapping(ENTITIES["meetings"], "zoom", columns)
    return best


def _looks_hubspot(columns: list[str]) -> bool:
    return sum(1 for c in columns if c.startswith("property_") or c in ("Record ID",)) >= 1


def _looks_zoom(columns: list[str]) -> bool:
    names = {c.strip().lower() for c in columns}
    return {"topic", "id", "start time"} <= names
