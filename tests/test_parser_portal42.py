"""The 42 portal-shaped pages (tests/portal42.py): every byline, source, event date right,
and no byline, source, teaser or sidebar line in body_text."""

from __future__ import annotations

import re

import portal42

from archive.parser import parse_article


def test_the_fixture_reproduces_the_counted_forms():
    authors = [a for _, a, _ in portal42.BYLINES if a]
    assert len(authors) == 21
    title_case = [a for a in authors if re.fullmatch(r"(?:[A-ZĐÂĂÊÔƠƯ]\w+ ?){2,3}", a)]
    assert len([a for a in authors if len(a.split()) == 4]) == 1
    assert len(title_case) >= 11
    leads = [lead for lead, e in portal42.LEADS if e]
    assert len(leads) == 22
    assert sum(bool(re.match(r"(Sáng|Chiều) \d+/\d+,", x)) for x in leads) == 8
    assert sum(bool(re.match(r"Sáng \d+-\d+,", x)) for x in leads) == 3
    assert sum("/19" in x and "-" in x for x, _ in portal42.LEADS) == 4     # anniversary spans
    assert any("hằng năm" in x for x, _ in portal42.LEADS)


def test_every_field_right_and_nothing_leaks():
    assert portal42.score(parse_article) == {"pages": 42, "author": 42, "source": 42, "event_date": 42,
                                             "no_leak": 42}
