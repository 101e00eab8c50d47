"""parse_article: HTML bytes + URL → Article | None.

Layers, strongest first: WordPress core signals (``wp-core``), structured
metadata (``metadata``), theme markup (``theme``), text patterns (``text``).
``Article.sources`` records the layer that gave each field.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from archive.parser import body as B
from archive.parser.blocks import extract_blocks
from archive.parser.clean import body_html
from archive.parser.dates import event_date, is_bulk_import, iso_local, iso_utc, parse_iso
from archive.parser.decode import decode_bytes
from archive.parser.documents import find_documents
from archive.parser.dom import (
    Index,
    absolute,
    build_tree,
    classes,
    find_body,
    is_amp,
    is_feed,
    slug_of,
    text_of,
    within,
)
from archive.parser.metadata import read_metadata
from archive.parser.model import Article, Link
from archive.parser.multipage import find_pages
from archive.parser.profile import FIELDS as PROFILE_FIELDS
from archive.parser.profile import ParserProfile, clean_source, select
from archive.parser.textpatterns import (
    DateLine,
    account_name,
    byline,
    date_line,
    is_desk_account,
    place_date_line,
)
from archive.parser.theme import (
    WANTED_CLASSES,
    WANTED_IDS,
    find_account,
    find_container,
    find_lead,
    find_original,
    find_region,
    find_related,
    find_title,
)
from archive.parser.title import choose_title
from archive.parser.wpcore import NOT_SINGLE, is_password_protected, read_core, term_of
from archive.text import normalize


@dataclass(frozen=True)
class PageReading:
    """What a page is, for the capture→rows code: the article, or why there is none."""
    article: Article | None
    password_protected: bool = False    # a post behind WordPress's password form: not an article


_NOTHING = PageReading(None)
_PROTECTED = PageReading(None, True)


def parse_article(html: bytes, url: str, *, encoding: str | None = None,
                  profile: ParserProfile | None = None) -> Article | None:
    """The article on a single-post page, or None for any other page. Never raises on bad input.
    ``profile``: the site's selectors (``archive.parser.profile``), data like the vocabulary."""
    return read_page(html, url, encoding=encoding, profile=profile).article


def read_page(html: bytes, url: str, *, encoding: str | None = None,
              profile: ParserProfile | None = None) -> PageReading:
    """``parse_article`` telling a password-protected post apart from other non-articles."""
    if not html:
        return _NOTHING
    if isinstance(html, str):
        text, data = html, None
    else:
        data = bytes(html)
        text, as_utf8 = decode_bytes(data, encoding)
        if not as_utf8:
            data = None     # the tree is built from the text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)   # NFD pages: compose once, up front
        data = None
    if is_amp(text) or is_feed(text):
        return _NOTHING
    root = build_tree(text, data)
    if root is None:
        return _NOTHING
    try:
        return _parse(root, url or "", profile)
    except RecursionError:  # absurdly deep markup
        return _NOTHING


def _parse(root, url: str, profile: ParserProfile | None = None) -> PageReading:
    body = find_body(root)
    if body is not None:        # listings, pages, 404: known before any real work
        bc = classes(body)
        if bc & NOT_SINGLE and "single-post" not in bc:
            return _NOTHING
    idx = Index(root, WANTED_CLASSES, WANTED_IDS)
    core = read_core(root, idx, url)
    if core.not_single():
        return _NOTHING
    if is_password_protected(core, idx):
        return _PROTECTED
    art = _article(root, idx, core, url, profile)
    return PageReading(art) if art is not None else _NOTHING


