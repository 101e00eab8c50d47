"""Date arguments (``--since``/``--until``): only real dates, ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""

from __future__ import annotations

import re
from datetime import date

from archive.errors import ArchiveError


class BadDate(ArchiveError):
    exit_code = 2  # a usage error


_SHAPE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_date_arg(value: str | None, name: str = "since") -> str | None:
    """``value`` stripped, when it is a real year, month or day; else ``BadDate``.

    ``2024-13-45``, ``2024-02-30``, ``2024-2-3`` and ``yesterday`` are refused.
    """
    if value is None:
        return None
    v = str(value).strip()
    m = _SHAPE.fullmatch(v)
    ok = bool(m)
    if m:
        year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
        try:
            ok = year >= 1 and bool(date(year, month, day))
        except ValueError:
            ok = False
    if not ok:
        raise BadDate(f"--{name} {value!r} is not a real date — use YYYY, YYYY-MM or YYYY-MM-DD "
                      "(e.g. 2024, 2024-02 or 2024-02-29)")
    return v
