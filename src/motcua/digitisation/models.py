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
    FAILED = "failed", _("Failed")


class OcrResult(models.Model):
    attachment = models.OneToOneField(
        "dossiers.Attachment", on_delete=models.PROTECT, related_name="ocr", verbose_name=_("file")
    )
    status = models.CharField(_("status"), max_length=10, choices=OcrStatus.choices, default=OcrStatus.QUEUED)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    pages_done = models.PositiveIntegerField(_("pages recognised"), default=0)
    pdfa = models.FileField(_("searchable PDF/A"), upload_to="digitised/%Y/%m/", max_length=200, blank=True)
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
