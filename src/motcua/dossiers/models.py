"""Dossiers (hồ sơ): one application by a person or an organisation for one procedure.

The model follows the one-stop rules (NĐ 61/2018, TT 01/2018) and holds what the national portal exchanges:

``Applicant``
    A snapshot of who applies (and of an authorised filer), as declared at filing: a dossier keeps the
    data it was decided on even if the person later moves. ``id_number`` is indexed to find a person's
    dossiers; the address goes down to the commune (``commune``) so commune-level procedures can be routed.
``Dossier``
    ``code`` is the TT 01/2018 Art. 19 code, issued once and never reused (``DossierCodeCounter``).
    ``procedure_version`` pins the catalog version the dossier was filed under (PROTECT: a version with
    dossiers is never deleted). The receiving unit (where it was filed, any centre of the province) and the
    competent agency (who settles it) are two fields because receipt does not depend on the applicant's
    address. ``lock_version`` is the optimistic-concurrency counter every transition checks and increments.
``Attachment``
    One stored file of a component; stored under a generated name, hashed, typed from its content.
``DossierEvent``
    Append-only history (Mẫu 05 hand-overs, status changes, notices). Rows are never updated or deleted.
``PausePeriod``
    Every interval a dossier waited for the applicant (supplement requests). The due date and the 766
    on-time rule subtract them, so they are stored, never overwritten.
``ResultDocument``
    The document that settles the dossier (a certificate, a licence, a decision…): uploaded by the
    handling officer or generated from the catalog's result, with its national result code; approved by the
    agency leader before the dossier can be finished.
``CounterDecision``
    What the desk gave an applicant whose dossier was not received: Mẫu 02 (complete it first) or Mẫu 03
    (refused at the counter). No dossier exists, but the decision is numbered and kept.

Inbox lists run over millions of rows: the indexes match the list queries (agency + status ordered by due
date, receiving unit ordered by receipt, status ordered by due date) and end with ``id`` for keyset paging.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any, NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.workdays.calendar import VIETNAM_TZ

from .validators import SEX_FEMALE, SEX_MALE, citizen_id_check, tax_code_check


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class Sex(models.TextChoices):
    MALE = SEX_MALE, _("Male")
    FEMALE = SEX_FEMALE, _("Female")


class Applicant(models.Model):
    kind = models.CharField(
        _("kind"), max_length=15, choices=ApplicantKind.choices, default=ApplicantKind.PERSON
    )
    full_name = models.CharField(_("full name"), max_length=200)
    id_number = models.CharField(_("citizen ID number"), max_length=12, blank=True, db_index=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    commune = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True, db_index=True)
    representative = models.CharField(_("legal representative"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}

        def add(field: str, error: ValidationError) -> None:
            # Keep the error objects, not only their text: callers branch on the codes.
            errors.setdefault(field, []).extend(error.error_list)

        if not self.full_name.strip():
            add("full_name", ValidationError(gettext("The applicant's name is required.")))
        if self.kind == ApplicantKind.PERSON:
            if not self.id_number:
                add(
                    "id_number",
                    ValidationError(gettext("A person applies with a 12-digit citizen ID number.")),
                )
            else:
                try:
                    citizen_id_check(self.id_number, self.date_of_birth, self.sex or None)
                except ValidationError as exc:
                    add("id_number", exc)
        else:
            if not self.tax_code:
                add("tax_code", ValidationError(gettext("An organisation applies with its tax code.")))
            else:
                try:
                    tax_code_check(self.tax_code)
                except ValidationError as exc:
                    add("tax_code", exc)
            if not self.representative.strip():
                add(
                    "representative",
                    ValidationError(gettext("An organisation names its legal representative.")),
                )
            if self.id_number:
                # The representative's ID, when given, must still be a valid CCCD.
                try:
                    citizen_id_check(self.id_number)
                except ValidationError as exc:
                    add("id_number", exc)
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            add("date_of_birth", ValidationError(gettext("The date of birth cannot be in the future.")))
        if self.commune_id is not None and self.commune is not None and self.commune.parent_id is None:
            add("commune", ValidationError(gettext("The address must go down to a commune, not a province.")))
        if errors:
            raise ValidationError(errors)


class Channel(models.TextChoices):
    # Kênh thực hiện of the national portal: 1 counter, 2 online, 3 postal; DVCQG-inbound kept apart.
    COUNTER = "counter", _("At the counter")
    ONLINE = "online", _("Online")
    POSTAL = "postal", _("By post")
    NATIONAL_PORTAL = "national_portal", _("National public-service portal")


class DossierStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_SUPPLEMENT = "waiting_supplement", _("Waiting for a supplement")
    FINISHED = "finished", _("Finished")
    RETURNED = "returned", _("Result returned")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# No handling transition may start from these: the dossier's handling is over.
CLOSED_STATUSES: frozenset[str] = frozenset(
    {DossierStatus.FINISHED, DossierStatus.RETURNED, DossierStatus.REFUSED, DossierStatus.WITHDRAWN}
)


class Dossier(models.Model):
    code = models.CharField(_("dossier code"), max_length=40, unique=True)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("procedure version"),
    )
    receiving_unit = models.ForeignKey(
        "org.Agency",
        on_delete=models.PROTECT,
        related_name="received_dossiers",
        verbose_name=_("receiving unit"),
    )
    competent_agency = models.ForeignKey(
        "org.Agency",
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
        verbose_name=_("competent agency"),
    )
    applicant = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("applicant")
    )
    filer = models.ForeignKey(
        Applicant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="filed_dossiers",
        verbose_name=_("authorised filer"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=DossierStatus.choices, default=DossierStatus.RECEIVED
    )
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"))
    due_at = models.DateTimeField(_("due at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    # Mẫu 04: the agency apologised and set a new date (once). ``due_at`` is then the new date the applicant
    # was given; the date it replaced is kept because the 766 on-time rule still measures against it.
    apologised_at = models.DateTimeField(_("apologised at"), null=True, blank=True)
    due_before_apology = models.DateTimeField(_("due date before the apology"), null=True, blank=True)
    lock_version = models.PositiveIntegerField(_("lock version"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )

    class Meta:
        ordering = ("-received_at", "-id")
        indexes = [
            # The inbox of each side of an officer's scope (``Visibility.page``): the agency's or the desk's
            # dossiers by status, in due-date order. Each carries the other side's column so that counting
            # one side without the dossiers already counted on the other is read from the index alone.
            models.Index(
                fields=("competent_agency", "status", "due_at", "id"),
                include=("receiving_unit",),
                name="dossier_agency_inbox",
            ),
            models.Index(fields=("receiving_unit", "received_at", "id"), name="dossier_unit_received"),
            models.Index(
                fields=("receiving_unit", "status", "due_at", "id"),
                include=("competent_agency",),
                name="dossier_unit_inbox",
            ),
            models.Index(fields=("status", "due_at"), name="dossier_status_due"),
        ]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self) -> str:
        return self.code

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class DossierCodeCounter(models.Model):
    """The last sequence number issued by a unit on a day (TT 01/2018 Art. 19); see ``dossier_code_issue``."""

    unit = models.ForeignKey("org.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    day = models.DateField(_("day"))
    last = models.PositiveIntegerField(_("last number"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=("unit", "day"), name="dossier_counter_unit_day")]
        verbose_name = _("dossier code counter")
        verbose_name_plural = _("dossier code counters")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day} {self.last}"


class PausePeriod(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="pauses", verbose_name=_("dossier")
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    missing_items = models.JSONField(_("missing items"), default=list, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        ordering = ("started_at", "id")
        constraints = [
            # A dossier waits for at most one supplement at a time.
            models.UniqueConstraint(
                fields=("dossier",), condition=models.Q(ended_at__isnull=True), name="dossier_one_open_pause"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_at__gte=models.F("started_at")),
                name="dossier_pause_ordered",
            ),
        ]
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} – {self.ended_at or '…'}"


class AttachmentSource(models.TextChoices):
    SCAN = "scan", _("Scanned from paper")
    UPLOAD = "upload", _("Uploaded")
    DATA_STORE = "data_store", _("Reused from the personal data store")


def generated_path(folder: str, filename: str) -> str:
    """A generated storage path under ``folder``: the uploaded name never reaches the file system
    (quality.md); only a short alphanumeric extension is kept."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    suffix = suffix if suffix.isalnum() and len(suffix) <= 5 else "bin"
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


