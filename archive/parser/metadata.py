"""Structured metadata: Open Graph / ``article:*`` meta tags and JSON-LD (Yoast ``@graph``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from archive.text import normalize

ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "reportagenewsarticle",
                 "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle",
                 "scholarlyarticle", "techarticle", "report"}


@dataclass
class Meta:
    og: dict[str, str] = field(default_factory=dict)       # first value of each og:/article: key
    og_tags: list[str] = field(default_factory=list)       # article:tag values
    ld_article: dict | None = None                         # the JSON-LD Article node
    ld_webpage: dict | None = None
    site_names: list[str] = field(default_factory=list)

    @property
    def og_type(self) -> str | None:
        return (self.og.get("og:type") or "").strip().lower() or None

    def is_article(self) -> bool:
        return self.og_type == "article" or self.ld_article is not None

    @property
    def headline(self) -> str | None:
        v = (self.ld_article or {}).get("headline")
        return normalize(v) if isinstance(v, str) and v.strip() else None

    ld_ids: dict[str, dict] = field(default_factory=dict)  # "@id" → node, to resolve references
    meta_author: str | None = None                          # <meta name="author"> (Yoast, themes)

    def _ld_date(self, key: str) -> str | None:
        for node in (self.ld_article, self.ld_webpage):
            v = (node or {}).get(key)
            if isinstance(v, list) and v:
                v = v[0]
            if isinstance(v, str) and v.strip():
                return v.strip()
        return None

    @property
    def date_published(self) -> str | None:
        return self._ld_date("datePublished")

    @property
    def date_modified(self) -> str | None:
        return self._ld_date("dateModified")

    @property
    def ld_author(self) -> str | None:
        """The JSON-LD article's author: an object, a list (names joined), an ``@id``
        reference into the graph (Yoast), or a bare string; people and organisations."""
        node = self.ld_article
        if node is None:
            return None
        names = []
        value = node.get("author")
        for item in value if isinstance(value, list) else [value]:
            name = self._name_of(item)
            if name and name not in names:
                names.append(name)
        return ", ".join(names) or None

    def _name_of(self, item) -> str | None:
        if isinstance(item, str):
            return normalize(item) or None if not item.startswith(("http://", "https://")) else None
        if not isinstance(item, dict):
            return None
        if isinstance(item.get("@id"), str) and (
                not isinstance(item.get("name"), str) or "@type" not in item):
            item = self.ld_ids.get(item["@id"], item)
        if _types(item) & {"organization", "newsmediaorganization", "governmentorganization", "corporation"}:
            return None         # the publisher named as author: no WordPress account
        name = item.get("name")
        if isinstance(name, list) and name:
            name = name[0]
        return normalize(name) or None if isinstance(name, str) else None


def _types(node: dict) -> set[str]:
    t = node.get("@type")
    if isinstance(t, str):
        return {t.lower()}
    if isinstance(t, list):
        return {x.lower() for x in t if isinstance(x, str)}
    return set()


def _nodes(data):
    """Every dict in a JSON-LD document (top level, lists, @graph)."""
    stack = [data]
    while stack:
        cur = stack.pop()
        if isinstance(cur, list):
            stack.extend(reversed(cur))
        elif isinstance(cur, dict):
            yield cur
            g = cur.get("@graph")
            if isinstance(g, list):
                stack.extend(reversed(g))


def read_metadata(root) -> Meta:
    meta = Meta()
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or "").strip().lower()
        content = el.get("content")
        if not key or content is None:
            continue
        if key == "article:tag":
            meta.og_tags.append(normalize(content))
        elif key.startswith(("og:", "article:", "twitter:")) and key not in meta.og:
            meta.og[key] = content
        elif key == "author" and content.strip() and meta.meta_author is None:
            meta.meta_author = normalize(content)
        elif key in ("application-name", "apple-mobile-web-app-title") and content.strip():
            meta.site_names.append(normalize(content))
    if meta.og.get("og:site_name", "").strip():
        meta.site_names.insert(0, normalize(meta.og["og:site_name"]))
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        for node in _nodes(data):
            if isinstance(node.get("@id"), str):
                meta.ld_ids.setdefault(node["@id"], node)
            types = _types(node)
            if types & ARTICLE_TYPES and meta.ld_article is None:
                meta.ld_article = node
            elif "webpage" in types and meta.ld_webpage is None:
                meta.ld_webpage = node
            elif "website" in types and isinstance(node.get("name"), str):
                meta.site_names.append(normalize(node["name"]))
    return meta
