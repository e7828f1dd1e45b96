"""The rating figures as an Excel workbook (XlsxWriter, as the register of ``documents.register``): one sheet
per agency table, officer table and the ratings behind them.

``constant_memory`` flushes each row once the next one starts, so the ratings sheet may come straight from
a database iterator; each sheet is written top to bottom, row by row, for that reason. Texts follow the
active language (Vietnamese by default); times are local wall-clock date-times.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _

from .indices import INDICES, POINTS_LABELS, SCORES, band_for, staff_indices, staff_threshold
from .models import Rating, RatingChannel
from .selectors import AgencyFigure, OfficerFigure, Period


def _band_label(total_sum: int, count: int) -> str:
    band = band_for(total_sum, count)
    return str(band.label) if band is not None else ""


def ratings_xlsx(
    period: Period,
    scope_label: str,
    agencies: Iterable[AgencyFigure],
    officers: Iterable[OfficerFigure],
    ratings: Iterable[Rating],
    handle: IO[bytes],
) -> int:
    """Write the workbook into ``handle``; return the number of ratings listed."""
    workbook = xlsxwriter.Workbook(handle, {"constant_memory": True})
    try:
        title = workbook.add_format({"bold": True, "font_size": 14})
        italic = workbook.add_format({"italic": True})
        header = workbook.add_format(
            {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, "border": 1}
        )
        cell = workbook.add_format({"valign": "top", "text_wrap": True, "border": 1})
        number = workbook.add_format({"valign": "top", "border": 1})
        decimal = workbook.add_format({"valign": "top", "border": 1, "num_format": "0.00"})
        when = workbook.add_format({"valign": "top", "border": 1, "num_format": "hh:mm dd/mm/yyyy"})

        def heading(sheet: xlsxwriter.worksheet.Worksheet, name: str, columns: list[str]) -> None:
            sheet.write_string(0, 0, name, title)
            sheet.write_string(1, 0, f"{scope_label} — {period.label}", italic)
            sheet.set_row(3, 45)
            for column, text in enumerate(columns):
                sheet.write_string(3, column, text, header)

        index_titles = [f"{_('Index')} {index.number}" for index in INDICES]
        sheet = workbook.add_worksheet(_("Agencies"))
        sheet.set_column(0, 0, 40)
        sheet.set_column(1, 4 + len(INDICES), 11)
        heading(
            sheet,
            _("Satisfaction ratings per agency (TT 01/2018)"),
            [
                _("Agency"),
                _("Ratings"),
                _("Average total (of 18)"),
                _("Band"),
                _("Not satisfied"),
                *index_titles,
            ],
        )
        for row, figure in enumerate(agencies, start=4):
            sheet.write_string(row, 0, figure.name, cell)
            sheet.write_number(row, 1, figure.ratings, number)
            sheet.write_number(row, 2, float(figure.average), decimal)
            sheet.write_string(row, 3, _band_label(figure.total_sum, figure.ratings), cell)
            sheet.write_number(row, 4, figure.not_satisfied, number)
            for offset, value in enumerate(figure.index_averages, start=5):
                sheet.write_number(row, offset, float(value), decimal)

        sheet = workbook.add_worksheet(_("Officers"))
        sheet.set_column(0, 1, 32)
        sheet.set_column(2, 6, 14)
        staff_codes = ", ".join(str(index.number) for index in staff_indices())
        heading(
            sheet,
            _("Satisfaction ratings per officer (TT 01/2018)"),
            [
                _("Officer"),
                _("Agency"),
                _("Ratings"),
                _("Average total (of 18)"),
                _("Average on the staff indices (%(indices)s)") % {"indices": staff_codes},
                _("Ratings with at least %(points)d points on them") % {"points": staff_threshold()},
                _("Share of duties fully done (%)"),
            ],
        )
        for row, officer in enumerate(officers, start=4):
            sheet.write_string(row, 0, officer.name, cell)
            sheet.write_string(row, 1, officer.agency_name, cell)
            sheet.write_number(row, 2, officer.ratings, number)
            sheet.write_number(row, 3, float(officer.average), decimal)
            sheet.write_number(row, 4, float(officer.staff_average), decimal)
            sheet.write_number(row, 5, officer.full_duty, number)
            sheet.write_number(row, 6, float(officer.full_duty_share), decimal)

        sheet = workbook.add_worksheet(_("Ratings"))
        sheet.set_column(0, 0, 16)
        sheet.set_column(1, 1, 26)
        sheet.set_column(2, 3, 34)
        sheet.set_column(4, 5 + len(INDICES), 8)
        sheet.set_column(6 + len(INDICES), 6 + len(INDICES), 50)
        heading(
            sheet,
            _("Satisfaction ratings"),
            [
                _("Rated at"),
                _("Dossier code"),
                _("Procedure"),
                _("Competent agency"),
                _("Channel"),
                *index_titles,
                _("Total"),
                _("Comment"),
            ],
        )
        channels = dict(RatingChannel.choices)
        written = 0
        for row, rating in enumerate(ratings, start=4):
            written += 1
            sheet.write_datetime(row, 0, timezone.localtime(rating.created_at).replace(tzinfo=None), when)
            sheet.write_string(row, 1, rating.dossier.code, cell)
            sheet.write_string(row, 2, rating.dossier.procedure_version.name, cell)
            sheet.write_string(row, 3, rating.competent_agency.name, cell)
            sheet.write_string(row, 4, str(channels.get(rating.channel, rating.channel)), cell)
            for offset, index in enumerate(INDICES, start=5):
                sheet.write_number(row, offset, rating.score(index.code), number)
            sheet.write_number(row, 5 + len(INDICES), rating.total, number)
            sheet.write_string(row, 6 + len(INDICES), rating.comment, cell)
        sheet.freeze_panes(4, 2)

        sheet = workbook.add_worksheet(_("Indices"))
        sheet.set_column(0, 0, 8)
        sheet.set_column(1, 4, 45)
        sheet.write_string(0, 0, _("The indices of TT 01/2018 Art. 13"), title)
        for column, name in enumerate(
            (_("Index"), _("Question"), *(str(POINTS_LABELS[score]) for score in SCORES))
        ):
            sheet.write_string(2, column, name, header)
        for row, index in enumerate(INDICES, start=3):
            sheet.write_number(row, 0, index.number, number)
            sheet.write_string(row, 1, str(index.title), cell)
            for column, (_score, meaning) in enumerate(index.options, start=2):
                sheet.write_string(row, column, str(meaning), cell)
    finally:
        workbook.close()
    return written
