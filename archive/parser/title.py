"""Choosing the title: theme heading, JSON-LD headline, og:title, <title>, QR caption.

The portal's slug is the title slugified, never shortened, so a candidate whose
slug equals the URL's slug wins; ``<title>``-style candidates are tried with the
site-name suffix cut at each separator (`` – ``, `` - ``, `` | ``, `` » ``).
"""

from __future__ import annotations

import re

from ..text import normalize, slugify

KNOWN_SITE_NAMES = ["Cổng tin tức Thành phố Hải Phòng"]
_SEPS = (" – ", " — ", " | ", " - ", " » ", " :: ")
_SEP_RE = re.compile(r" (?:–|—|\||-|»|::) ")


def variants(title: str) -> list[str]:
    """The title with 0, 1, 2… trailing separator-segments cut (longest first)."""
    out = [title]
    cuts = [m.start() for m in _SEP_RE.finditer(title)]
    for pos in reversed(cuts):
        head = title[:pos].strip()
        if head:
            out.append(head)
    # a site name in front: "Site | Title"
    for m in _SEP_RE.finditer(title):
        tail = title[m.end():].strip()
        if tail:
            out.append(tail)
    return out


def strip_site_name(title: str, site_names: list[str]) -> str:
    """``Title – Site`` → ``Title`` (known site name first, else the last segment)."""
    for name in site_names + KNOWN_SITE_NAMES:
        if not name:
            continue
        for sep in _SEPS:
            if title.endswith(sep + name) and len(title) > len(sep + name):
                return title[: -len(sep + name)].strip()
            if title.startswith(name + sep) and len(title) > len(name + sep):
                return title[len(name + sep):].strip()
    for sep in (" – ", " — ", " | ", " » ", " - "):
        if sep in title:
            head = title.rsplit(sep, 1)[0].strip()
            if head:
                return head
    return title


def choose_title(cands: list[tuple[str | None, str, bool]], slug: str | None,
                 site_names: list[str]) -> tuple[str | None, str | None]:
    """(title, layer). ``cands``: (text, layer, may_have_suffix) in priority order."""
    cands = [(normalize(t), layer, suf) for t, layer, suf in cands if t and normalize(t)]
    if not cands:
        return None, None
    if slug:
        want = slug.lower()
        for text, layer, suf in cands:
            for v in (variants(text) if suf else [text]):
                if slugify(v) == want:
                    return v, layer
    text, layer, suf = cands[0]
    return (strip_site_name(text, site_names) if suf else text), layer
