"""What every document builder receives: the engagement, options, names and helpers."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from workbench.models import Engagement, EngagementMeta
from workbench.reports.anonymize import Pseudonyms
from workbench.reports.docx_base import Branding, DocBuilder, DocInfo

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")

KIND_LABEL = {
    "revenue-intelligence": "Revenue intelligence",
    "conversation-intelligence": "Conversation intelligence",
}
TYPE_LABEL = {"single-project": "Single project", "dedicated": "Dedicated (multi-project)"}


@dataclass
class ReportContext:
    """The engagement and the export options, shared by every builder in one export."""

    eng: Engagement
    meta: EngagementMeta
    as_of: dt.date
    names: Pseudonyms
    branding: Branding
    template: Path | None = None
    anonymize: bool = False
    _users: dict[str, dict] | None = field(default=None, repr=False)
    cache: dict = field(default_factory=dict, repr=False)  # per-export results (audits, scores)

    @classmethod
    def create(
        cls,
        eng: Engagement,
        *,
        anonymize: bool = False,
        template: Path | None = None,
        branding: dict | Branding | None = None,
    ) -> ReportContext:
        meta = eng.meta()
        brand = branding if isinstance(branding, Branding) else Branding.from_dict(branding)
        if not brand.consultancy:
            brand.consultancy = meta.consultancy
        names = Pseudonyms(enabled=anonymize)
        if anonymize:
            names.register("rep", [r[0] for r in eng.conn.execute("SELECT crm_id FROM users")])
            names.register(
                "contact", [r[0] for r in eng.conn.execute("SELECT crm_id FROM contacts")]
            )
        return cls(eng, meta, eng.as_of(), names, brand, template, anonymize)

    # ------------------------------------------------------------ conveniences
    @property
    def customer(self) -> str:
        return self.meta.customer

    @property
    def kind(self) -> str:
        return self.meta.project_kind

    @property
    def kind_label(self) -> str:
        return KIND_LABEL.get(self.meta.project_kind, self.meta.project_kind)

    @property
    def is_ri(self) -> bool:
        return self.meta.project_kind == "revenue-intelligence"

    @property
    def stamp(self) -> dt.datetime:
        """A fixed moment for reproducible outputs (calendar DTSTAMPs)."""
        return dt.datetime.combine(self.as_of, dt.time(0, 0), tzinfo=dt.UTC)

    def document(
        self, title: str, subtitle: str = "", *, toc: bool = True, cover: bool = True
    ) -> DocBuilder:
        """A new Word document with its title page (and contents when ``toc``)."""
        info = DocInfo(
            title=title,
            customer=self.customer,
            subtitle=subtitle or f"{self.kind_label} implementation",
            prepared_by=self.meta.consultancy,
            date=self.branding.date or dt.date.today(),
            version=self.branding.version,
            as_of=self.as_of,
        )
        doc = DocBuilder(
            info,
            template=self.template,
            branding=self.branding,
            scrub=self.scrub if self.anonymize else None,
        )
        if cover:
            doc.cover()
        else:
            doc.compact()
            doc.title_block()
        if cover and toc:
            doc.toc()
        return doc

    def users(self) -> dict[str, dict]:
        """Users (reps, managers...) by CRM id."""
        if self._users is None:
            rows = self.eng.conn.execute(
                "SELECT crm_id, name, email, role, title, manager_crm_id, team, segment, is_active "
                "FROM users"
            ).fetchall()
            keys = (
                "crm_id",
                "name",
                "email",
                "role",
                "title",
                "manager_crm_id",
                "team",
                "segment",
                "is_active",
            )
            self._users = {r[0]: dict(zip(keys, r, strict=True)) for r in rows}
        return self._users

    def rep(self, crm_id: str | None) -> str:
        """A user's display name (pseudonym when anonymising)."""
        if not crm_id:
            return ""
        user = self.users().get(crm_id)
        return self.names.rep(crm_id, (user or {}).get("name") or crm_id)

    def scrub(self, text: str) -> str:
        """Replace the names of users and contacts in free text by their pseudonyms.

        Audit details and notes mention people by name ("Jacob O'Brien 30.6%"); when
        anonymising, every run of two or three words that is a known person's name is
        swapped for that person's pseudonym. A no-op when not anonymising.
        """
        if not self.anonymize or not text:
            return text
        index = self._name_index()
        tokens = list(_WORD.finditer(text))
        out, pos, i = [], 0, 0
        while i < len(tokens):
            hit = None
            for span in (3, 2):
                if i + span <= len(tokens):
                    start, end = tokens[i].start(), tokens[i + span - 1].end()
                    candidate = " ".join(t.group(0) for t in tokens[i : i + span]).casefold()
                    if candidate in index and text[start:end].count("\n") == 0:
                        hit = (start, end, index[candidate], span)
                        break
            if hit:
                out.append(text[pos : hit[0]])
                out.append(hit[2])
                pos = hit[1]
                i += hit[3]
            else:
                i += 1
        out.append(text[pos:])
        return "".join(out)

    def _name_index(self) -> dict[str, str]:
        if "names:index" not in self.cache:
            index: dict[str, str] = {}
            for crm_id, user in self.users().items():
                if user.get("name"):
                    index[" ".join(_WORD.findall(user["name"])).casefold()] = self.rep(crm_id)
            for crm_id, first, last in self.eng.conn.execute(
                "SELECT crm_id, first_name, last_name FROM contacts"
            ):
                full = " ".join(_WORD.findall(f"{first or ''} {last or ''}"))
                if full.count(" ") >= 1:
                    index.setdefault(full.casefold(), self.contact(crm_id, full))
            self.cache["names:index"] = index
        return self.cache["names:index"]

    def contact(self, crm_id: str | None, real_name: str | None = None) -> str:
        return self.names.contact(crm_id, real_name)

    def money(self, value: float | None) -> str:
        if value is None or not math.isfinite(value):
            return "-"
        symbol = {"USD": "$", "EUR": "\u20ac", "GBP": "\u00a3"}.get(self.meta.currency, "")
        text = f"{abs(value):,.0f}"
        sign = "-" if value < 0 else ""
        return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {self.meta.currency}"

    def setting_json(self, key: str, default: object = None) -> object:
        try:
            return self.eng.setting(key, default)
        except (json.JSONDecodeError, TypeError):
            return default

    def count(self, table: str) -> int:
        return int(self.eng.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def pct(value: float | None, digits: int = 0) -> str:
    """0.734 -> '73%'; None (or a value that is not a number) -> '-'."""
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value * 100:.{digits}f}%"


def num(value: float | None, digits: int = 0) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.{digits}f}"
