"""Backlog digitisation (số hóa kết quả còn hiệu lực): an agency uploads a ZIP of scanned earlier results
with a CSV of their metadata; valid rows are digitised in the background and land in the holders'
personal data stores, ready for reuse.

Checked at upload, all or nothing for the file itself:
* the ZIP: readable, at most ``MAX_ENTRIES`` entries, no absolute path or ``..`` (path traversal), at most
  ``MAX_UNPACKED_BYTES`` unpacked and no entry that expands more than ``MAX_RATIO`` times (ZIP bomb) — the
  sizes are read from the directory and enforced again while reading;
* exactly one CSV, in UTF-8 (with or without BOM), with the columns of ``COLUMNS``.
Then row by row (a report lists every problem of every row; valid rows go on): full name, a valid 12-digit ID
number, a procedure of the catalog, a result code of that procedure, dates (dd/mm/yyyy), the scan present in
the ZIP and really a PDF or picture. Re-uploading the same batch, or a record already digitised, adds nothing:
``StoredDocument.record_key`` is unique.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import Result
from motcua.core.text import fold
from motcua.datastore.models import StoredDocument, StoredDocumentKind
from motcua.dossiers.files import sniff
from motcua.dossiers.results import months_after
from motcua.dossiers.validators import citizen_id_check
from motcua.org.models import Agency
from motcua.org.scoping import AnyUser, Capability, can

from .models import BacklogBatch, BacklogRecord, BatchStatus
from .ocr import NotAScanError, failure_message, ocr_convert, scan_check

MAX_ENTRIES = 5_000
MAX_UNPACKED_BYTES = 2 * 1024**3
MAX_RATIO = 200
MAX_ARCHIVE_BYTES = 1024**3
COLUMNS = (
    "ho_ten",
    "so_dinh_danh",
    "ma_thu_tuc",
    "ma_ket_qua",
    "so_van_ban",
    "ngay_cap",
    "hieu_luc_den",
    "tep",
)
SCAN_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "tiff": "image/tiff"}


def may_upload(user: AnyUser, agency: Agency) -> bool:
    return any(
        can(user, capability, agency)
        for capability in (Capability.DOSSIER_PROCESS, Capability.DOSSIER_REVIEW, Capability.CATALOG_MANAGE)
    )


def _entry_safe(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return not path.is_absolute() and ".." not in path.parts and not name.startswith("/") and ":" not in name


def archive_open(content: bytes) -> zipfile.ZipFile:
    """The ZIP, after the checks that protect the server; ``ValidationError`` otherwise."""
    if len(content) > MAX_ARCHIVE_BYTES:
        raise ValidationError(_("The ZIP file is larger than 1 GB: split the batch."), code="zip_too_large")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ValidationError(_("The file is not a readable ZIP archive."), code="zip_unreadable") from exc
    if len(entries) > MAX_ENTRIES:
        raise ValidationError(
            _("The ZIP holds more than %(max)d files: split the batch.") % {"max": MAX_ENTRIES},
            code="zip_entries",
        )
    unpacked = 0
    for entry in entries:
        if not _entry_safe(entry.filename):
            raise ValidationError(
                _("The ZIP contains the unsafe path “%(name)s” (outside the archive): nothing was imported.")
                % {"name": entry.filename},
                code="zip_traversal",
            )
        unpacked += entry.file_size
        if entry.compress_size and entry.file_size / entry.compress_size > MAX_RATIO:
            raise ValidationError(
                _("“%(name)s” expands %(ratio)d times when unpacked: the ZIP is refused as a ZIP bomb.")
                % {"name": entry.filename, "ratio": entry.file_size // entry.compress_size},
                code="zip_bomb",
            )
    if unpacked > MAX_UNPACKED_BYTES:
        raise ValidationError(_("The ZIP unpacks to more than 2 GB: split the batch."), code="zip_bomb")
    return archive


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """An entry's bytes, never more than ``limit`` whatever its directory says (a lying header)."""
    with archive.open(name) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_("“%(name)s” is larger than it declares.") % {"name": name}, code="zip_bomb")
    return data


