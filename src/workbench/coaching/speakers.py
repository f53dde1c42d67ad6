"""Who is speaking: the seller's side (rep) or the customer, from what the engagement knows.

In order of trust (docs/coaching.md):

1. the consultant's decision for that name (``speaker_assignments``), kept for every call;
2. the speaker's e-mail: a roster user (rep), or the domain: one of the company's own
   domains (the roster's e-mail domains, or the ``coaching.internal_domains``
   setting) is the rep's side, any other domain is the customer;
3. the speaker's name matching a roster user's name (rep);
4. the platform's own label (Gong's Internal/External affiliation);
5. the name matching a CRM contact (customer);
6. otherwise unknown, until the consultant decides (``workbench speakers``).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

_TITLES = re.compile(r"^(?:dr|mr|mrs|ms|prof|sir)\.?\s+", re.IGNORECASE)
_PUBLIC_DOMAINS = frozenset(
    "gmail.com googlemail.com outlook.com hotmail.com yahoo.com icloud.com aol.com "
    "proton.me protonmail.com live.com msn.com".split()
)


def name_key(name: str) -> str:
    """A speaker name reduced for matching: no title, case, punctuation or extra spaces."""
    text = _TITLES.sub("", (name or "").strip())
    text = re.sub(r"\(.*?\)", " ", text)  # "Jane Doe (Acme)"
    return " ".join(re.sub(r"[^\w\s'-]", " ", text.lower()).split())


def domain_of(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].strip().lower() or None


@dataclass(frozen=True)
class Assignment:
    role: str  # rep, customer, unknown
    user_crm_id: str | None
    basis: str


class SpeakerDirectory:
    """The roster, contacts, company domains and consultant decisions, read once."""

    def __init__(self, conn: sqlite3.Connection, internal_domains: list[str] | None = None) -> None:
        self.users_by_email: dict[str, str] = {}
        self.users_by_name: dict[str, str] = {}
        self.user_names: dict[str, str] = {}
        domains: dict[str, int] = {}
        for crm_id, name, email in conn.execute("SELECT crm_id, name, email FROM users"):
            if email:
                self.users_by_email[email.strip().lower()] = crm_id
                d = domain_of(email)
                if d and d not in _PUBLIC_DOMAINS:
                    domains[d] = domains.get(d, 0) + 1
            if name:
                self.users_by_name.setdefault(name_key(name), crm_id)
                self.user_names[crm_id] = name
        self.internal_domains = set(internal_domains or []) | set(domains)
        self.contact_names = {
            name_key(f"{first or ''} {last or ''}")
            for first, last in conn.execute("SELECT first_name, last_name FROM contacts")
            if (first or last)
        }
        self.decisions = {
            key: Assignment(role, user, "consultant")
            for key, role, user in conn.execute(
                "SELECT name_key, role, user_crm_id FROM speaker_assignments"
            )
        }

    def assign(
        self, label: str, email: str | None = None, affiliation: str | None = None
    ) -> Assignment:
        key = name_key(label)
        if key in self.decisions:
            return self.decisions[key]
        if email:
            address = email.strip().lower()
            if address in self.users_by_email:
                return Assignment("rep", self.users_by_email[address], "roster e-mail")
            d = domain_of(address)
            if d in self.internal_domains:
                return Assignment("rep", None, "company e-mail domain")
            if d and d not in _PUBLIC_DOMAINS:
                return Assignment("customer", None, "customer e-mail domain")
        if key in self.users_by_name:
            return Assignment("rep", self.users_by_name[key], "roster name")
        if affiliation == "internal":
            return Assignment("rep", None, "platform: internal")
        if affiliation == "external":
            return Assignment("customer", None, "platform: external")
        if key in self.contact_names:
            return Assignment("customer", None, "CRM contact name")
        return Assignment("unknown", None, "not in the roster or contacts")
