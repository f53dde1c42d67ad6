"""Importers: CRM exports (CSV/XLSX) into the engagement. See docs/importers.md.

The GUI and the command line use only the names exported here.
"""

from workbench.importers.detection import detect
from workbench.importers.engine import import_file
from workbench.importers.entities import ENTITIES, PROFILES, EntitySpec, FieldSpec
from workbench.importers.library import (
    data_dir,
    find_mapping,
    import_history,
    import_rejects,
    list_mappings,
    load_mapping_file,
    save_mapping,
)
from workbench.importers.records import (
    Detection,
    ImportRecord,
    ImportResult,
    Reject,
    SavedMapping,
)

__all__ = [
    "ENTITIES",
    "PROFILES",
    "Detection",
    "EntitySpec",
    "FieldSpec",
    "ImportRecord",
    "ImportResult",
    "Reject",
    "SavedMapping",
    "data_dir",
    "detect",
    "find_mapping",
    "import_file",
    "import_history",
    "import_rejects",
    "list_mappings",
    "load_mapping_file",
    "save_mapping",
]
