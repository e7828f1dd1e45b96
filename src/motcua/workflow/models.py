"""Electronic process definitions (quy trình điện tử): the internal steps an agency follows for a procedure.

A ``ProcessDefinition`` belongs to one procedure and may be specialised for one agency and/or one level
(a generic definition applies where no more specific one exists). It is versioned like the catalog: drafts
are edited, one definition per scope is active, and an active definition is never edited in place — a
change is a new draft version that replaces it when activated. ``Step`` rows are the stations a dossier
passes through (who handles it, where, and what share of the statutory time it gets); ``Action`` rows are
the moves an officer may make from a step. Whether a definition is sound is decided by ``validation``.
``StepInstance`` rows record each dossier's passage through the steps; ``engine`` writes them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from motcua.org.models import Role


class DefinitionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


def _scope_key(field: str) -> Coalesce:
    # NULL is distinct from NULL in a unique index on both SQLite and PostgreSQL; folding "no agency" and
    # "no level" to 0 (never a primary key) makes the generic definition unique in its scope too.
    return Coalesce(field, models.Value(0), output_field=models.BigIntegerField())


class ProcessDefinition(models.Model):
    procedure = models.ForeignKey(
        "catalog.Procedure",
        on_delete=models.PROTECT,
        related_name="process_definitions",
        verbose_name=_("procedure"),
    )
    agency = models.ForeignKey(
        "org.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="process_definitions",
        verbose_name=_("agency"),
        help_text=_("Leave empty for a process that applies to every agency handling the procedure."),
    )
    level = models.ForeignKey(
        "geo.Level",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("level"),
        help_text=_("Leave empty for a process that applies at every level."),
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=DefinitionStatus.choices, default=DefinitionStatus.DRAFT
    )
    name = models.CharField(_("name"), max_length=255)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ("procedure", "agency", "level", "-number")
        constraints = [
            models.UniqueConstraint(
                "procedure",
                _scope_key("agency"),
                _scope_key("level"),
                "number",
                name="workflow_definition_number_unique",
            ),
            models.UniqueConstraint(
                "procedure",
                _scope_key("agency"),
                _scope_key("level"),
                condition=models.Q(status="active"),
                name="workflow_one_active_definition",
            ),
        ]
        indexes = [models.Index(fields=("procedure", "status"), name="workflow_definition_status")]
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")

    def __str__(self) -> str:
        return f"{self.name} (v{self.number})"

    @property
    def is_editable(self) -> bool:
        return self.status == DefinitionStatus.DRAFT


class StepUnit(models.TextChoices):
    """Where the pool of officers for a step sits, relative to the dossier being handled."""

    RECEIVING_UNIT = "receiving_unit", _("Receiving unit (service centre or one-stop desk)")
    COMPETENT_AGENCY = "competent_agency", _("Competent agency")
    COMPETENT_AGENCY_PARENT = "competent_agency_parent", _("Parent of the competent agency")
    CONSULTED_AGENCY = "consulted_agency", _("Consulted agency")


class Step(models.Model):
    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.CASCADE, related_name="steps", verbose_name=_("process")
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    unit = models.CharField(_("unit"), max_length=30, choices=StepUnit.choices)
    share_percent = models.DecimalField(
        _("share of the statutory time (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    is_start = models.BooleanField(_("start step"), default=False)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ("definition", "position", "id")
        constraints = [
            models.UniqueConstraint(fields=("definition", "code"), name="workflow_step_code_unique"),
            models.CheckConstraint(
                condition=models.Q(share_percent__gte=0, share_percent__lte=100),
                name="workflow_step_share_range",
            ),
        ]
        verbose_name = _("step")
        verbose_name_plural = _("steps")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ActionKind(models.TextChoices):
    FORWARD = "forward", _("Forward")
    SEND_BACK = "send_back", _("Send back")
    REQUEST_SUPPLEMENT = "request_supplement", _("Request a supplement")
    REFUSE = "refuse", _("Refuse")
    CONSULT = "consult", _("Consult")
    APPROVE = "approve", _("Approve")
    FINISH = "finish", _("Finish")


# Actions that end the handling of a dossier and therefore lead to no further step.
ENDING_KINDS = frozenset({ActionKind.FINISH, ActionKind.REFUSE})


class Action(models.Model):
    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.CASCADE, related_name="actions", verbose_name=_("process")
    )
    from_step = models.ForeignKey(
        Step, on_delete=models.CASCADE, related_name="actions_out", verbose_name=_("from step")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActionKind.choices)
    # SET_NULL rather than CASCADE: deleting a step leaves its incoming actions without a target, which
    # validation reports, instead of silently dropping them.
    to_step = models.ForeignKey(
        Step,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_in",
        verbose_name=_("to step"),
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ("definition", "position", "id")
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return self.label or str(self.get_kind_display())


class StepInstance(models.Model):
    """One passage of one dossier through one step: who may handle it, since when, until when, and how it
    ended.

    The pool (role + agency) is resolved when the step opens, from the step's ``unit`` relative to the
    dossier, and stored: the inbox is one indexed query on (agency, role) and a later change of the
    dossier or of the definition does not move work already handed out. ``parallel`` rows are
    consultations of other agencies running beside the dossier's main step; at most one main step is open
    at a time (partial unique index).
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="steps", verbose_name=_("dossier")
    )
    definition = models.ForeignKey(
        ProcessDefinition, on_delete=models.PROTECT, related_name="+", verbose_name=_("process")
    )
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="instances", verbose_name=_("step"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        "org.Agency", on_delete=models.PROTECT, related_name="step_instances", verbose_name=_("agency")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_steps",
        verbose_name=_("assigned to"),
    )
    parallel = models.BooleanField(
        _("consultation"),
        default=False,
        help_text=_("A consultation of another agency, running beside the dossier's main step."),
    )
    consulted_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("asked from step"),
    )
    started_at = models.DateTimeField(_("started at"))
    # The office time allotted to the step (its share of the statutory time, or what the asking step had
    # left for a consultation). Stored so the due date can be recomputed from scratch whenever a pause of
    # the dossier ends: ``due_at`` = ``started_at`` + ``budget`` of office time, extended by the waits.
    budget = models.DurationField(_("office time allotted"))
    due_at = models.DateTimeField(_("due at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    action = models.ForeignKey(
        Action,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("action taken"),
    )
    # Kept beside the action so the timeline reads without joining the definition (and says how a step
    # closed automatically, e.g. a consultation withdrawn when the dossier ended, with no action row).
    action_kind = models.CharField(_("kind of action"), max_length=20, choices=ActionKind.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ("dossier", "started_at", "id")
        constraints = [
            models.UniqueConstraint(
                fields=("dossier",),
                condition=models.Q(ended_at__isnull=True, parallel=False),
                name="workflow_one_open_main_step",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_at__gte=models.F("started_at")),
                name="workflow_step_instance_ordered",
            ),
        ]
        indexes = [
            # The pool inbox: open rows (ended_at IS NULL) of an agency and role, most urgent first.
            models.Index(fields=("agency", "role", "ended_at", "due_at"), name="workflow_step_pool_inbox"),
            models.Index(fields=("assignee", "ended_at"), name="workflow_step_assignee_inbox"),
        ]
        verbose_name = _("step of a dossier")
        verbose_name_plural = _("steps of dossiers")

    def __str__(self) -> str:
        return f"{self.dossier_id} · {self.step_id} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
