"""Stable pseudonyms for people in customer-facing documents.

A rep is "Rep 07" and a contact "Contact 112" in every document of every export:
the number comes from a hash of the person's CRM id (not from row order), so the
same person keeps the same pseudonym when data is added or documents are rebuilt.
Collisions within one engagement are resolved deterministically by probing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def _number(kind: str, crm_id: str, space: int) -> int:
    digest = hashlib.sha256(f"{kind}:{crm_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % space + 1


@dataclass
class Pseudonyms:
    """Maps CRM ids of reps (users) and contacts to pseudonyms, or passes names through.

    ``enabled=False`` makes every lookup return the real name, so builders call
    ``names.rep(crm_id, real_name)`` unconditionally.
    """

    enabled: bool = False
    _taken: dict[str, dict[int, str]] = field(default_factory=dict)
    _given: dict[tuple[str, str], str] = field(default_factory=dict)

    def _label(self, kind: str, label: str, crm_id: str, width: int) -> str:
        key = (kind, crm_id)
        if key in self._given:
            return self._given[key]
        space = 10**width - 1
        taken = self._taken.setdefault(kind, {})
        n = _number(kind, crm_id, space)
        if len(taken) >= space:
            raise ValueError(f"pseudonym space for {kind} exhausted")
        while n in taken and taken[n] != crm_id:  # collision: probe deterministically
            n = n % space + 1
        taken[n] = crm_id
        text = f"{label} {n:0{width}d}"
        self._given[key] = text
        return text

    rep_width: int = 2
    contact_width: int = 3

    def register(self, kind: str, crm_ids: list[str]) -> None:
        """Assign pseudonyms for a whole population up front, in sorted id order.

        Doing it once per export, for everyone, makes collision probing independent
        of which document asks first; the number width grows when the population
        would crowd the space (more than a third of it).
        """
        ids = sorted(set(i for i in crm_ids if i))
        width = 2 if kind == "rep" else 3
        while len(ids) * 3 > 10**width - 1:
            width += 1
        if kind == "rep":
            self.rep_width = width
        else:
            self.contact_width = width
        for crm_id in ids:
            self._label(kind, "Rep" if kind == "rep" else "Contact", crm_id, width)

    def rep(self, crm_id: str | None, real_name: str | None) -> str:
        """The rep's (or any internal user's) name as this document may show it."""
        if not self.enabled:
            return real_name or (crm_id or "")
        if not crm_id:
            return "Rep"
        return self._label("rep", "Rep", crm_id, self.rep_width)

    def contact(self, crm_id: str | None, real_name: str | None) -> str:
        """The customer contact's name as this document may show it."""
        if not self.enabled:
            return real_name or (crm_id or "")
        if not crm_id:
            return "Contact"
        return self._label("contact", "Contact", crm_id, self.contact_width)
