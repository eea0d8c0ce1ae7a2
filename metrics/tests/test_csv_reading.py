"""Reading CSV cells as spreadsheets write them (no database)."""

import pytest

from metrics.csv_import import decode_upload, normalise_timestamp, parse_number, read_layout
from teams.errors import ApplicationError


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        ("12", False, 12.0),
        ("-3.5", False, -3.5),
        (" 1e3 ", False, 1000.0),
        ("1234,5", True, 1234.5),
        ("1.234,5", True, 1234.5),
        ("1\u00a0234,5", True, 1234.5),
        ("0,001", True, 0.001),
    ],
)
def test_numbers_are_read_with_decimal_points_or_commas(text, decimal_comma, expected):
    assert parse_number(text, decimal_comma=decimal_comma) == expected


@pytest.mark.parametrize(
    ("text", "decimal_comma", "message"),
    [
        ("", True, "empty"),
        ("abc", True, "not a number"),
        ("nan", False, "infinite values are not allowed"),
        ("-inf", False, "infinite values are not allowed"),
        ("1e999", False, "infinite values are not allowed"),
        ("2e15", False, "out of range"),
        ("1,5", False, "Use a point as decimal separator"),
    ],
)
def test_bad_numbers_are_explained(text, decimal_comma, message):
    with pytest.raises(ValueError, match=message):
        parse_number(text, decimal_comma=decimal_comma)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31-01-2026", "2026-01-31"),
        ("1-2-2026", "2026-02-01"),
        ("01-02-2026 9:30", "2026-02-01T09:30:00"),
        ("01-02-2026 09:30:15", "2026-02-01T09:30:15"),
        ("2026-02-01", "2026-02-01"),
        ("2026-02-01T09:30:00+01:00", "2026-02-01T09:30:00+01:00"),
    ],
)
def test_dutch_excel_dates_become_iso(text, expected):
    assert normalise_timestamp(text) == expected


def test_excel_text_in_windows_1252_and_utf8_with_bom_is_read():
    assert decode_upload("metric;ts;value\ncafé;1;2".encode("cp1252")).startswith("metric;ts;value\ncafé")
    assert decode_upload("\ufeffmetric,ts,value".encode()).startswith("metric,ts,value")


def test_the_header_may_be_in_any_order_and_case():
    layout = read_layout("Value;TS;Metric\r\n1;2026-01-01;x\r\n")
    assert layout.delimiter == ";"
    assert layout.positions == {"metric": 2, "ts": 1, "value": 0}
    assert layout.decimal_comma


def test_a_header_without_the_columns_names_what_it_found():
    with pytest.raises(ApplicationError, match="found: date, amount"):
        read_layout("date,amount\n")
