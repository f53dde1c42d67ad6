"""What can be imported: each entity's table, fields, value types and header aliases.

A field's aliases are the headers the CRMs' exports use for it, per profile:

- ``api``: Salesforce API names (``StageName``). Sync tools (Fivetran and the like)
  land the same names in snake_case (``stage_name``); both match.
- ``report``: Salesforce report column labels (``Close Date``, ``Opportunity Owner``).
- ``hubspot``: HubSpot export labels (``Deal Stage``) and internal property names
  (``dealstage``, ``property_dealstage`` in sync-tool layouts).
- ``label``: plain labels of meeting logs, dialers, forecast and usage sheets.

Fields whose names start with ``_`` are helpers that feed a stored column (first and
last name build a user's name; a field-history row's Field/New Value pair sets one
column) and are never stored themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PROFILES = ("salesforce-api", "salesforce-report", "hubspot", "zoom", "generic")
ALIAS_KEYS = {
    "salesforce-api": "api",
    "salesforce-report": "report",
    "hubspot": "hubspot",
    "zoom": "zoom",
    "generic": "label",
}

# Value types a field can have (see workbench.importers.values for each parser).
TYPES = (
    "text",
    "ref",
    "date",
    "moment",
    "money",
    "number",
    "percent",
    "int",
    "bool",
    "email",
    "minutes",
    "seconds",
)


@dataclass(frozen=True)
class FieldSpec:
    """One importable field: target column, value type, whether required, aliases."""

    name: str
    type: str
    description: str
    required: bool = False
    api: tuple[str, ...] = ()
    report: tuple[str, ...] = ()
    hubspot: tuple[str, ...] = ()
    label: tuple[str, ...] = ()
    zoom: tuple[str, ...] = ()
    signature: bool = False  # typical of this entity: weighs more when guessing the entity

    def aliases(self, profile: str) -> tuple[str, ...]:
        key = ALIAS_KEYS.get(profile)
        return getattr(self, key) if key else ()

    @property
    def stored(self) -> bool:
        return not self.name.startswith("_")


@dataclass(frozen=True)
class EntitySpec:
    """An importable entity: its table, its fields, and how a missing CRM id is built."""

    name: str
    table: str
    label: str
    object_label: str  # the object name Salesforce reports prefix headers with
    fields: tuple[FieldSpec, ...]
    natural_key: tuple[str, ...] = ()  # builds crm_id when the export has no id column
    file_words: tuple[str, ...] = ()  # words in a file name that suggest this entity
    has_extra: bool = True
    defaults: dict[str, object] = field(default_factory=dict)

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def stored_fields(self) -> list[FieldSpec]:
        return [f for f in self.fields if f.stored]


F = FieldSpec

ID_API = ("Id",)

OPPORTUNITIES = EntitySpec(
    "opportunities",
    "opportunities",
    "Opportunities / deals",
    "Opportunity",
    (
        F(
            "crm_id",
            "ref",
            "CRM id of the opportunity or deal",
            True,
            api=ID_API,
            report=("Opportunity ID", "Opportunity Id", "Opportunity: Opportunity ID"),
            hubspot=("Record ID", "Deal ID", "deal_id", "hs_object_id"),
            label=("ID", "Deal ID"),
        ),
        F(
            "name",
            "text",
            "opportunity name",
            api=("Name",),
            report=("Opportunity Name", "Opportunity: Opportunity Name"),
            hubspot=("Deal Name", "dealname"),
            label=("Name", "Deal"),
            signature=True,
        ),
        F(
            "account_crm_id",
            "ref",
            "account id (or name in report exports)",
            api=("AccountId",),
            report=("Account ID", "Account Name", "Account: Account Name"),
            hubspot=(
                "Associated Company IDs (Primary)",
                "Associated Company IDs",
                "Associated Company ID",
                "Associated Company",
                "associatedcompanyid",
            ),
            label=("Account", "Company"),
        ),
        F(
            "owner_crm_id",
            "ref",
            "owner user id (or name in report exports)",
            api=("OwnerId",),
            report=("Owner ID", "Opportunity Owner ID", "Opportunity Owner", "Owner", "Owner Name"),
            hubspot=("Deal owner", "hubspot_owner_id", "owner_id"),
            label=("Owner", "Rep"),
        ),
        F(
            "stage",
            "text",
            "sales stage",
            api=("StageName",),
            report=("Stage",),
            hubspot=("Deal Stage", "dealstage", "deal_pipeline_stage_id"),
            label=("Stage",),
            signature=True,
        ),
        F(
            "amount",
            "money",
            "amount in the record's currency",
            api=("Amount",),
            report=("Amount", "Total Amount"),
            hubspot=("Amount", "amount"),
            label=("Amount", "Value"),
        ),
        F(
            "currency",
            "text",
            "ISO currency code",
            api=("CurrencyIsoCode",),
            report=("Opportunity Currency", "Currency"),
            hubspot=("Currency", "deal_currency_code"),
            label=("Currency",),
        ),
        F(
            "close_date",
            "date",
            "expected or actual close date",
            api=("CloseDate",),
            report=("Close Date",),
            hubspot=("Close Date", "closedate"),
            label=("Close Date",),
            signature=True,
        ),
        F(
            "created_date",
            "date",
            "date the opportunity was created",
            api=("CreatedDate",),
            report=("Created Date", "Create Date"),
            hubspot=("Create Date", "createdate"),
            label=("Created",),
        ),
        F(
            "probability",
            "percent",
            "probability in percent (0-100)",
            api=("Probability",),
            report=("Probability (%)", "Probability"),
            hubspot=("Deal probability", "hs_deal_stage_probability"),
            label=("Probability",),
        ),
        F(
            "forecast_category",
            "text",
            "forecast category",
            api=("ForecastCategoryName", "ForecastCategory"),
            report=("Forecast Category",),
            hubspot=("Forecast category", "hs_manual_forecast_category", "hs_forecast_category"),
            label=("Forecast Category",),
            signature=True,
        ),
        F(
            "next_step",
            "text",
            "next step",
            api=("NextStep",),
            report=("Next Step",),
            hubspot=("Next step", "hs_next_step"),
            label=("Next Step",),
        ),
        F(
            "last_activity_date",
            "date",
            "date of the last logged activity",
            api=("LastActivityDate",),
            report=("Last Activity", "Last Activity Date"),
            hubspot=("Last Activity Date", "notes_last_updated"),
            label=("Last Activity",),
        ),
        F(
            "is_closed",
            "bool",
            "closed (won or lost)",
            api=("IsClosed",),
            report=("Closed",),
            hubspot=("Is Closed", "hs_is_closed"),
            label=("Closed",),
        ),
        F(
            "is_won",
            "bool",
            "won",
            api=("IsWon",),
            report=("Won",),
            hubspot=("Is Closed Won", "hs_is_closed_won"),
            label=("Won",),
        ),
        F(
            "pipeline",
            "text",
            "pipeline",
            api=("Pipeline__c",),
            report=("Pipeline",),
            hubspot=("Pipeline", "pipeline", "deal_pipeline_id"),
            label=("Pipeline",),
        ),
        F(
            "type",
            "text",
            "opportunity type",
            api=("Type",),
            report=("Type",),
            hubspot=("Deal Type", "dealtype"),
            label=("Type",),
        ),
        F(
            "lead_source",
            "text",
            "lead source",
            api=("LeadSource",),
            report=("Lead Source",),
            hubspot=("Original Source Type", "hs_analytics_source"),
            label=("Lead Source",),
        ),
    ),
    natural_key=("account_crm_id", "name"),
    file_words=("opportunit", "deal", "pipeline"),
)

ACCOUNTS = EntitySpec(
    "accounts",
    "accounts",
    "Accounts / companies",
    "Account",
    (
        F(
            "crm_id",
            "ref",
            "CRM id of the account or company",
            True,
            api=ID_API,
            report=("Account ID", "Account: Account ID"),
            hubspot=("Record ID", "Company ID", "company_id", "hs_object_id"),
            label=("ID",),
        ),
        F(
            "name",
            "text",
            "account name",
            api=("Name",),
            report=("Account Name", "Account: Account Name"),
            hubspot=("Company name", "name"),
            label=("Name", "Company", "Account"),
        ),
        F(
            "website",
            "text",
            "website",
            api=("Website",),
            report=("Website",),
            hubspot=("Website URL", "website"),
            label=("Website",),
            signature=True,
        ),
        F(
            "domain",
            "text",
            "e-mail/web domain",
            report=("Domain",),
            hubspot=("Company Domain Name", "domain"),
            label=("Domain",),
            signature=True,
        ),
        F(
            "industry",
            "text",
            "industry",
            api=("Industry",),
            report=("Industry",),
            hubspot=("Industry", "industry"),
            label=("Industry",),
            signature=True,
        ),
        F(
            "country",
            "text",
            "country",
            api=("BillingCountry",),
            report=("Billing Country", "Country"),
            hubspot=("Country/Region", "country"),
            label=("Country",),
        ),
        F(
            "segment",
            "text",
            "segment",
            api=("Segment__c",),
            report=("Segment",),
            label=("Segment",),
        ),
        F(
            "owner_crm_id",
            "ref",
            "account owner",
            api=("OwnerId",),
            report=("Account Owner", "Owner ID"),
            hubspot=("Company owner", "hubspot_owner_id", "owner_id"),
            label=("Owner",),
        ),
        F(
            "employees",
            "int",
            "number of employees",
            api=("NumberOfEmployees",),
            report=("Employees",),
            hubspot=("Number of Employees", "numberofemployees"),
            label=("Employees",),
            signature=True,
        ),
        F(
            "annual_revenue",
            "money",
            "annual revenue",
            api=("AnnualRevenue",),
            report=("Annual Revenue",),
            hubspot=("Annual Revenue", "annualrevenue"),
            label=("Annual Revenue", "Revenue"),
            signature=True,
        ),
        F(
            "created_at",
            "moment",
            "when the account was created",
            api=("CreatedDate",),
            report=("Created Date",),
            hubspot=("Create Date", "createdate"),
            label=("Created",),
        ),
    ),
    natural_key=("name",),
    file_words=("account", "compan"),
)

CONTACTS = EntitySpec(
    "contacts",
    "contacts",
    "Contacts",
    "Contact",
    (
        F(
            "crm_id",
            "ref",
            "CRM id of the contact",
            True,
            api=ID_API,
            report=("Contact ID", "Contact: Contact ID"),
            hubspot=("Record ID", "Contact ID", "vid", "hs_object_id"),
            label=("ID",),
        ),
        F(
            "account_crm_id",
            "ref",
            "account id (or name in report exports)",
            api=("AccountId",),
            report=("Account ID", "Account Name", "Account: Account Name"),
            hubspot=(
                "Associated Company IDs (Primary)",
                "Associated Company ID",
                "associatedcompanyid",
                "Company Name",
                "company",
            ),
            label=("Account", "Company"),
        ),
        F(
            "first_name",
            "text",
            "first name",
            api=("FirstName",),
            report=("First Name", "Contact: First Name"),
            hubspot=("First Name", "firstname"),
            label=("First Name",),
            signature=True,
        ),
        F(
            "last_name",
            "text",
            "last name",
            api=("LastName",),
            report=("Last Name", "Contact: Last Name"),
            hubspot=("Last Name", "lastname"),
            label=("Last Name",),
            signature=True,
        ),
        F(
            "email",
            "email",
            "e-mail address",
            api=("Email",),
            report=("Email", "Contact: Email"),
            hubspot=("Email", "email"),
            label=("Email", "E-mail"),
        ),
        F(
            "title",
            "text",
            "job title",
            api=("Title",),
            report=("Title", "Contact: Title"),
            hubspot=("Job Title", "jobtitle"),
            label=("Title", "Job Title"),
        ),
        F(
            "phone",
            "text",
            "phone",
            api=("Phone",),
            report=("Phone", "Contact: Phone"),
            hubspot=("Phone Number", "phone"),
            label=("Phone",),
        ),
        F(
            "owner_crm_id",
            "ref",
            "contact owner",
            api=("OwnerId",),
            report=("Contact Owner", "Owner ID"),
            hubspot=("Contact owner", "hubspot_owner_id"),
            label=("Owner",),
        ),
        F(
            "created_at",
            "moment",
            "when the contact was created",
            api=("CreatedDate",),
            report=("Created Date",),
            hubspot=("Create Date", "createdate"),
            label=("Created",),
        ),
    ),
    natural_key=("email", "account_crm_id", "first_name", "last_name"),
    file_words=("contact",),
)

CONTACT_ROLES = EntitySpec(
    "opportunity_contact_roles",
    "opportunity_contact_roles",
    "Opportunity contact roles",
    "Opportunity Contact Role",
    (
        F(
            "crm_id",
            "ref",
            "CRM id of the contact role",
            True,
            api=ID_API,
            report=("Contact Role ID",),
            label=("ID",),
        ),
        F(
            "opportunity_crm_id",
            "ref",
            "opportunity or deal id",
            True,
            api=("OpportunityId",),
            report=("Opportunity ID",),
            hubspot=("deal_id", "Deal ID"),
            label=("Opportunity", "Deal"),
            signature=True,
        ),
        F(
            "contact_crm_id",
            "ref",
            "contact id",
            True,
            api=("ContactId",),
            report=("Contact ID",),
            hubspot=("contact_id", "Contact ID"),
            label=("Contact",),
            signature=True,
        ),
        F(
            "role",
            "text",
            "role on the deal",
            api=("Role",),
            report=("Role", "Contact Role"),
            hubspot=("type_id", "Association label"),
            label=("Role",),
            signature=True,
        ),
        F(
            "is_primary",
            "bool",
            "primary contact",
            api=("IsPrimary",),
            report=("Primary",),
            label=("Primary",),
            signature=True,
        ),
    ),
    natural_key=("opportunity_crm_id", "contact_crm_id"),
    file_words=("contact_role", "contactrole", "deal_contact"),
    has_extra=False,
)

HISTORY = EntitySpec(
    "opportunity_history",
    "opportunity_history",
    "Opportunity history",
    "Opportunity History",
    (
        F(
            "crm_id",
            "ref",
            "CRM id of the history row (built when absent)",
            api=ID_API,
            report=("History ID",),
            label=("ID",),
        ),
        F(
            "opportunity_crm_id",
            "ref",
            "opportunity or deal id",
            True,
            api=("OpportunityId",),
            report=("Opportunity ID", "Opportunity Name"),
            hubspot=("deal_id", "Deal ID", "Record ID"),
            label=("Opportunity", "Deal"),
            signature=True,
        ),
        F(
            "changed_at",
            "moment",
            "when the change was made",
            True,
            api=("CreatedDate", "_fivetran_start"),
            report=("Edit Date", "Last Modified", "Last Modified Date", "Date", "Created Date"),
            hubspot=("date_entered", "timestamp", "Date entered", "_fivetran_start"),
            label=("Changed At", "Date"),
            signature=True,
        ),
        F(
            "stage",
            "text",
            "stage after the change",
            api=("StageName",),
            report=("Stage", "To Stage"),
            hubspot=("Deal Stage", "dealstage"),
            label=("Stage",),
        ),
        F(
            "amount",
            "money",
            "amount after the change",
            api=("Amount",),
            report=("Amount",),
            hubspot=("Amount",),
            label=("Amount",),
        ),
        F(
            "close_date",
            "date",
            "close date after the change",
            api=("CloseDate",),
            report=("Close Date",),
            hubspot=("Close Date",),
            label=("Close Date",),
        ),
        F(
            "probability",
            "percent",
            "probability after the change",
            api=("Probability",),
            report=("Probability (%)", "Probability"),
            label=("Probability",),
        ),
        F(
            "forecast_category",
            "text",
            "forecast category after the change",
            api=("ForecastCategoryName", "ForecastCategory"),
            report=("Forecast Category",),
            label=("Forecast Category",),
        ),
        F(
            "changed_by_crm_id",
            "ref",
            "who made the change",
            api=("CreatedById",),
            report=("Edited By", "Last Modified By"),
            hubspot=("source_id",),
            label=("Changed By",),
        ),
        # Field-history layouts (one row per changed field) name the field and its new value.
        F(
            "_field",
            "text",
            "name of the changed field (field-history layouts)",
            api=("Field",),
            report=("Field / Event", "Field"),
            hubspot=("name",),
            label=("Field",),
            signature=True,
        ),
        F(
            "_new_value",
            "text",
            "new value of the changed field (field-history layouts)",
            api=("NewValue",),
            report=("New Value",),
            hubspot=("value",),
            label=("New Value",),
            signature=True,
        ),
    ),
    natural_key=("opportunity_crm_id", "changed_at"),
    file_words=("history", "deal_stage", "stage_history"),
    has_extra=False,
)

ACTIVITIES = EntitySpec(
    "activities",
    "activities",
    "Activities (tasks, events, e-mails, calls)",
    "Activity",
    (
        F(
            "crm_id",
            "ref",
            "CRM id of the activity",
            True,
            api=ID_API,
            report=("Activity ID", "Task ID", "Event ID"),
            hubspot=("engagement_id", "Record ID", "Activity ID"),
            label=("ID",),
        ),
        F(
            "kind",
            "text",
            "task, event, email, call, meeting, note or other",
            api=("TaskSubtype", "EventSubtype", "Type"),
            report=("Task Subtype", "Activity Type", "Task/Event", "Type"),
            hubspot=("type", "Activity type", "engagement_type"),
            label=("Type", "Kind"),
            signature=True,
        ),
        F(
            "subject",
            "text",
            "subject",
            api=("Subject",),
            report=("Subject",),
            hubspot=("hs_email_subject", "title", "Subject", "hs_call_title"),
            label=("Subject", "Title"),
            signature=True,
        ),
        F(
            "status",
            "text",
            "status",
            api=("Status",),
            report=("Status",),
            hubspot=("hs_task_status", "meeting_outcome", "hs_call_status"),
            label=("Status",),
        ),
        F(
            "owner_crm_id",
            "ref",
            "owner user id",
            api=("OwnerId",),
            report=("Assigned", "Assigned To", "Owner"),
            hubspot=("hubspot_owner_id", "Activity assigned to", "owner_id"),
            label=("Owner",),
        ),
        F(
            "account_crm_id",
            "ref",
            "account id",
            api=("AccountId",),
            report=("Account ID", "Account", "Company / Account"),
            hubspot=("company_id",),
            label=("Account",),
        ),
        F(
            "opportunity_crm_id",
            "ref",
            "opportunity id",
            api=("WhatId",),
            report=("Opportunity ID", "Opportunity", "Related To"),
            hubspot=("deal_id",),
            label=("Opportunity",),
        ),
        F(
            "contact_crm_id",
            "ref",
            "contact id",
            api=("WhoId",),
            report=("Contact ID", "Contact", "Name"),
            hubspot=("contact_id",),
            label=("Contact",),
            signature=True,
        ),
        F(
            "activity_date",
            "date",
            "date of the activity",
            api=("ActivityDate",),
            report=("Date", "Due Date"),
            hubspot=("hs_timestamp", "timestamp", "Activity date"),
            label=("Date",),
            signature=True,
        ),
        F(
            "started_at",
            "moment",
            "start moment",
            api=("ActivityDateTime", "StartDateTime"),
            report=("Start", "Start Date Time"),
            hubspot=("start_time", "hs_timestamp"),
            label=("Start", "Started At"),
        ),
        F(
            "duration_min",
            "minutes",
            "duration in minutes",
            api=("DurationInMinutes",),
            report=("Duration", "Duration (Minutes)"),
            hubspot=("Duration",),
            label=("Duration", "Duration (Minutes)"),
        ),
        F(
            "_duration_s",
            "seconds",
            "duration in seconds",
            api=("CallDurationInSeconds",),
            report=("Call Duration (seconds)",),
            hubspot=("hs_call_duration",),
            label=("Duration (Seconds)",),
        ),
        F(
            "_ended_at",
            "moment",
            "end moment (gives the duration)",
            api=("EndDateTime",),
            report=("End",),
            hubspot=("end_time",),
            label=("End",),
        ),
    ),
    natural_key=(),
    file_words=("task", "event", "activit", "engagement", "call", "email", "note"),
)

USERS = EntitySpec(
    "users",
    "users",
    "Users / roster",
    "User",
    (
        F(
            "crm_id",
            "ref",
            "CRM id of the user or owner",
            True,
            api=ID_API,
            report=("User ID", "Owner ID"),
            hubspot=("owner_id", "Owner ID", "id", "ID"),
            label=("ID", "User ID"),
        ),
        F(
            "name",
            "text",
            "full name",
            api=("Name",),
            report=("Full Name", "Name", "User"),
            hubspot=("Name",),
            label=("Name", "Rep", "User"),
        ),
        F(
            "_first_name",
            "text",
            "first name (builds the name)",
            api=("FirstName",),
            report=("First Name",),
            hubspot=("first_name", "First Name"),
            label=("First Name",),
        ),
        F(
            "_last_name",
            "text",
            "last name (builds the name)",
            api=("LastName",),
            report=("Last Name",),
            hubspot=("last_name", "Last Name"),
            label=("Last Name",),
        ),
        F(
            "email",
            "email",
            "e-mail",
            api=("Email",),
            report=("Email",),
            hubspot=("email", "Email"),
            label=("Email", "E-mail"),
        ),
        F(
            "role",
            "text",
            "role",
            api=("UserRoleId", "UserRole.Name"),
            report=("Role", "Role: Name"),
            hubspot=("role_id", "Role"),
            label=("Role",),
            signature=True,
        ),
        F(
            "title",
            "text",
            "job title",
            api=("Title",),
            report=("Title",),
            hubspot=("Title",),
            label=("Title",),
        ),
        F(
            "manager_crm_id",
            "ref",
            "manager's user id",
            api=("ManagerId",),
            report=("Manager", "Manager ID"),
            hubspot=("Manager",),
            label=("Manager",),
            signature=True,
        ),
        F(
            "team",
            "text",
            "team",
            api=("Team__c", "Department"),
            report=("Team", "Department"),
            hubspot=("primary_team_id", "Team", "team_id"),
            label=("Team",),
        ),
        F(
            "segment",
            "text",
            "segment",
            api=("Segment__c", "Division"),
            report=("Segment", "Division"),
            label=("Segment",),
        ),
        F(
            "is_active",
            "bool",
            "active",
            api=("IsActive",),
            report=("Active",),
            hubspot=("active", "Active"),
            label=("Active",),
            signature=True,
        ),
    ),
    natural_key=("email", "name"),
    file_words=("user", "owner", "roster", "team"),
)

MEETINGS = EntitySpec(
    "meetings",
    "meetings",
    "Meetings and calls (video platforms, dialer)",
    "Meeting",
    (
        F(
            "crm_id",
            "ref",
            "meeting or call id",
            True,
            api=ID_API,
            label=("Meeting ID", "Call ID", "ID", "Id"),
            zoom=("ID", "Meeting ID"),
        ),
        F("kind", "text", "meeting or call", label=("Kind", "Type", "Call Type")),
        F(
            "channel",
            "text",
            "Zoom, Teams, Meet, phone...",
            label=("Channel", "Platform", "Source", "Provider"),
            signature=True,
        ),
        F(
            "title",
            "text",
            "title",
            label=("Title", "Topic", "Subject", "Meeting"),
            zoom=("Topic",),
        ),
        F(
            "is_external",
            "bool",
            "has external participants",
            label=("External", "Is External"),
            signature=True,
        ),
        F(
            "started_at",
            "moment",
            "start moment",
            label=("Start Time", "Started At", "Start", "Date"),
            zoom=("Start Time",),
        ),
        F(
            "duration_min",
            "minutes",
            "duration in minutes",
            label=("Duration (Minutes)", "Duration", "Minutes"),
            zoom=("Duration",),
        ),
        F(
            "_duration_s",
            "seconds",
            "duration in seconds",
            label=("Duration (Seconds)", "Duration Seconds", "Talk Time (s)"),
        ),
        F("is_recorded", "bool", "recorded", label=("Recorded", "Is Recorded"), signature=True),
        F(
            "skip_reason",
            "text",
            "why it was not recorded",
            label=("Skip Reason", "Not Recorded Reason", "Reason Not Recorded"),
            signature=True,
        ),
        F("host_crm_id", "ref", "host user id", label=("Host ID", "Owner ID", "User ID")),
        F(
            "host_email",
            "email",
            "host e-mail",
            label=("Host Email", "Host", "Owner Email"),
            zoom=("Host", "Host Email"),
        ),
        F("account_crm_id", "ref", "account id", label=("Account ID", "Account")),
        F(
            "opportunity_crm_id",
            "ref",
            "opportunity id",
            label=("Opportunity ID", "Opportunity", "Deal ID"),
        ),
        F(
            "participant_emails",
            "text",
            "participant e-mails (separated by ; or ,)",
            label=("Participants", "Participant Emails", "Attendees"),
            signature=True,
        ),
    ),
    natural_key=(),
    file_words=("meeting", "zoom", "recording", "dialer", "call", "teams"),
)

FORECASTS = EntitySpec(
    "forecast_submissions",
    "forecast_submissions",
    "Forecast submissions",
    "Forecast",
    (
        F(
            "crm_id",
            "ref",
            "submission id (built when absent)",
            True,
            api=ID_API,
            label=("Submission ID", "ID"),
        ),
        F(
            "period",
            "text",
            "forecast period, e.g. FY2026-Q1",
            True,
            api=("PeriodId",),
            label=("Period", "Forecast Period", "Quarter"),
            signature=True,
        ),
        F(
            "owner_crm_id",
            "ref",
            "owner user id or name",
            True,
            api=("OwnerId",),
            label=("Owner ID", "Owner", "Rep"),
            signature=True,
        ),
        F(
            "category",
            "text",
            "Commit, Best Case, Pipeline, Omitted",
            True,
            api=("ForecastCategoryName",),
            label=("Category", "Forecast Category"),
            signature=True,
        ),
        F(
            "amount",
            "money",
            "submitted amount",
            api=("ForecastAmount", "Amount"),
            label=("Amount", "Forecast Amount", "Submitted Amount"),
        ),
        F(
            "submitted_at",
            "moment",
            "when it was submitted",
            api=("LastModifiedDate",),
            label=("Submitted At", "Submitted", "Date"),
            signature=True,
        ),
        F(
            "manager_override_amount",
            "money",
            "manager's override amount",
            api=("ManagerAdjustedAmount",),
            label=("Manager Override", "Manager Override Amount", "Override", "Adjusted Amount"),
            signature=True,
        ),
    ),
    natural_key=("period", "owner_crm_id", "category", "submitted_at"),
    file_words=("forecast",),
    has_extra=False,
)

USAGE = EntitySpec(
    "platform_usage",
    "platform_usage",
    "Platform usage",
    "Usage",
    (
        F("crm_id", "ref", "row id (built when absent)", True, label=("ID",)),
        F("user_crm_id", "ref", "user id", label=("User ID",)),
        F("user_email", "email", "user e-mail", label=("User Email", "Email", "User")),
        F("day", "date", "day", True, label=("Day", "Date"), signature=True),
        F("logins", "int", "logins", label=("Logins", "Log-ins", "Sessions"), signature=True),
        F(
            "calls_reviewed",
            "int",
            "calls reviewed",
            label=("Calls Reviewed", "Calls Viewed", "Calls Listened"),
            signature=True,
        ),
        F("comments", "int", "comments", label=("Comments",), signature=True),
        F(
            "dashboard_views",
            "int",
            "dashboard views",
            label=("Dashboard Views", "Dashboards Viewed"),
            signature=True,
        ),
    ),
    natural_key=("user_crm_id", "user_email", "day"),
    file_words=("usage", "adoption", "login"),
    has_extra=False,
)

ENTITIES: dict[str, EntitySpec] = {
    e.name: e
    for e in (
        OPPORTUNITIES,
        ACCOUNTS,
        CONTACTS,
        CONTACT_ROLES,
        HISTORY,
        ACTIVITIES,
        USERS,
        MEETINGS,
        FORECASTS,
        USAGE,
    )
}

ACTIVITY_KINDS = ("task", "event", "email", "call", "meeting", "note", "other")
