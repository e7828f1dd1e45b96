"""The applicant's personal data store (kho dữ liệu): list, add, download, delete their own uploads.

Rules are in ``datastore.services`` and ``datastore.selectors``; a document of someone else's store is a 404,
the same as one that does not exist."""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.catalog.models import Result
from motcua.core.files import stored_file_response
from motcua.datastore.models import StoredDocumentKind
from motcua.datastore.selectors import store_document, store_page
from motcua.datastore.services import holder_number_of, stored_document_delete, stored_document_upload

from .forms import StoredDocumentForm
from .online import applicant_only


def _kinds() -> list[tuple[str, str]]:
    """The kinds of result the province's procedures issue, by code (one name per code)."""
    names: dict[str, str] = {}
    for code, name in Result.objects.order_by("code", "-id").values_list("code", "name"):
        names.setdefault(code, name)
    return sorted(((code, f"{name} ({code})") for code, name in names.items()), key=lambda item: item[1])


@require_GET
@applicant_only
def store(request: HttpRequest) -> HttpResponseBase:
    kind = request.GET.get("loai", "")
    page = store_page(
        request.user, kind=kind, cursor=request.GET.get("sau", ""), size=settings.MOTCUA_PAGE_SIZE
    )
    return render(
        request,
        "portal/datastore/store.html",
        {
            "verified": holder_number_of(request.user) is not None,
            "page": page,
            "kind": kind if kind in StoredDocumentKind.values else "",
            "kinds": StoredDocumentKind.choices,
            "today": timezone.localdate(),
        },
    )


@applicant_only
def store_add(request: HttpRequest) -> HttpResponseBase:
    if holder_number_of(request.user) is None:
        return redirect("portal:datastore")
    kinds = _kinds()
    if request.method == "POST":
        form = StoredDocumentForm(request.POST, request.FILES, kinds=kinds)
        if form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            try:
                document = stored_document_upload(
                    request.user,
                    title=data["title"],
                    name=upload.name or "file",
                    content=upload.read(),
                    result_code=data["result_code"],
                    number=data["number"],
                    issuer_name=data["issuer_name"],
                    issued_on=data["issued_on"],
                    valid_until=data["valid_until"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(
                    request, _("“%(title)s” was added to your data store.") % {"title": document.title}
                )
                return redirect("portal:datastore")
    else:
        form = StoredDocumentForm(kinds=kinds)
    return render(request, "portal/datastore/add.html", {"form": form})


@require_GET
@applicant_only
def store_download(request: HttpRequest, key: UUID) -> FileResponse:
    document = store_document(request.user, key)
    if document is None:
        raise Http404
    extension = (
        "pdf" if document.content_type == "application/pdf" else document.content_type.rsplit("/", 1)[-1]
    )
    safe = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in (document.number or document.title))[
        :80
    ]
    return stored_file_response(
        document.content, content_type=document.content_type, filename=f"{safe or 'tai-lieu'}.{extension}"
    )


@require_POST
@applicant_only
def store_delete(request: HttpRequest, key: UUID) -> HttpResponseBase:
    document = store_document(request.user, key)
    if document is None:
        raise Http404
    try:
        stored_document_delete(request.user, document)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("“%(title)s” was deleted from your data store.") % {"title": document.title}
        )
    return redirect("portal:datastore")
