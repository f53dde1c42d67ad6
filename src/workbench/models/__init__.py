"""The engagement file: schema, migrations, records and queries. No Qt here."""

from workbench.models.engagement import (
    APPLICATION_ID,
    ENGAGEMENT_TYPES,
    METHODOLOGIES,
    PROJECT_KINDS,
    Engagement,
    EngagementMeta,
    now_iso,
)
from workbench.models.schema import LATEST_VERSION
from workbench.models.schema_core import ENTITY_TABLES

__all__ = [
    "APPLICATION_ID",
    "ENGAGEMENT_TYPES",
    "ENTITY_TABLES",
    "LATEST_VERSION",
    "METHODOLOGIES",
    "PROJECT_KINDS",
    "Engagement",
    "EngagementMeta",
    "now_iso",
]
