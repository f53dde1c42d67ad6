"""What every document builder receives: the engagement, options, names and helpers."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from workbench.models import Engagement, EngagementMeta
from workbench.reports.anonymize import Pseudonyms
from workbench.reports.docx_base import Branding, DocBuilder, DocInfo

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

    def document(self, title: str, subtitle: str = "", *, toc: bool = True) -> DocBuilder:
        """A new Word document with its title page (and contents when ``toc``)."""
        info = DocInfo(
            title=title,
            customer=self.customer,
            subtitle=subtitle or f"{self.kind_label} implementation",
            prepared_by=self.meta.consultancy,
            date=self.branding.date or self.as_of,
            version=self.branding.version,
        )
        doc = DocBuilder(info, template=self.template, branding=self.branding)
        doc.cover()
        if toc:
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

    def contact(self, crm_id: str | None, real_name: str | None = None) -> str:
        return self.names.contact(crm_id, real_name)

    def money(self, value: float | None) -> str:
        if value is None:
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
    """0.734 -> '73%'; None -> '-'."""
    if value is None:
        return "-"
    return f"{value * 100:.{digits}f}%"


def num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"
