"""Exports cannot smuggle formulas into Excel; CSV is readable by Russian Excel."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from mentorship.spreadsheets import safe_cell, write_csv, write_xlsx

DANGEROUS = ["=1+1", "+7 913", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_like_text_is_neutralised(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_plain_values_unchanged() -> None:
    assert safe_cell("Иванов") == "Иванов"
    assert safe_cell(-2) == -2
    assert safe_cell(dt.date(2024, 9, 1)) == dt.date(2024, 9, 1)
    assert safe_cell(None) == ""


def test_csv_has_bom_semicolons_and_russian_dates() -> None:
    data = write_csv(["ФИО", "Дата"], [["=cmd", dt.date(2024, 9, 1)]])
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines() == ["ФИО;Дата", "'=cmd;01.09.2024"]


def test_xlsx_cells_are_text_not_formulas() -> None:
    data = write_xlsx(["ФИО"], [[v] for v in DANGEROUS])
    sheet = load_workbook(io.BytesIO(data)).active
    values = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    # XML stores a carriage return as a line feed; the apostrophe is what matters.
    assert values == ["'" + v.replace("\r", "\n") for v in DANGEROUS]
    assert all(cell.data_type != "f" for row in sheet.iter_rows(min_row=2) for cell in row)


def test_download_response_names_the_file_and_refuses_unknown_formats() -> None:
    from django.http import Http404

    from mentorship.spreadsheets import spreadsheet_response

    response = spreadsheet_response(headers=["ФИО"], rows=[["Иванов"]], fmt="csv",
                                    name="участники")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode("utf-8-sig").splitlines() == ["ФИО", "Иванов"]
    with pytest.raises(Http404):
        spreadsheet_response(headers=[], rows=[], fmt="exe", name="x")
