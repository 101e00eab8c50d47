"""What WordPress core emits on a single post whatever the theme.

canonical / shortlink / REST alternate links, body and post classes,
``rel="category tag"`` and ``rel="tag"`` links, ``<time datetime>``, ``<title>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from archive.parser.dom import absolute, classes, find_body, rel_tokens, text_of, within
from archive.parser.model import Term
from archive.text import normalize

_SHORTLINK_ID = re.compile(r"[?&]p=(\d+)")
_REST = re.compile(r"/wp/v2/(posts|pages|media)/(\d+)")
_POSTID = re.compile(r"^postid-(\d+)$")
_POST_N = re.compile(r"^post-(\d+)$")

# body classes of pages that are not one post
NOT_SINGLE = {
    "home", "blog", "archive", "category", "tag", "tax", "search", "search-results",
    "search-no-results", "error404", "attachment", "single-attachment", "page",
    "page-template-default", "author", "date", "paged", "post-type-archive",
}


@dataclass
class Core:
    canonical: str | None = None
    shortlink_id: int | None = None
    rest_id: int | None = None
    rest_kind: str | None = None
    rest_href: str | None = None
    body_classes: set[str] = field(default_factory=set)
    body_postid: int | None = None
    article: object | None = None          # the single post's <article> element
    article_id: int | None = None
    post_articles: int = 0                 # how many elements carry class type-post
    generator: str | None = None
    base_href: str | None = None
    title_tag: str | None = None
    time_published: str | None = None
    time_published_text: str | None = None
    time_modified: str | None = None
    categories: list[Term] = field(default_factory=list)
    tags: list[Term] = field(default_factory=list)

    @property
    def post_id(self) -> int | None:
        for v in (self.shortlink_id, self.rest_id if self.rest_kind == "posts" else None,
                  self.body_postid, self.article_id):
            if v is not None:
                return v
        return None

    def single_post_signals(self) -> list[str]:
        """Names of the core signals that say 'this is one post'."""
        found = []
        if "single-post" in self.body_classes or self.body_postid is not None:
            found.append("body-class")
        if self.article is not None:
            found.append("post-class")
        if self.shortlink_id is not None:
            found.append("shortlink")
        if self.rest_kind == "posts":
            found.append("rest")
        return found

    def not_single(self) -> bool:
        """True when core says the page is a listing, page, attachment or 404."""
        if self.body_classes & NOT_SINGLE and "single-post" not in self.body_classes:
            return True
        if self.rest_kind in ("pages", "media"):
            return True
        # several posts' <article>s: a listing — unless the page names its own post id
        # (related-post boxes in some themes use the same classes)
        return (self.post_articles > 1 and "single-post" not in self.body_classes
                and self.known_id() is None)

    def known_id(self) -> int | None:
        """The post id the page names outside any <article> (shortlink, REST link, body class)."""
        for v in (self.shortlink_id, self.rest_id if self.rest_kind == "posts" else None,
                  self.body_postid):
            if v is not None:
                return v
        return None


# what WordPress core marks a post behind its password form with: post_class() and
# body_class() add post-password-required, get_the_password_form() prints the form
PASSWORD_CLASSES = ("post-password-required", "post-password-form")


def is_password_protected(core: Core, idx) -> bool:
    """True for a post whose content WordPress hides behind the password form."""
    if "post-password-required" in core.body_classes:
        return True
    return any(c in idx.by_class for c in PASSWORD_CLASSES)


def _int(m) -> int | None:
    try:
        return int(m.group(1)) if m else None
    except (ValueError, IndexError):
        return None


def _head(root, core: Core, base: str) -> None:
    for el in root.iter("link", "meta", "base", "title"):
        tag = el.tag
        if tag == "link":
            rels, href = rel_tokens(el), el.get("href")
            if not href:
                continue
            if "canonical" in rels and core.canonical is None:
                core.canonical = absolute(base, href)
            elif "shortlink" in rels and core.shortlink_id is None:
                core.shortlink_id = _int(_SHORTLINK_ID.search(href))
            elif "alternate" in rels and core.rest_id is None:
                m = _REST.search(unquote(href))
                if m:
                    core.rest_kind, core.rest_id = m.group(1), int(m.group(2))
                    core.rest_href = href
        elif tag == "meta":
            if core.generator is None and (el.get("name") or "").lower() == "generator":
                core.generator = el.get("content")
        elif tag == "base":
            if core.base_href is None and el.get("href"):
                core.base_href = el.get("href")
        elif tag == "title" and core.title_tag is None:
            if el.getparent() is not None and el.getparent().tag in ("head", "html"):
                core.title_tag = text_of(el) or None


def _terms(idx, scope, base: str, core: Core) -> None:
    """Category and tag links, in page order, de-duplicated by slug."""
    if scope is None:
        nodes = idx.rel_links
    else:   # the same proxies: lxml keeps one per node while it is referenced
        inside = set(map(id, scope.iter("a")))
        nodes = [a for a in idx.rel_links if id(a) in inside]
    seen_c, seen_t = set(), set()
    for a in nodes:
        rels = rel_tokens(a)
        if "tag" not in rels and "category" not in rels:
            continue
        url = absolute(base, a.get("href"))
        name = text_of(a)
        if not url or not name:
            continue
        # block themes write rel="tag" on category links too: the URL or the
        # wp-block-post-terms wrapper tells them apart
        parent = a.getparent()
        is_cat = "category" in rels or "/category/" in url or (
            parent is not None and "taxonomy-category" in (parent.get("class") or ""))
        slug = _term_slug(url)
        if not slug:
            continue
        bucket, seen = (core.categories, seen_c) if is_cat else (core.tags, seen_t)
        if slug not in seen:
            seen.add(slug)
            bucket.append(Term(slug=slug, name=name, url=url))


def term_of(a, base: str) -> Term | None:
    """A term link as a ``Term`` (slug from the URL's last segment, name from its text)."""
    url = absolute(base, a.get("href"))
    name = text_of(a)
    slug = _term_slug(url) if url and name else None
    return Term(slug=slug, name=name, url=url) if slug else None


@lru_cache(maxsize=4096)
def _term_slug(url: str) -> str | None:
    try:
        parts = [p for p in urlsplit(url).path.split("/") if p]
    except ValueError:
        return None
    if parts and parts[-1].isdigit() and len(parts) >= 2 and parts[-2] == "page":
        parts = parts[:-2]
    if not parts:
        return None
    return normalize(unquote(parts[-1])).lower() or None


def read_core(root, idx, url: str) -> Core:
    core = Core()
    _head(root, core, url)
    page_url = url if url.startswith(("http://", "https://")) else (core.canonical or url)
    base = absolute(page_url, core.base_href) or page_url
    body = find_body(root)
    if body is not None:
        core.body_classes = classes(body)
        for c in core.body_classes:
            m = _POSTID.match(c)
            if m:
                core.body_postid = int(m.group(1))
                break
    posts = [el for el in idx.by_class.get("type-post", ()) if el.tag != "body"]
    core.post_articles = len(posts)
    known = core.known_id()
    for art in posts:
        art_id = _article_id(art)
        # the single post's element: the only one, or the one carrying the page's post id
        if (len(posts) == 1 and (known is None or art_id in (None, known))) or (
                known is not None and art_id == known):
            core.article, core.article_id = art, art_id
            break
    scope = core.article
    _terms(idx, scope, base, core)
    if scope is not None and not core.categories and not core.tags:
        _terms(idx, None, base, core)
    _time(idx, core)
    return core


def _article_id(art) -> int | None:
    m = _POST_N.match(art.get("id") or "")
    if m:
        return int(m.group(1))
    for c in classes(art):
        m = _POST_N.match(c)
        if m:
            return int(m.group(1))
    return None


def _time(idx, core: Core) -> None:
    times = idx.times
    if not times:
        return
    chosen = None
    scope = core.article
    for t in times:     # the modified time: class "updated" alone, or the block theme's modified date
        cls = classes(t)
        parent = t.getparent()
        if _modified_class(cls) or t.get("itemprop") == "dateModified" or (
                parent is not None and "wp-block-post-date__modified-date" in classes(parent)):
            core.time_modified = t.get("datetime")
            break
    for t in times:
        cls = classes(t)
        parent = t.getparent()
        if parent is not None and "wp-block-post-date__modified-date" in classes(parent):
            continue
        if "published" in cls or "entry-date" in cls or t.get("itemprop") == "datePublished":
            if _modified_class(cls):
                continue
            chosen = t
            break
    if chosen is None and scope is not None:
        inside = [t for t in times if within(t, scope) and t.get("datetime") != core.time_modified]
        chosen = inside[0] if inside else None
    if chosen is None and len(times) == 1:
        chosen = times[0]
    if chosen is not None:
        core.time_published = chosen.get("datetime")
        core.time_published_text = text_of(chosen) or None


def _modified_class(cls) -> bool:
    """hAtom's ``updated`` without ``published``: the modified time — unless it is also the
    ``entry-date`` (tagDiv's Newspaper prints the publication date as
    ``<time class="entry-date updated td-module-date">``, its only date)."""
    return "updated" in cls and "published" not in cls and "entry-date" not in cls