def _csv_rows(archive: zipfile.ZipFile) -> tuple[str, list[dict[str, str]]]:
    csvs = [e for e in archive.infolist() if e.filename.lower().endswith(".csv") and not e.is_dir()]
    if len(csvs) != 1:
        raise ValidationError(
            _("The ZIP must hold exactly one CSV file of metadata (found %(n)d).") % {"n": len(csvs)},
            code="csv_count",
        )
    raw = read_member(archive, csvs[0].filename, csvs[0].file_size)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            _("%(name)s is not in UTF-8: save it as “CSV UTF-8” and upload again.")
            % {"name": csvs[0].filename},
            code="csv_encoding",
        ) from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [column.strip() for column in (reader.fieldnames or [])]
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise ValidationError(
            _("The CSV lacks the columns %(missing)s; expected: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join(COLUMNS)},
            code="csv_columns",
        )
    rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    if not rows:
        raise ValidationError(_("The CSV has no row."), code="csv_empty")
    return csvs[0].filename, rows


def _date(value: str, label: str, errors: list[str], *, required: bool) -> date | None:
    if not value:
        if required:
            errors.append(_("%(field)s is missing.") % {"field": label})
        return None
    try:
        return datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        errors.append(_("%(field)s “%(value)s” is not a date dd/mm/yyyy.") % {"field": label, "value": value})
        return None


@dataclass(frozen=True)
class RowCheck:
    data: dict[str, Any]
    errors: list[str]


def row_check(row: dict[str, str], agency: Agency, archive: zipfile.ZipFile, names: set[str]) -> RowCheck:
    errors: list[str] = []
    name = row.get("ho_ten", "")
    if not name:
        errors.append(_("The holder's name is missing."))
    id_number = row.get("so_dinh_danh", "")
    try:
        citizen_id_check(id_number)
    except ValidationError as exc:
        errors.extend(exc.messages)
    procedure_code, result_code = row.get("ma_thu_tuc", ""), row.get("ma_ket_qua", "")
    result = (
        Result.objects.filter(version__procedure__national_code=procedure_code, code=result_code)
        .select_related("version")
        .order_by("-version__number")
        .first()
    )
    if result is None:
        errors.append(
            _("The catalog has no result %(result)s for the procedure %(procedure)s.")
            % {"result": result_code or "—", "procedure": procedure_code or "—"}
        )
    issued = _date(row.get("ngay_cap", ""), _("The date of issue"), errors, required=True)
    valid_until = _date(row.get("hieu_luc_den", ""), _("The validity date"), errors, required=False)
    if issued and issued > timezone.localdate():
        errors.append(_("The date of issue is in the future."))
    if issued and valid_until and valid_until < issued:
        errors.append(_("The validity ends before the date of issue."))
    file_name = row.get("tep", "")
    content_type = ""
    if file_name not in names:
        errors.append(_("The scan “%(name)s” is not in the ZIP.") % {"name": file_name or "—"})
    else:
        scan = read_member(archive, file_name, archive.getinfo(file_name).file_size)
        kind = sniff(scan[:4096]).extension
        content_type = SCAN_TYPES.get(kind, "")
        if not content_type:
            errors.append(_("“%(name)s” is not a PDF or a scanned picture.") % {"name": file_name})
        else:
            try:
                scan_check(scan, content_type)
            except NotAScanError as exc:
                errors.append(failure_message(exc))
    if result is not None and issued is not None and valid_until is None and result.validity_months:
        valid_until = months_after(issued, result.validity_months)
    data = {
        "name": name,
        "id_number": id_number,
        "procedure": procedure_code,
        "result_code": result_code,
        "title": result.name if result is not None else "",
        "number": row.get("so_van_ban", "")[:80],
        "issued_on": issued.isoformat() if issued else None,
        "valid_until": valid_until.isoformat() if valid_until else None,
        "file": file_name,
        "content_type": content_type,
        "issuer": agency.pk,
    }
    return RowCheck(data, errors)


def record_key(data: dict[str, Any]) -> str:
    text = "|".join(
        str(data.get(k, "")) for k in ("issuer", "result_code", "number", "id_number", "issued_on")
    )
    return hashlib.sha256(text.encode()).hexdigest()


def batch_upload(agency: Agency, user: AnyUser, name: str, content: bytes) -> BacklogBatch:
    """Check the batch and record it; the valid rows are digitised in the background. A ZIP or CSV that
    fails the checks is recorded as rejected with the reason, and nothing of it is imported."""
    if not isinstance(user, User) or not may_upload(user, agency):
        raise ValidationError(
            _("You may not digitise results of %(agency)s.") % {"agency": agency.name}, code="forbidden"
        )
    now = timezone.now()
    digest = hashlib.sha256(content).hexdigest()
    try:
        archive = archive_open(content)
        _csv_name, rows = _csv_rows(archive)
    except ValidationError as exc:
        return BacklogBatch.objects.create(
            agency=agency,
            uploaded_by=user,
            uploaded_at=now,
            file_name=name[:255],
            sha256=digest,
            status=BatchStatus.REJECTED,
            problem=" ".join(exc.messages),
            finished_at=now,
        )
    names = {e.filename for e in archive.infolist() if not e.is_dir()}
    checks = [row_check(row, agency, archive, names) for row in rows]
    with transaction.atomic():
        batch = BacklogBatch.objects.create(
            agency=agency,
            uploaded_by=user,
            uploaded_at=now,
            file_name=name[:255],
            sha256=digest,
            status=BatchStatus.QUEUED,
            rows_total=len(checks),
            rows_valid=sum(1 for c in checks if not c.errors),
        )
        batch.archive.save("batch.zip", ContentFile(content), save=True)
        BacklogRecord.objects.bulk_create(
            BacklogRecord(batch=batch, row=index + 2, data=check.data, errors=check.errors)
            for index, check in enumerate(checks)
        )
        if batch.rows_valid == 0:
            batch.status, batch.finished_at = BatchStatus.DONE, now
            batch.save(update_fields=["status", "finished_at"])
        else:
            transaction.on_commit(lambda: backlog_task.enqueue(batch.pk))
    return batch


def batch_run(batch_id: int) -> str:
    """Digitise the valid rows of a batch, one by one, counting progress; safe to run again."""
    batch = BacklogBatch.objects.select_related("agency").get(pk=batch_id)
    if batch.status == BatchStatus.DONE:
        return batch.status
    BacklogBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    with batch.archive.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    records = batch.records.filter(errors=[], document__isnull=True, skipped=False).order_by("row")
    for record in records:
        data = record.data
        key = record_key(data)
        existing = StoredDocument.objects.filter(record_key=key).first()
        if existing is not None:
            BacklogRecord.objects.filter(pk=record.pk).update(skipped=True, document=existing)
            BacklogBatch.objects.filter(pk=batch.pk).update(rows_skipped=F("rows_skipped") + 1)
            continue
        try:
            scan = read_member(archive, data["file"], archive.getinfo(data["file"]).file_size)
            pdf, text, _conformant = ocr_convert(scan, data["content_type"])
        except Exception as exc:
            BacklogRecord.objects.filter(pk=record.pk).update(failure=failure_message(exc))
            BacklogBatch.objects.filter(pk=batch.pk).update(rows_done=F("rows_done") + 1)
            continue
        text = text.replace("\f", "\n\n").strip()
        try:
            with transaction.atomic():
                document = StoredDocument(
                    holder_number=data["id_number"],
                    holder_name=data["name"],
                    kind=StoredDocumentKind.DIGITISED,
                    result_code=data["result_code"],
                    title=data["title"],
                    number=data["number"],
                    issuer=batch.agency,
                    issued_on=date.fromisoformat(data["issued_on"]),
                    valid_until=date.fromisoformat(data["valid_until"]) if data["valid_until"] else None,
                    sha256=hashlib.sha256(pdf).hexdigest(),
                    text=text,
                    text_folded=fold(text),
                    record_key=key,
                    batch=batch,
                )
                document.file.save(f"{data['result_code']}.pdf", ContentFile(pdf), save=False)
                document.save()
                BacklogRecord.objects.filter(pk=record.pk).update(document=document)
        except IntegrityError:
            # The same record digitised meanwhile by another run: it is there once.
            BacklogRecord.objects.filter(pk=record.pk).update(
                skipped=True, document=StoredDocument.objects.filter(record_key=key).first()
            )
            BacklogBatch.objects.filter(pk=batch.pk).update(rows_skipped=F("rows_skipped") + 1)
            continue
        BacklogBatch.objects.filter(pk=batch.pk).update(rows_done=F("rows_done") + 1)
    BacklogBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DONE, finished_at=timezone.now())
    return BatchStatus.DONE


@task(queue_name="digitisation")
def backlog_task(batch_id: int) -> str:
    return batch_run(batch_id)
