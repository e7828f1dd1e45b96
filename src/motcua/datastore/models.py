"""The personal data store (Kho quản lý dữ liệu điện tử của tổ chức, cá nhân).

Each person or organisation has a store of documents found by the holder's number (the 12-digit ID number of
a person, the tax code of an organisation): results MotCua issued to them, earlier results digitised from an
agency's paper backlog, components of their dossiers that the desk scanned and digitised, and documents the
holder added. A later dossier takes a document from the store instead of a new paper copy when one of its
components asks for the document's result code (reuse, counted by the 766 index).

A document issued or digitised by MotCua does not copy its file: it points at the result document or the
dossier's attachment, so a signature added after the result was finished is what the holder downloads.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredDocumentKind(models.TextChoices):
    ISSUED = "issued", _("Result issued through MotCua")
    DIGITISED = "digitised", _("Earlier result, digitised")
    COMPONENT = "component", _("Digitised component of a dossier")
    UPLOADED = "uploaded", _("Added by the holder")


class StoredDocument(models.Model):
    """One document of a holder's store. ``record_key`` makes storing the same thing twice a no-op: for a
    digitised backlog record a hash of its issuer, code, number and holder; for an issued result or a
    digitised component the row it comes from; for an upload a random value."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    holder_number = models.CharField(_("holder's ID number or tax code"), max_length=14)
    holder_name = models.CharField(_("holder"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=StoredDocumentKind.choices)
    result_code = models.CharField(_("result code"), max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=500)
    number = models.CharField(_("document number"), max_length=80, blank=True)
    issuer = models.ForeignKey(
        "org.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issuer"),
    )
    # For a document the holder added: the issuer as they typed it (it is not one of the province's agencies).
    issuer_name = models.CharField(_("issuer (as given)"), max_length=255, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="data-store/%Y/%m/", max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    content_type = models.CharField(_("content type"), max_length=100, default="application/pdf")
    text = models.TextField(_("recognised text"), blank=True)
    text_folded = models.TextField(editable=False, blank=True)
    record_key = models.CharField(max_length=64, unique=True, editable=False)
    batch = models.ForeignKey(
        "digitisation.BacklogBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("batch"),
    )
    result_document = models.OneToOneField(
        "dossiers.ResultDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stored_document",
        verbose_name=_("result document"),
    )
    attachment = models.OneToOneField(
        "dossiers.Attachment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stored_copy",
        verbose_name=_("digitised component"),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dossier"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ("holder_number", "-created_at", "-id")
        indexes = [
            # The holder's store, newest first (keyset pages), and the reuse look-up by result code.
            models.Index(fields=("holder_number", "-created_at", "-id"), name="datastore_holder_recent"),
            models.Index(fields=("holder_number", "result_code"), name="datastore_holder_code"),
            models.Index(fields=("result_code",), name="datastore_result_code"),
        ]
        verbose_name = _("document of the personal data store")
        verbose_name_plural = _("documents of the personal data store")

    def __str__(self) -> str:
        return f"{self.result_code or self.title} {self.number} ({self.holder_number})".strip()

    @property
    def content(self) -> Any:
        """The stored file to read or serve: the result document's or the digitised scan's when this row
        points at one (so a later signature is included), else the store's own copy."""
        if self.result_document_id is not None and self.result_document is not None:
            return self.result_document.file
        if self.attachment_id is not None and self.attachment is not None:
            ocr = getattr(self.attachment, "ocr", None)
            if ocr is not None and ocr.pdfa:
                return ocr.pdfa
            return self.attachment.file
        return self.file

    @property
    def is_removable(self) -> bool:
        """The holder may delete what they added themself, never what an agency issued or digitised."""
        return self.kind == StoredDocumentKind.UPLOADED