def attachment_path(instance: Attachment, filename: str) -> str:
    return generated_path("dossiers", filename)


class Attachment(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("dossier")
    )
    component = models.ForeignKey(
        "catalog.Component",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("component"),
    )
    pause = models.ForeignKey(
        PausePeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("supplement"),
        help_text=_("The supplement request this file answered; empty for files received with the dossier."),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    digitised = models.BooleanField(_("digitised"), default=False)
    source = models.CharField(_("source"), max_length=12, choices=AttachmentSource.choices)
    # The document of the personal data store this file was taken from (source "data_store"): the 766 index
    # counts reuse by it, and the applicant deleting their own upload later leaves the dossier's copy intact.
    stored_document = models.ForeignKey(
        "datastore.StoredDocument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reused from the data store"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ("dossier", "id")
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class HistoryIsAppendOnly(Exception):
    """Raised on any attempt to change or remove a dossier's history."""


class DossierEventQuerySet(models.QuerySet["DossierEvent"]):
    # Bulk paths bypass Model.save()/delete(); they are closed too so no code path rewrites history.
    def update(self, **kwargs: Any) -> NoReturn:
        raise HistoryIsAppendOnly(gettext("A dossier's history is append-only: events cannot be updated."))

    def delete(self) -> NoReturn:
        raise HistoryIsAppendOnly(gettext("A dossier's history is append-only: events cannot be deleted."))


class DossierAction(models.TextChoices):
    """The actions of the history, with the labels the timelines show (the workflow engine's included)."""

    RECEIVED = "received", _("Received")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    SUPPLEMENT_RECEIVED = "supplement_received", _("Supplement received")
    REFUSED = "refused", _("Refused")
    FORWARDED = "forwarded", _("Forwarded")
    SENT_BACK = "sent_back", _("Sent back")
    APPROVED = "approved", _("Approved")
    CONSULTED = "consulted", _("Consultation requested")
    CONSULTATION_ANSWERED = "consultation_answered", _("Consultation answered")
    RESULT_ADDED = "result_added", _("Result document added")
    RESULT_REMOVED = "result_removed", _("Result document removed")
    RESULT_APPROVED = "result_approved", _("Result document approved")
    RESULT_SIGNED = "result_signed", _("Result document signed")
    RESULT_READY = "result_ready", _("Result ready")
    RETURNED = "returned", _("Result returned")
    APOLOGISED = "apologised", _("Apology and new date (Mẫu 04)")
    WITHDRAWN = "withdrawn", _("Withdrawn at the applicant's request")


class DossierEvent(models.Model):
    # The timeline index below starts with the dossier: a separate FK index would only cost writes.
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="events", verbose_name=_("dossier"), db_index=False
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Free text so other apps (workflow) can log their own steps; DossierAction lists this app's.
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from status"), max_length=20, choices=DossierStatus.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=DossierStatus.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    public = models.BooleanField(_("shown to the applicant"), default=False)
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = DossierEventQuerySet.as_manager()

    class Meta:
        ordering = ("dossier", "at", "id")
        indexes = [models.Index(fields=("dossier", "at", "id"), name="dossier_event_timeline")]
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise HistoryIsAppendOnly(
                gettext("A dossier's history is append-only: events cannot be updated.")
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise HistoryIsAppendOnly(gettext("A dossier's history is append-only: events cannot be deleted."))

    @property
    def action_label(self) -> str:
        """The action as the timelines name it (the stored value for an action no label is known for)."""
        return str(dict(DossierAction.choices).get(self.action, self.action))


# --- results ------------------------------------------------------------------------------------


class ResultOrigin(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded by the officer")
    GENERATED = "generated", _("Generated by MotCua")


def result_path(instance: ResultDocument, filename: str) -> str:
    return generated_path("results", filename)


def result_verify_token() -> str:
    return secrets.token_urlsafe(16)


class ResultDocument(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="result_documents", verbose_name=_("dossier")
    )
    result = models.ForeignKey(
        "catalog.Result",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("result in the catalog"),
    )
    # Copied from the catalog: the national code of the kind of result (KQ.G15.000031), which is what a
    # later dossier's component asks for when it reuses this result from the personal data store.
    result_code = models.CharField(_("result code"), max_length=30, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=500)
    number = models.CharField(_("document number"), max_length=80)
    origin = models.CharField(_("origin"), max_length=10, choices=ResultOrigin.choices)
    file = models.FileField(_("file"), upload_to=result_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=255)
    # Indexed: the verification page finds the registered result of an uploaded PDF by its hash.
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    # The unguessable key of the public verification link printed in the signature's QR code.
    verify_token = models.CharField(max_length=32, unique=True, default=result_verify_token, editable=False)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )

    class Meta:
        ordering = ("dossier", "id")
        constraints = [
            models.UniqueConstraint(fields=("dossier", "number"), name="dossier_result_number_unique")
        ]
        verbose_name = _("result document")
        verbose_name_plural = _("result documents")

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


# --- decisions at the counter -------------------------------------------------------------------


class CounterDecisionKind(models.TextChoices):
    COMPLETION = "completion", _("Asked to complete the dossier (Mẫu 02)")
    REFUSAL = "refusal", _("Refused at the counter (Mẫu 03)")


class CounterDecision(models.Model):
    """A dossier the desk did not receive: the applicant leaves with Mẫu 02 or Mẫu 03, and no dossier code.

    The applicant is a snapshot of what was declared (possibly only a name): nothing was received, so
    nothing is validated beyond what the slip needs."""

    kind = models.CharField(_("kind"), max_length=12, choices=CounterDecisionKind.choices)
    unit = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("receiving unit")
    )
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", on_delete=models.PROTECT, related_name="+", verbose_name=_("procedure")
    )
    applicant_name = models.CharField(_("applicant"), max_length=200)
    applicant_id_number = models.CharField(_("citizen ID number"), max_length=12, blank=True)
    applicant_phone = models.CharField(_("phone number"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("e-mail"), blank=True)
    missing_items = models.JSONField(_("missing items"), default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )

    class Meta:
        ordering = ("-issued_at", "-id")
        indexes = [models.Index(fields=("unit", "issued_at"), name="counter_decision_unit")]
        verbose_name = _("decision at the counter")
        verbose_name_plural = _("decisions at the counter")

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """``<unit>-<YYMMDD>-BS<id>`` (Mẫu 02) or ``…-TC<id>`` (Mẫu 03): not a dossier code, never one."""
        day = self.issued_at.astimezone(VIETNAM_TZ)
        prefix = "BS" if self.kind == CounterDecisionKind.COMPLETION else "TC"
        return f"{self.unit.code}-{day:%y%m%d}-{prefix}{self.pk or 0:05d}"


# --- online submissions (the citizen portal) ----------------------------------------------------------


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for the desk")
    COMPLETION_REQUESTED = "completion_requested", _("Asked to complete")
    ACCEPTED = "accepted", _("Received")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The applicant may still change (and withdraw) a submission in these states; the desk decides on SUBMITTED.
SUBMISSION_EDITABLE: frozenset[str] = frozenset(
    {SubmissionStatus.DRAFT, SubmissionStatus.COMPLETION_REQUESTED}
)
SUBMISSION_WITHDRAWABLE: frozenset[str] = frozenset(
    {SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED, SubmissionStatus.COMPLETION_REQUESTED}
)


class OnlineSubmission(models.Model):
    """A dossier filed on the portal before the desk accepts it (NĐ 61/2018 Art. 19: an online dossier is
    received when an officer of the one-stop desk checks it; until then it has no dossier code and no due
    date). The applicant's draft is kept here too, so a form can be saved and resumed.

    ``key`` is what the portal's URLs carry (never the sequential id). Accepting creates the ``Dossier``
    through the normal receipt; the submission keeps pointing at it."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="online_submissions",
        verbose_name=_("account"),
    )
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("procedure version"),
    )
    receiving_unit = models.ForeignKey(
        "org.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving unit"),
    )
    status = models.CharField(
        _("status"), max_length=22, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    applicant_data = models.JSONField(_("applicant"), default=dict, blank=True)
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    payment = models.ForeignKey(
        "payments.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("payment"),
    )
    dossier = models.OneToOneField(
        Dossier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="online_submission",
        verbose_name=_("dossier"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submit_count = models.PositiveSmallIntegerField(_("times submitted"), default=0)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    missing_items = models.JSONField(_("missing items"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            # The desk's online queue, oldest first; the applicant's own list, newest first.
            models.Index(fields=("receiving_unit", "status", "submitted_at", "id"), name="submission_queue"),
            models.Index(fields=("user", "created_at", "id"), name="submission_user"),
        ]
        verbose_name = _("online submission")
        verbose_name_plural = _("online submissions")

    def __str__(self) -> str:
        return f"{self.procedure_version.name} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status in SUBMISSION_EDITABLE


def submission_file_path(instance: SubmissionFile, filename: str) -> str:
    return generated_path("submissions", filename)


class SubmissionFile(models.Model):
    """One file of a submission's component: uploaded, or taken from the applicant's data store."""

    submission = models.ForeignKey(
        OnlineSubmission, on_delete=models.CASCADE, related_name="files", verbose_name=_("submission")
    )
    component = models.ForeignKey(
        "catalog.Component", on_delete=models.PROTECT, related_name="+", verbose_name=_("component")
    )
    file = models.FileField(_("file"), upload_to=submission_file_path, max_length=200)
    original_name = models.CharField(_("original name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    # The file is a copy of the stored document's: the holder deleting their own upload from the store
    # leaves the submission (and the dossier made from it) whole.
    stored_document = models.ForeignKey(
        "datastore.StoredDocument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reused from the data store"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ("submission", "component", "id")
        verbose_name = _("file of an online submission")
        verbose_name_plural = _("files of online submissions")

    def __str__(self) -> str:
        return self.original_name
