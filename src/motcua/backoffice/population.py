"""The reception desk's look-up in the population database (Tra cứu CSDL dân cư).

Who: officers holding ``dossier_receive`` in an active service centre or one-stop desk — only authorised
officers may query the national population database, and every look-up is recorded in the audit log (who,
when, from where, which ID number) whatever its outcome. A POST with the CSRF token (it is called by the
reception page's script), answering JSON for the page to fill the applicant's fields.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.models import User
from motcua.audit.services import access_record
from motcua.dossiers.validators import citizen_id_check
from motcua.geo.models import AdministrativeUnit
from motcua.integrations.population.base import PopulationUnavailable, population_registry
from motcua.org.models import RECEIVING_KINDS
from motcua.org.scoping import Capability, agencies_for


def may_query_population(user: object) -> bool:
    return (
        isinstance(user, User)
        and user.is_active
        and agencies_for(user, Capability.DOSSIER_RECEIVE)
        .filter(kind__in=RECEIVING_KINDS, is_active=True)
        .exists()
    )


@login_required
@require_POST
def population_lookup(request: HttpRequest) -> JsonResponse:
    if not may_query_population(request.user):
        return JsonResponse(
            {
                "error": "forbidden",
                "message": _("Only reception officers may query the population database."),
            },
            status=403,
        )
    id_number = request.POST.get("so_dinh_danh", "").strip()
    try:
        citizen_id_check(id_number)
    except ValidationError as exc:
        return JsonResponse({"error": "invalid_id_number", "message": exc.messages[0]}, status=400)
    access_record(
        request, channel="web", action="population_lookup", object_type="citizen", object_ref=id_number
    )
    try:
        record = population_registry().lookup(id_number)
    except PopulationUnavailable:
        return JsonResponse(
            {
                "error": "unavailable",
                "message": _("The population database does not answer right now: type the details."),
            },
            status=503,
        )
    if record is None:
        return JsonResponse(
            {
                "error": "not_found",
                "message": _("The population database has no citizen with this ID number."),
            },
            status=404,
        )
    commune = AdministrativeUnit.objects.filter(code=record.commune_code, parent__isnull=False).first()
    return JsonResponse(
        {
            "id_number": record.id_number,
            "full_name": record.full_name,
            "date_of_birth": record.date_of_birth.isoformat(),
            "sex": record.sex,
            "ethnicity": record.ethnicity,
            "address": record.permanent_address,
            "commune": commune.pk if commune is not None else None,
            "commune_code": record.commune_code,
            "message": _("Filled in from the population database: check the details with the applicant."),
        }
    )
