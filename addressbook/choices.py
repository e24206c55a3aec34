"""Every fixed set of values in the address book, as Django choices."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationType(models.TextChoices):
    """The two organisation types of Digg's information model."""

    PARTICIPANT = "o", _("Participant organisation")
    SUB_ORGANIZATION = "ou", _("Sub-organisation")


class OrganizationKind(models.TextChoices):
    """What kind of public (or publicly funded) body an organisation is."""

    MUNICIPALITY = "municipality", _("Municipality")
    REGION = "region", _("Region")
    GOVERNMENT_AGENCY = "agency", _("Government agency")
    PRIVATE_CARE_PROVIDER = "private_care_provider", _("Private care provider")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    """Whether a record can be used for messages. Records are deactivated, never deleted."""

    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")


class County(models.TextChoices):
    """Sweden's counties (län) by SCB code."""

    STOCKHOLM = "01", "Stockholms län"
    UPPSALA = "03", "Uppsala län"
    SODERMANLAND = "04", "Södermanlands län"
    OSTERGOTLAND = "05", "Östergötlands län"
    JONKOPING = "06", "Jönköpings län"
    KRONOBERG = "07", "Kronobergs län"
    KALMAR = "08", "Kalmar län"
    GOTLAND = "09", "Gotlands län"
    BLEKINGE = "10", "Blekinge län"
    SKANE = "12", "Skåne län"
    HALLAND = "13", "Hallands län"
    VASTRA_GOTALAND = "14", "Västra Götalands län"
    VARMLAND = "17", "Värmlands län"
    OREBRO = "18", "Örebro län"
    VASTMANLAND = "19", "Västmanlands län"
    DALARNA = "20", "Dalarnas län"
    GAVLEBORG = "21", "Gävleborgs län"
    VASTERNORRLAND = "22", "Västernorrlands län"
    JAMTLAND = "23", "Jämtlands län"
    VASTERBOTTEN = "24", "Västerbottens län"
    NORRBOTTEN = "25", "Norrbottens län"


class HistoryChannel(models.TextChoices):
    """Through which way into the system a change was made, as kept in the audit history."""

    ADMIN = "admin", _("Admin")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    SYSTEM = "system", _("System")


class ChangeAction(models.TextChoices):
    """What happened to the record."""

    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")
    DEACTIVATED = "deactivated", _("deactivated")
    DELETED = "deleted", _("deleted")


class ResourceType(models.TextChoices):
    """The API resource types whose changes the feed carries."""

    ORGANIZATIONS = "organizations", _("organisations")
    ADDRESSES = "addresses", _("function addresses")
    CODESYSTEMS = "codesystems", _("code systems")
    CODES = "codes", _("codes")


class Role(models.TextChoices):
    """What a staff account may do in the address book (assigned by a federation administrator)."""

    FEDERATION_ADMINISTRATOR = "federation", _("Federation administrator")
    ORGANIZATION_ADMINISTRATOR = "organization", _("Organisation administrator")
    ANALYST = "analyst", _("Analyst")


class ImportResource(models.TextChoices):
    """What a spreadsheet holds: one kind of record per file."""

    ORGANIZATIONS = "organizations", _("Organisations")
    ADDRESSES = "addresses", _("Function addresses")
    CODES = "codes", _("Code systems and codes")


class ImportStatus(models.TextChoices):
    """Where an import is: previewed first, applied only when confirmed."""

    QUEUED = "queued", _("Waiting to be read")
    PREVIEWING = "previewing", _("Reading the file")
    PREVIEWED = "previewed", _("Preview ready")
    APPLYING = "applying", _("Importing")
    APPLIED = "applied", _("Imported")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Could not be read")


class ImportAction(models.TextChoices):
    """What one row of an import does."""

    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    UNCHANGED = "unchanged", _("Unchanged")
    DEACTIVATE = "deactivate", _("Deactivate")
    ERROR = "error", _("Error")


class UsageMetric(models.TextChoices):
    """What the lookup API counts, per day (and per client where there is one)."""

    REQUEST = "request", _("API requests")
    ADDRESS = "address", _("Resolved function addresses")
    ORGANIZATION = "organization", _("Resolved organisations")
    ZERO_HIT_SEARCH = "zero_hit_search", _("Searches that found nothing")
    RECIPIENT_CHECK = "recipient_check", _("Recipient checks")


class ConnectionStage(models.TextChoices):
    """An organisation's way into SDK, as the SDK projects report it."""

    PLANNED = "planned", _("Planned")
    TEST = "test", _("Test environment")
    QA = "qa", _("QA")
    PRODUCTION = "production", _("Production")


class ReportStatus(models.TextChoices):
    """Where an on-demand statistics report is."""

    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Being computed")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
