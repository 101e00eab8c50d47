"""``-s NAME=VALUE`` checked against the declarations of ``crawler.settings``.

``validate_overrides({"DOWNLOAD_DELAY": "abc"})`` raises ``SettingError``
(exit code 2, a usage error) naming the setting and what to give instead;
otherwise it returns the values converted to their declared types, which is
what Scrapy is then given (so ``-s PORTAL_FULL=yes`` means ``True``, not a
string Scrapy's ``getbool`` would choke on mid-crawl).

- a declared setting (``crawler.settings.DECLARED``): its type and bounds;
- another Scrapy setting (``scrapy.settings.default_settings``): its default's
  type (a number stays a number, a switch a switch);
- any other name: unknown — with the nearest valid names suggested. A name
  of a third-party component is accepted only when the same command line adds
  components (``EXTENSIONS``, ``ADDONS``, ``*_MIDDLEWARES``, ``ITEM_PIPELINES``).
"""

from __future__ import annotations

import difflib
import json
import math
from typing import Any

from archive.errors import ArchiveError
from crawler.settings import BY_NAME, Setting

COMPONENT_SETTINGS = ("EXTENSIONS", "ADDONS", "DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES",
                      "ITEM_PIPELINES")
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


class SettingError(ArchiveError):
    exit_code = 2  # a usage error


def _scrapy_defaults() -> dict[str, Any]:
    from scrapy.settings import default_settings

    return {n: getattr(default_settings, n) for n in dir(default_settings) if n.isupper()}


def known_names() -> set[str]:
    return set(BY_NAME) | set(_scrapy_defaults())


def _suggest(name: str) -> str:
    close = difflib.get_close_matches(name.upper(), sorted(known_names()), n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(close) + "?"
    return "see the settings in crawler/settings.py"


def _convert(name: str, raw: Any, kind: type, spec: Setting | None) -> Any:
    if not isinstance(raw, str):
        value = raw
    elif kind is bool:
        low = raw.strip().lower()
        if low not in _TRUE + _FALSE:
            raise SettingError(f"-s {name}={raw}: not a switch — give True or False")
        value = low in _TRUE
    elif kind in (int, float):
        try:
            value = int(raw) if kind is int else float(raw)
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise SettingError(f"-s {name}={raw}: not {what} — give e.g. "
                               f"-s {name}={spec.default if spec else 1}") from None
        if isinstance(value, float) and not math.isfinite(value):
            raise SettingError(f"-s {name}={raw}: not a finite number — give e.g. -s {name}=1")
    elif kind is dict:
        try:
            value = json.loads(raw)
        except ValueError:
            value = None
        if not isinstance(value, dict):
            raise SettingError(f"-s {name}={raw}: not a JSON object — give e.g. "
                               f"-s '{name}={{\"key\": 1}}'")
    elif kind is list:
        value = raw  # Scrapy's getlist splits "a,b,c"; a JSON list is taken as such
        if raw.strip().startswith("["):
            try:
                value = json.loads(raw)
            except ValueError:
                raise SettingError(f"-s {name}={raw}: not a JSON list — give a,b,c or [\"a\", \"b\"]") \
                    from None
    else:
        value = raw
    if spec is not None and kind in (int, float) and not isinstance(value, bool):
        if spec.min is not None and value < spec.min:
            raise SettingError(f"-s {name}={raw}: below the least allowed value {spec.min:g} — "
                               f"give a value ≥ {spec.min:g} (default {spec.default})")
        if spec.max is not None and value > spec.max:
            raise SettingError(f"-s {name}={raw}: above the greatest allowed value {spec.max:g} — "
                               f"give a value ≤ {spec.max:g} (default {spec.default})")
    return value


def validate_overrides(overrides: dict[str, Any]) -> dict[str, Any]:
    """The overrides converted to their types; ``SettingError`` on the first bad one."""
    defaults = None
    third_party = any(n in overrides for n in COMPONENT_SETTINGS)
    out: dict[str, Any] = {}
    for name, raw in overrides.items():
        spec = BY_NAME.get(name)
        if spec is not None:
            kind = spec.type
        else:
            if defaults is None:
                defaults = _scrapy_defaults()
            if name in defaults:
                default = defaults[name]
                kind = type(default) if isinstance(default, (bool, int, float, dict, list)) else str
                if kind is int and isinstance(raw, str) and "." in raw:
                    kind = float  # Scrapy's integer defaults of delays and timeouts take fractions
            elif name.startswith("PORTAL_") or not third_party:
                raise SettingError(f"unknown setting {name} — {_suggest(name)}")
            else:
                kind = str
        if spec is not None and spec.nullable and isinstance(raw, str) and raw.strip() in ("", "None"):
            out[name] = None
            continue
        out[name] = _convert(name, raw, kind, spec)
    return out
