"""Digitisation (số hóa) of scanned components: a searchable PDF/A and the recognised text of each scan.

``OcrResult`` belongs to one attachment received as a scan. Its ``status`` and page counters are what the
officer's screen shows while the background task runs; ``text_folded`` (lower case, no diacritics, đ → d)
is what the full-text search reads; ``key_fields`` are the data the officer checked and corrected by hand
(the document's number, holder, ID number, date), kept apart from the machine's text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OcrStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Recognising")
    DONE = "done", _("Digitised")
    FAILED = "failed", _("Not digitised")


class OcrResult(models.Model):
    attachment = models.OneToOneField(
        "dossiers.Attachment", on_delete=models.PROTECT, related_name="ocr", verbose_name=_("file")
    )
    status = models.CharField(_("status"), max_length=10, choices=OcrStatus.choices, default=OcrStatus.QUEUED)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    pages_done = models.PositiveIntegerField(_("pages recognised"), default=0)
    pdfa = models.FileField(_("searchable PDF/A"), upload_to="digitised/%Y/%m/", max_length=200, blank=True)
    # False when the file could be made searchable but not certified as PDF/A (an unusual PDF structure).
    pdfa_conformant = models.BooleanField(_("PDF/A"), default=True)
    text = models.TextField(_("recognised text"), blank=True)
    text_folded = models.TextField(editable=False, blank=True)
    error = models.TextField(_("error"), blank=True)
    queued_at = models.DateTimeField(_("queued at"))
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    key_fields = models.JSONField(_("checked data"), default=dict, blank=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    corrected_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=("status", "queued_at"), name="ocr_status_queue")]
        verbose_name = _("digitised file")
        verbose_name_plural = _("digitised files")

    def __str__(self) -> str:
        return f"{self.attachment_id} {self.status}"

    @property
    def percent(self) -> int:
        if self.status == OcrStatus.DONE:
            return 100
        if not self.pages:
            return 0
        return min(99, round(100 * self.pages_done / self.pages))


# --- backlog digitisation: earlier results into the personal data store (``datastore``) ---------------


class BatchStatus(models.TextChoices):
    REJECTED = "rejected", _("Rejected (nothing imported)")
    QUEUED = "queued", _("Waiting for digitisation")
    RUNNING = "running", _("Digitising")
    DONE = "done", _("Done")


class BacklogBatch(models.Model):
    """An agency's upload of earlier results to digitise: a ZIP of scans with a CSV of their metadata.

    Validation happens at upload (the ZIP's safety, the CSV's encoding and columns, then every row); the
    valid rows are digitised in the background, one ``BacklogRecord`` each."""

    agency = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("issuer")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))
    file_name = models.CharField(_("file"), max_length=255)
    archive = models.FileField(_("archive"), upload_to="backlog/%Y/%m/", max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices)
    problem = models.TextField(_("reason it was rejected"), blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_valid = models.PositiveIntegerField(_("valid rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows digitised"), default=0)
    rows_skipped = models.PositiveIntegerField(_("rows already in the data store"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ("-uploaded_at", "-id")
        verbose_name = _("backlog batch")
        verbose_name_plural = _("backlog batches")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d})"

    @property
    def percent(self) -> int:
        if self.status == BatchStatus.DONE:
            return 100
        if not self.rows_valid:
            return 0
        return min(99, round(100 * (self.rows_done + self.rows_skipped) / self.rows_valid))


class BacklogRecord(models.Model):
    batch = models.ForeignKey(
        BacklogBatch, on_delete=models.CASCADE, related_name="records", verbose_name=_("batch")
    )
    row = models.PositiveIntegerField(_("row"))
    data = models.JSONField(_("data"), default=dict)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    document = models.ForeignKey(
        "datastore.StoredDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )
    skipped = models.BooleanField(_("already in the data store"), default=False)
    failure = models.TextField(_("digitisation error"), blank=True)

    class Meta:
        ordering = ("batch", "row")
        constraints = [models.UniqueConstraint(fields=("batch", "row"), name="backlog_record_row_unique")]
        verbose_name = _("backlog record")
        verbose_name_plural = _("backlog records")

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row}"
