"""Dossiers that follow an electronic process: the open step's actions are buttons posted to the engine."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from motcua.accounts.models import User
from motcua.catalog.models import Procedure
from motcua.dossiers.models import DossierStatus
from motcua.org.models import Agency, Role
from motcua.workflow.models import Action, ActionKind
from motcua.workflow.selectors import open_main_step
from motcua.workflow.services import definition_default_create
from tests.fixtures import staff

from .conftest import receive, vn


def test_engine_actions_are_buttons_and_move_the_dossier(
    catalog: Any, org: dict[str, Agency], desk_officer: User, person: dict[str, Any], client: Client
) -> None:
    definition_default_create(Procedure.objects.get(national_code="9.000001"))
    dossier = receive(desk_officer, org["desk"], person, vn(2026, 3, 2, 9))
    step = open_main_step(dossier)
    assert step is not None and step.step.code == "tiep-nhan"
    client.force_login(desk_officer)
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    forward = Action.objects.get(from_step=step.step, kind=ActionKind.FORWARD)
    assert f'name="quy-trinh-action_id" value="{forward.pk}"' in page
    assert "Process steps" in page
    # With a process, the supplement request and the refusal are the step's actions, not separate forms.
    assert 'value="yeu-cau-bo-sung"' not in page and 'value="tu-choi"' not in page
    lock = re.search(r'name="quy-trinh-lock_version" value="(\d+)"', page)
    assert lock is not None

    response = client.post(
        f"/mot-cua/ho-so/{dossier.code}/",
        {
            "hanh_dong": "quy-trinh",
            "quy-trinh-action_id": str(forward.pk),
            "quy-trinh-comment": "Hồ sơ đầy đủ",
            "quy-trinh-lock_version": lock.group(1),
        },
        follow=True,
    )
    assert "Done: the dossier moved on in its process." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IN_PROGRESS
    current = open_main_step(dossier)
    assert current is not None and current.step.code == "tham-dinh"
    # The next step belongs to the competent agency's specialists.
    assert "belongs to other officers" in response.content.decode()
    stale = client.post(
        f"/mot-cua/ho-so/{dossier.code}/",
        {
            "hanh_dong": "quy-trinh",
            "quy-trinh-action_id": str(forward.pk),
            "quy-trinh-lock_version": lock.group(1),
        },
    )
    assert stale.status_code == 400 and "Nothing was changed" in stale.content.decode()

    specialist = staff("commune-specialist", (org["commune"], Role.SPECIALIST))
    client.force_login(specialist)
    page = client.get(f"/mot-cua/ho-so/{dossier.code}/").content.decode()
    refuse = Action.objects.get(from_step=current.step, kind=ActionKind.REFUSE)
    assert f'value="{refuse.pk}"' in page and 'name="quy-trinh-consulted_agency"' in page
    refused = client.post(
        f"/mot-cua/ho-so/{dossier.code}/",
        {
            "hanh_dong": "quy-trinh",
            "quy-trinh-action_id": str(refuse.pk),
            "quy-trinh-comment": "Không đủ điều kiện",
            "quy-trinh-lock_version": str(dossier.lock_version),
        },
    )
    assert refused.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REFUSED
