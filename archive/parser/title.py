"""Choosing the title: theme heading, JSON-LD headline, og:title, <title>, QR caption.

The portal's slug is the title slugified, never shortened, so a candidate whose
slug equals the URL's slug wins; ``<title>``-style candidates are tried with the
site-name suffix cut at each separator (`` – ``, `` - ``, `` | ``, `` » ``).
"""

from __future__ import annotations

import re

from archive.parser import vocabulary as V
from archive.text import normalize, slugify

KNOWN_SITE_NAMES = list(V.KNOWN_SITE_NAMES)
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
                 site_names) -> tuple[str | None, str | None]:
    """(title, layer). ``cands``: (text, layer, may_have_suffix) in priority order;
    ``site_names``: a list, or a function giving it (only called when a suffix is cut)."""
    want = slug.lower() if slug else None
    first = None
    for t, layer, suf in cands:
        text = normalize(t) if t else ""
        if not text:
            continue
        if first is None:
            first = (text, layer, suf)
        if want is None:
            break
        for v in (variants(text) if suf else [text]):
            if slugify(v) == want:
                return v, layer
    if first is None:
        return None, None
    text, layer, suf = first
    if not suf:
        return text, layer
    return strip_site_name(text, site_names() if callable(site_names) else site_names), layer