def _article(root, idx, core, url: str, profile: ParserProfile | None = None) -> Article | None:
    meta = read_metadata(root)
    # the site profile's elements, field by field (empty without a profile)
    picked = {name: select(root, profile, name) for name in PROFILE_FIELDS} if profile else {}
    own = [el for name, els in picked.items() if name != "body" for el in els]
    # relative URLs: against <base href>, else the fetched URL, else the canonical one
    page_url = url if url.startswith(("http://", "https://")) else (core.canonical or url)
    base = absolute(page_url, core.base_href) or page_url
    signals = core.single_post_signals()
    if meta.is_article():
        signals.append("metadata")
    region = find_region(root, idx, core.article)
    container = picked["body"][0] if picked.get("body") else find_container(idx, region)
    related, boxes = find_related(idx, base)
    if container is not None:
        blocks = extract_blocks(container, base, boxes + own)
    else:   # without a body element, the post's <header> (title, meta line) is not text
        blocks = extract_blocks(region, base, boxes + own + list(region.iter("header")))
    blocks, dline = B.cut_head(blocks, container is None)
    if dline is None:
        dline = B.header_date(idx, region, container)
    if not signals:     # no WordPress / metadata signal: text patterns must show one post
        if dline is None or not any(b.kind == "p" and len(b.text) >= 80 for b in blocks) \
                or B.count_date_lines(idx) > 2:
            return None
    art = Article(url=url)
    src = art.sources

    # identity
    art.wp_post_id = core.post_id
    if art.wp_post_id is not None:
        src["wp_post_id"] = "wp-core"
    if core.canonical:
        art.url, src["url"] = core.canonical, "wp-core"
    elif meta.og.get("og:url", "").strip():
        art.url, src["url"] = absolute(url, meta.og["og:url"]) or url, "metadata"
    art.slug = slug_of(art.url)

    # title
    qr = B.qr_title(idx)
    art.title, layer = choose_title([
        (_first_text(picked.get("title")), "profile", False),
        (find_title(idx, region), "theme", False),
        (meta.headline, "metadata", False),
        (meta.og.get("og:title"), "metadata", True),
        (core.title_tag, "wp-core", True),
        (qr, "text", False),
    ], art.slug, lambda: meta.site_names + [text_of(e) for e in idx.cls("site-title")[:1]])
    if layer:
        src["title"] = layer
    if art.title:
        while blocks and blocks[0].kind in ("h", "p") and blocks[0].text == art.title:
            blocks.pop(0)

    # dates (a "Hải Phòng, ngày 24 tháng 01 năm 2020" dateline only as the last resort)
    shown_date = _first_text(picked.get("published"))
    if shown_date and date_line(shown_date) is not None:
        dline = date_line(shown_date)
    if dline is None:
        dline = next(filter(None, (place_date_line(b.text) for b in blocks[:3] + blocks[-3:])), None)
    _dates(art, core, meta, dline)

    # body: boilerplate cut, tail lines (source / author), lead
    blocks = B.cut_boilerplate(blocks)
    teasers = B.cut_tail(art, blocks)
    B.cut_head_byline(art, blocks)
    if picked:
        _profile_credits(art, picked)
    captions = B.images(art, blocks)
    lead_block = None
    art.page_urls, art.page = find_pages(idx, base, art.url if core.canonical else page_url)
    if picked.get("lead"):
        lead_el, lead_text = picked["lead"][0], text_of(picked["lead"][0]) or None
    else:
        lead_el, lead_text = find_lead(idx, region, container)
    if lead_el is not None and lead_text:
        art.lead, src["lead"] = lead_text, "profile" if picked.get("lead") else "theme"
        blocks = [b for b in blocks if not within(b.el, lead_el)]
    else:
        # pages 2… of a multi-page post open with an ordinary paragraph, not a lead
        i = B.lead_index(blocks, captions) if art.page == 1 else None
        if i is not None:
            lead_block = blocks[i]
            art.lead = lead_block.text
            src["lead"] = "theme" if container is not None else "text"
            blocks = blocks[:i] + blocks[i + 1:]
    texts = [b.text for b in blocks if b.text]
    art.body_text = "\n\n".join(texts)
    art.body_html = body_html(blocks, captions)
    if texts:
        src["body_text"] = src["body_html"] = "theme" if container is not None else "text"
    _event_date(art, dline, texts)
    _account(art, meta, idx, region, picked.get("account"))

    # terms and links
    art.categories, art.tags = core.categories, core.tags
    if art.categories:
        src["categories"] = "wp-core"
    if art.tags:
        src["tags"] = "wp-core"
    for name in ("categories", "tags"):
        terms = _profile_terms(picked.get(name), base)
        if terms:
            setattr(art, name, terms)
            src[name] = "profile"
    art.original_url = find_original(idx, base)
    if art.original_url:
        src["original_url"] = "theme"
    # (url, kind) pairs de-duplicated in order, then made Links (frozen dataclasses are slow to build)
    pairs: dict[tuple[str, str], None] = {}
    for b in ([lead_block] if lead_block is not None else []) + blocks:
        for u, _ in b.anchors:
            pairs[(u, "body")] = None
    for u in related + teasers:
        pairs[(u, "related")] = None
    if art.original_url:
        pairs[(art.original_url, "original")] = None
    art.links = [Link(u, kind) for u, kind in pairs]
    if art.page_urls:
        own = set(art.page_urls)
        art.links = [link for link in art.links if link.url not in own]
    if core.rest_kind == "posts" and core.rest_href:
        art.rest_url = absolute(base, core.rest_href)
    art.documents = find_documents(region, base)
    return art


