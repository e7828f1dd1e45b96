"""Forms of the rating pages. They only shape input: ``services.rating_submit`` checks every rule."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.org.models import Agency

from .indices import INDICES, POINTS_LABELS, Index
from .services import MAX_COMMENT

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class RatingForm(forms.Form):
    """The nine indices as radio groups (one field per index code, named like it) and a comment.

    ``computed`` pre-selects what the dossier's record says; the applicant may change it."""

    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        required=False,
        max_length=MAX_COMMENT,
        help_text=gettext_lazy("At most %(max)d characters. Do not write personal data here.")
        % {"max": MAX_COMMENT},
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_COMMENT}),
    )

    def __init__(self, *args: Any, computed: dict[str, int | None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.computed = computed
        for index in INDICES:
            self.fields[index.code] = forms.TypedChoiceField(
                label=index.title,
                choices=[(score, text) for score, text in index.options],
                coerce=int,
                widget=forms.RadioSelect,
                initial=computed.get(index.code),
                error_messages={
                    "required": gettext_lazy("Choose one of the answers."),
                    "invalid_choice": gettext_lazy("Choose one of the answers."),
                },
            )
        # The comment comes after the nine questions.
        self.order_fields([index.code for index in INDICES] + ["comment"])

    def questions(self) -> list[tuple[Index, forms.BoundField, int | None, list[tuple[Any, StrOrPromise]]]]:
        """(index, its bound field, the score from the record, [(radio, its points)]) in the order of
        TT 01/2018 Art. 13."""
        rows = []
        for index in INDICES:
            field = self[index.code]
            radios = [(radio, POINTS_LABELS[int(radio.data["value"])]) for radio in field]
            rows.append((index, field, self.computed.get(index.code), radios))
        return rows

    def scores(self) -> dict[str, int]:
        return {index.code: self.cleaned_data[index.code] for index in INDICES}


DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Enter this date."),
            "invalid": gettext_lazy("Enter a valid date, for example 31/01/2026."),
        },
    )


class FiguresForm(forms.Form):
    """The period and the agency of the figures; names are the query string's (a GET form)."""

    tu_ngay = _date_field(gettext_lazy("From"))
    den_ngay = _date_field(gettext_lazy("To"))
    # The agencies of the officer's scope, chosen by the view (a scope may hold thousands: the view lists the
    # first ones and the one asked for).
    co_quan = forms.TypedChoiceField(
        label=gettext_lazy("Agency"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the listed agencies.")},
    )

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["co_quan"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("All agencies in my scope")), *((a.pk, a.name) for a in agencies)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("tu_ngay"), cleaned.get("den_ngay")
        if isinstance(start, date) and isinstance(end, date) and start > end:
            self.add_error("den_ngay", _("The end date must not be before the start date."))
        return cleaned
