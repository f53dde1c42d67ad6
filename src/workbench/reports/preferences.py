"""The consultancy's branding, remembered once for every engagement and export.

Consultancy name, logo and Word template belong to the consultant, not to one
customer, so they live in the user's configuration folder (``WORKBENCH_CONFIG_DIR``
overrides it), in ``reports.json``. The GUI's Deliverables page and ``workbench
export --remember`` save them; later exports use them unless told otherwise.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from workbench.locations import config_dir
from workbench.reports.files import write_bytes_atomic


@dataclass
class BrandingPreferences:
    consultancy: str = ""
    logo: str = ""
    template: str = ""

    def usable_logo(self) -> Path | None:
        return Path(self.logo) if self.logo and Path(self.logo).is_file() else None

    def usable_template(self) -> Path | None:
        return Path(self.template) if self.template and Path(self.template).is_file() else None


def load_preferences() -> BrandingPreferences:
    """The saved branding, or empty defaults when none was saved (or the file is unreadable)."""
    path = config_dir() / "reports.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return BrandingPreferences()
    return BrandingPreferences(
        **{k: str(data.get(k) or "") for k in ("consultancy", "logo", "template")}
    )


def save_preferences(prefs: BrandingPreferences) -> Path:
    """Remember the branding for later exports."""
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return write_bytes_atomic(
        folder / "reports.json", json.dumps(asdict(prefs), indent=2).encode("utf-8")
    )