def _event_date(art: Article, dline: DateLine | None, texts: list[str]) -> None:
    """The day of the event: named in the lead (else the body's first paragraph), the
    year inferred from the displayed date; bulk-import posts also look further."""
    shown = dline.when if dline is not None and dline.when is not None else parse_iso(art.published_at)
    if shown is None:
        return
    lead = art.lead or (texts[0] if texts else "")
    art.event_date = event_date(lead, shown)
    if art.event_date is None and art.date_is_bulk_import:
        # the import date says nothing: any date the text names before it is better
        art.event_date = event_date("\n".join(texts), shown, first=False)
    if art.event_date:
        art.sources["event_date"] = "text"


def _first_text(els) -> str | None:
    for el in els or ():
        t = text_of(el)
        if t:
            return t
    return None


def _profile_credits(art: Article, picked: dict) -> None:
    """The byline and source where the site profile says the theme prints them."""
    text = _first_text(picked.get("author"))
    if text:
        credit = byline(text, marked=True)
        name = credit.author if credit is not None else account_name(text)
        if name:
            art.author, art.sources["author"] = normalize(name), "profile"
    text = _first_text(picked.get("source"))
    if text:
        src = clean_source(text)
        if src:
            art.source, art.sources["source"] = src, "profile"


def _profile_terms(els, base: str) -> list:
    """Terms from the links a profile selector matched (the links themselves, or inside them)."""
    out, seen = [], set()
    for el in els or ():
        for a in ([el] if el.tag == "a" else list(el.iter("a"))):
            term = term_of(a, base)
            if term is not None and term.slug not in seen:
                seen.add(term.slug)
                out.append(term)
    return out


def _account(art: Article, meta, idx, region, picked=None) -> None:
    """``wp_author`` (the posting account) and the ``author`` fallback to it."""
    text = _first_text(picked)
    name = account_name(text) if text else None
    if name:
        art.wp_author, art.sources["wp_author"] = name, "profile"
        apply_account_fallback(art)
        return
    for value, layer in ((meta.ld_author, "metadata"), (meta.meta_author, "metadata"),
                         (lambda: find_account(idx, region), "theme")):
        name = value() if callable(value) else value
        if name:
            art.wp_author, art.sources["wp_author"] = name, layer
            break
    apply_account_fallback(art)


def apply_account_fallback(art: Article) -> None:
    """An article printing no byline is credited to its account, unless that is a desk."""
    if art.author is None and art.wp_author and not is_desk_account(art.wp_author):
        art.author = art.wp_author
        art.sources["author"] = art.sources.get("wp_author", "metadata")


def _dates(art: Article, core, meta, dline: DateLine | None) -> None:
    src = art.sources
    for value, layer in ((core.time_published, "wp-core"),
                         (meta.og.get("article:published_time"), "metadata"),
                         (meta.date_published, "metadata")):
        dt = parse_iso(value)
        if dt is not None:
            art.published_at, src["published_at"] = iso_local(dt), layer
            break
    if dline is None and core.time_published_text:
        dline = date_line(core.time_published_text)
    if dline is not None:
        art.published_raw, src["published_raw"] = dline.raw, "text"
        if art.published_at is None and dline.when is not None:
            art.published_at, src["published_at"] = iso_local(dline.when), "text"
    for value, layer in ((meta.og.get("article:modified_time"), "metadata"),
                         (meta.og.get("og:updated_time"), "metadata"),
                         (meta.date_modified, "metadata"), (core.time_modified, "wp-core")):
        dt = parse_iso(value)
        if dt is not None:
            art.modified_at, src["modified_at"] = iso_utc(dt), layer
            break
    # the rule is about the date the page *displays*; machine dates only without one
    shown = dline.when if dline is not None and dline.when is not None else parse_iso(art.published_at)
    art.date_is_bulk_import = is_bulk_import(shown)
