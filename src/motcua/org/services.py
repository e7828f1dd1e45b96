"""Writes on the organisation: agencies keep their materialised path consistent."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Agency


def _path_for(agency: Agency) -> str:
    parent_path = agency.parent.path if agency.parent_id and agency.parent else "/"
    return f"{parent_path}{agency.pk}/"


@transaction.atomic
def agency_save(agency: Agency) -> Agency:
    """Validate and save an agency, then refresh the paths of it and its whole subtree."""
    if agency.pk and agency.parent_id:
        parent = Agency.objects.get(pk=agency.parent_id)
        if parent.pk == agency.pk or f"/{agency.pk}/" in parent.path:
            raise ValidationError(
                {"parent": _("An agency cannot be placed under itself or its own sub-unit.")}
            )
    agency.full_clean(exclude=["path"])
    old_path = agency.path
    agency.save()
    new_path = _path_for(agency)
    if new_path != old_path:
        Agency.objects.filter(pk=agency.pk).update(path=new_path)
        agency.path = new_path
        if old_path:
            for child in Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk):
                child.path = new_path + child.path[len(old_path) :]
                Agency.objects.filter(pk=child.pk).update(path=child.path)
    return agency
