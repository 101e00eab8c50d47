"""Site profile: what an archivist tells the parser about one portal's theme, as data.

When the drift alarm fires (crawl exit code 4), the portal has usually moved to a
theme whose markup the parser does not know: a source printed in the theme's own
box, categories without ``rel="category tag"``, the body in an unknown container.
The archivist writes ``<archive>/parser-profile.toml`` — CSS selectors of where
this theme prints each field — and ``portal-archive reindex`` repairs the rows
from the WARC files; later crawls read the same file. No Python is edited.

    # parser-profile.toml
    [selectors]
    source = [".td-post-source-via a"]
    categories = ["ul.td-category a"]
    tags = ["ul.td-tags a"]

Every field takes a list of selectors (or one string), tried in order; the first
that matches on a page gives the value. What a selector gives wins over what the
parser found by itself (the archivist's word about this site), and a selector
that matches nothing leaves the parser's own reading: posts without a source
keep none. Elements a selector matched are never body text. The profile is
data handed to the pure parser (``parse_article(html, url, profile=...)``);
crawl, reindex, import and ``verify --deep`` load the same file
(``load_archive_profile``), so they give the same rows. ``Article.sources``
records ``"profile"`` for each field a selector gave.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from archive.errors import ArchiveError
from archive.layout import PARSER_PROFILE as PROFILE_FILE

# field → what its selectors point at
FIELDS = {
    "body": "the element holding the article's text (instead of .entry-content and friends)",
    "title": "the post's title heading",
    "lead": "the lead (sapo) element, when the theme prints it apart from the text",
    "author": "the credited byline (labels such as 'Tác giả:' and 'Bài, ảnh:' are removed)",
    "source": "the source / outlet the article credits (a 'Nguồn:' label is removed)",
    "account": "the WordPress account's display name (wp_author)",
    "published": "the displayed publication date (published_raw)",
    "categories": "category links (each <a>, or the links inside the matched element)",
    "tags": "tag links (each <a>, or the links inside the matched element)",
    "exclude": "elements that are never article text (a theme's boxes inside the content); every selector",
}


class ProfileError(ArchiveError):
    """A parser profile that cannot be used; nothing was parsed with it."""


@dataclass(frozen=True)
class ParserProfile:
    """CSS selectors per field (tuples, so the profile is hashable and picklable for
    worker processes); ``origin``: the file it came from; ``sha256``: of its bytes."""
    body: tuple[str, ...] = ()
    title: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    account: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    origin: str = ""
    sha256: str = ""

    def selectors(self, name: str) -> tuple[str, ...]:
        return getattr(self, name)

    def describe(self) -> str:
        used = [f.name for f in fields(self) if f.name in FIELDS and getattr(self, f.name)]
        return f"{self.origin or 'parser profile'} ({', '.join(used) or 'no selectors'})"


@lru_cache(maxsize=256)
def compiled(selector: str):
    """The lxml XPath of one CSS selector; ``ProfileError`` when it is not valid CSS."""
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector

    try:
        return CSSSelector(selector)
    except (SelectorError, ValueError) as exc:
        raise ProfileError(f"{selector!r} is not a CSS selector ({exc})") from None


def profile_from_toml(text: str, origin: str = "") -> ParserProfile:
    """Parse and check a profile's TOML text; ``ProfileError`` names what is wrong."""
    where = origin or "parser profile"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{where} is not valid TOML ({exc}) — fix the file (docs/parser.md)") from None
    unknown = sorted(set(data) - {"selectors"})
    if unknown:
        raise ProfileError(f"{where}: unknown table or key {', '.join(unknown)} — a profile holds only "
                           "[selectors] (docs/parser.md)")
    table = data.get("selectors", {})
    if not isinstance(table, dict):
        raise ProfileError(f"{where}: selectors must be a table — write [selectors] (docs/parser.md)")
    values: dict[str, tuple[str, ...]] = {}
    for name, value in table.items():
        if name not in FIELDS:
            raise ProfileError(f"{where}: unknown field {name!r} — the fields are {', '.join(FIELDS)}")
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(s, str) and s.strip() for s in items):
            raise ProfileError(f"{where}: {name} must be a CSS selector or a list of them")
        for s in items:
            try:
                compiled(s.strip())
            except ProfileError as exc:
                raise ProfileError(f"{where}: {name}: {exc} — fix the selector (docs/parser.md)") from None
        values[name] = tuple(s.strip() for s in items)
    return ParserProfile(**values, origin=origin,
                         sha256=hashlib.sha256(text.encode("utf-8")).hexdigest())


def load_profile(path: str | Path) -> ParserProfile:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read parser profile {p} ({exc}) — fix or remove the file") from None
    return profile_from_toml(text, str(p))


def load_archive_profile(root: str | Path) -> ParserProfile | None:
    """The archive's ``parser-profile.toml``, or None when it has none."""
    p = Path(root) / PROFILE_FILE
    return load_profile(p) if p.is_file() else None


# ---- applying a profile to one page (called by archive.parser.core) ----------------

def select(root, profile: ParserProfile | None, name: str) -> list:
    """The elements the first matching selector of field ``name`` finds (page order);
    for ``exclude``, what every selector finds."""
    if profile is None:
        return []
    out: list = []
    for s in profile.selectors(name):
        found = compiled(s)(root)
        if found and name != "exclude":
            return found
        out.extend(found)
    return out


def _label():
    from archive.parser import vocabulary as V
    words = V.alternation(V.SOURCE_KEYWORDS + (V.SOURCE_THEO,))
    return re.compile(rf"^\s*\(?\s*(?:{words})\s*[.:]?\s+", re.IGNORECASE)


_LABEL = _label()


def clean_source(text: str) -> str | None:
    """A source element's text without its label: ``Nguồn: Báo Hải Phòng`` → ``Báo Hải Phòng``."""
    from archive.parser.textpatterns import source_line
    from archive.text import normalize

    s = normalize(text)
    if not s:
        return None
    return source_line(s) or _LABEL.sub("", s).strip().rstrip(")").strip() or None
