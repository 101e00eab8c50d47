"""Dates: the portal's date line and its sister sites' date text, machine timestamps,
the bulk-import flag and the event date named in the text."""

from __future__ import annotations

from datetime import date

import pytest

from archive.parser.dates import (
    event_date,
    event_dates,
    is_bulk_import,
    iso_local,
    parse_iso,
)
from archive.parser.textpatterns import date_line, place_date_line


@pytest.mark.parametrize("line, raw, iso", [
    ("Print Thứ Bảy, 26/01/2019 23:25", "Thứ Bảy, 26/01/2019 23:25", "2019-01-26T23:25:00+07:00"),
    ("Print Thứ Hai, 01/11/2021 17:15 Gốc", "Thứ Hai, 01/11/2021 17:15", "2021-11-01T17:15:00+07:00"),
    ("Thứ Sáu, 10/11/2023 16:21", "Thứ Sáu, 10/11/2023 16:21", "2023-11-10T16:21:00+07:00"),
    ("Chủ Nhật, 05/03/2023 08:00", "Chủ Nhật, 05/03/2023 08:00", "2023-03-05T08:00:00+07:00"),
    ("Chủ nhật, 24/05/2020 08:05", "Chủ nhật, 24/05/2020 08:05", "2020-05-24T08:05:00+07:00"),
    ("Thời gian: 11/05/2022 12:15", "11/05/2022 12:15", "2022-05-11T12:15:00+07:00"),
    ("06/09/2019 09:36", "06/09/2019 09:36", "2019-09-06T09:36:00+07:00"),
    ("14:30 | 11/05/2022", "14:30 | 11/05/2022", "2022-05-11T14:30:00+07:00"),
    ("Cập nhật: 3/2/2020", "3/2/2020", "2020-02-03T00:00:00+07:00"),
    ("PrintThứ Bảy, 26/01/2019 23:25Gốc", "Thứ Bảy, 26/01/2019 23:25", "2019-01-26T23:25:00+07:00"),
    ("Thứ bảy, 26-01-2019, 11:25 CH", "Thứ bảy, 26-01-2019, 11:25 CH", "2019-01-26T23:25:00+07:00"),
])
def test_date_lines(line, raw, iso):
    d = date_line(line)
    assert d is not None, line
    assert d.raw == raw
    assert iso_local(d.when) == iso


@pytest.mark.parametrize("line", [
    "Sáng 11/01/2019, Sở Thông tin và Truyền thông tổ chức Hội nghị Tổng kết công tác năm 2018.",
    "Thứ Bảy, 32/01/2019 23:25",          # no such day
    "Luật An ninh mạng số 24/2018/QH14",
    "T.H.", "", "Print",
])
def test_not_date_lines(line):
    assert date_line(line) is None


def test_impossible_date_is_still_the_displayed_line():
    d = date_line("Thứ Hai, 31/02/2019 25:61")
    assert d.raw == "Thứ Hai, 31/02/2019 25:61" and d.when is None


def test_place_dateline():
    d = place_date_line("Hải Phòng, ngày 24 tháng 01 năm 2020")
    assert d.raw == "Hải Phòng, ngày 24 tháng 01 năm 2020"
    assert iso_local(d.when) == "2020-01-24T00:00:00+07:00" and not d.has_time
    assert place_date_line("Hôm nay trời đẹp") is None


@pytest.mark.parametrize("value, iso", [
    ("2019-01-26T23:25:00+07:00", "2019-01-26T23:25:00+07:00"),
    ("2019-01-26T16:25:00+00:00", "2019-01-26T23:25:00+07:00"),
    ("2019-01-26T16:25:00Z", "2019-01-26T23:25:00+07:00"),
    ("2019-01-26T23:25:00", "2019-01-26T23:25:00+07:00"),      # naive: the portal's local time
    ("2019-01-26 23:25", "2019-01-26T23:25:00+07:00"),
    ("2019-01-26T23:25:00.000+0700", "2019-01-26T23:25:00+07:00"),
])
def test_machine_dates_in_portal_time(value, iso):
    assert iso_local(parse_iso(value)) == iso


@pytest.mark.parametrize("value", [None, "", "26/01/2019", "2019-13-01T00:00:00", "yesterday"])
def test_bad_machine_dates(value):
    assert parse_iso(value) is None


def test_bulk_import_day_is_local():
    assert is_bulk_import(parse_iso("2019-01-26T23:25:00+07:00")) == 1
    assert is_bulk_import(parse_iso("2019-01-26T19:00:00+00:00")) == 0     # 27/01 in Hai Phong
    assert is_bulk_import(parse_iso("2019-01-27T07:00:00+07:00")) == 0
    assert is_bulk_import(None) == 0


def test_event_dates_all_forms():
    text = ("Sáng 11/01/2019, hội nghị; từ tháng 8/2018 đến tháng 10 năm 2018; "
            "Hải Phòng, ngày 24 tháng 01 năm 2020; số 24/2018/QH14; ngày 5-6-2017.")
    assert [d for _, d in event_dates(text, date(2100, 1, 1))] == [
        "2019-01-11", "2018-08", "2018-10", "2020-01-24", "2017-06-05"]


PUB = parse_iso("2019-01-26T23:25:00+07:00")


@pytest.mark.parametrize("text, want", [
    ("sáng 11/01/2019, Sở tổ chức hội nghị", "2019-01-11"),
    ("Trong tháng 8/2018, thành phố triển khai", "2018-08"),
    ("Trong tháng 8 năm 2018, thành phố triển khai", "2018-08"),
    ("tháng 1 năm 2019, Sở Y tế giám sát", "2019-01"),           # the month began before the 26th
    ("Sáng 20/12/2018 khởi công; đến ngày 29/12/2018 hoàn thành", "2018-12-20"),
    ("Đến ngày 29/12/2018 hoàn thành; khởi công tháng 8/2018", "2018-12-29"),   # the first named
    ("Kế hoạch đến ngày 30/06/2019 hoàn thành", None),            # after the published date
    ("Ngày 26/01/2019 tổng kết", "2019-01-26"),                   # the displayed day itself counts
    ("Không có ngày tháng nào", None),
])
def test_event_date(text, want):
    assert event_date(text, PUB) == want


@pytest.mark.parametrize("text, want", [
    ("Đến ngày 29/12/2018 hoàn thành; khởi công tháng 8/2018", "2018-08"),   # earliest, not first
    ("Ngày 26/01/2019 tổng kết", None),                           # same day is not before the import
])
def test_bulk_import_fallback_takes_the_earliest_date_before(text, want):
    assert event_date(text, PUB, first=False) == want


def test_event_date_needs_a_published_date():
    assert event_date("sáng 11/01/2019", None) is None
