"""parse_article: HTML bytes + URL → Article | None.

Layers, strongest first: WordPress core signals (``wp-core``), structured
metadata (``metadata``), theme markup (``theme``), text patterns (``text``).
``Article.sources`` records the layer that gave each field.
"""

from __future__ import annotations

import unicodedata


from ..text import normalize
from .blocks import Block, extract_blocks
from .clean import body_html
from .dates import event_date, is_bulk_import, iso_local, parse_iso
from .decode import decode_html
from .dom import Index, absolute, build_tree, is_amp, is_feed, slug_of, text_of
from .metadata import read_metadata
from .model import Article, Image, Link
from .textpatterns import (DateLine, author_line, date_line, is_stop, is_ui_line,
                           place_date_line, source_line)
from .theme import (WANTED_CLASSES, WANTED_IDS, caption_of_figure, find_container, find_lead, find_original,
                    find_region, find_related, find_title, is_centered, is_italic_only,
                    is_layout_boilerplate, within)
from .title import choose_title
from .wpcore import read_core



def parse_article(html: bytes, url: str, *, encoding: str | None = None) -> Article | None:
    """The article on a single-post page, or None for any other page. Never raises on bad input."""
    if not html:
        return None
    text = html if isinstance(html, str) else decode_html(bytes(html), encoding)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)   # NFD pages: compose once, up front
    if is_amp(text) or is_feed(text):
        return None
    root = build_tree(text)
    if root is None:
        return None
    try:
        return _parse(root, text, url or "")
    except RecursionError:  # absurdly deep markup
        return None


def _parse(root, text: str, url: str) -> Article | None:
    idx = Index(root, WANTED_CLASSES, WANTED_IDS)
    core = read_core(root, idx, url)
    if core.not_single():
        return None
    meta = read_metadata(root)
    base = absolute(url, core.base_href) or url
    signals = core.single_post_signals()
    if meta.is_article():
        signals.append("metadata")
    single = core.article if core.post_articles == 1 else None
    region = find_region(root, idx, single)
    container = find_container(idx, region)
    related, boxes = find_related(idx, base)
    if container is not None:
        blocks = extract_blocks(container, base, boxes)
    else:   # without a body element, the post's <header> (title, meta line) is not text
        blocks = extract_blocks(region, base, boxes + list(region.iter("header")))
    header_date = None if _date_in_blocks(blocks[:4]) else _header_date(idx, region, container)
    blocks, text_date = _cut_head(blocks, container is None)
    dline = text_date or header_date
    if not signals:
        if dline is None or not any(b.kind == "p" and len(b.text) >= 80 for b in blocks):
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
    qr = _qr_title(idx)
    art.title, layer = choose_title([
        (find_title(root, idx), "theme", False),
        (meta.headline, "metadata", False),
        (meta.og.get("og:title"), "metadata", True),
        (core.title_tag, "wp-core", True),
        (qr, "text", False),
    ], art.slug, meta.site_names + [text_of(e) for e in idx.cls("site-title")[:1]])
    if layer:
        src["title"] = layer
    if art.title:
        while blocks and blocks[0].kind in ("h", "p") and blocks[0].text == art.title:
            blocks.pop(0)

    # dates
    _dates(art, core, meta, dline)

    # body: boilerplate cut, tail lines (source / author), lead
    blocks = _cut_boilerplate(blocks)
    _tail(art, blocks)
    captions = _images(art, blocks)
    lead_block = None
    lead_el, lead_text = find_lead(idx, region, container)
    if lead_el is not None and lead_text:
        art.lead, src["lead"] = lead_text, "theme"
        blocks = [b for b in blocks if not within(b.el, lead_el)]
    else:
        i = _lead_index(blocks, captions)
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
    if art.date_is_bulk_import:
        art.event_date = event_date("\n".join(filter(None, [art.lead, art.body_text])),
                                    parse_iso(art.published_at))
        if art.event_date:
            src["event_date"] = "text"

    # terms and links
    art.categories, art.tags = core.categories, core.tags
    if art.categories:
        src["categories"] = "wp-core"
    if art.tags:
        src["tags"] = "wp-core"
    art.original_url = find_original(idx, base)
    if art.original_url:
        src["original_url"] = "theme"
    links: list[Link] = []
    for b in ([lead_block] if lead_block is not None else []) + blocks:
        links.extend(Link(u, "body") for u, _ in b.anchors)
    links.extend(Link(u, "related") for u in related)
    if art.original_url:
        links.append(Link(art.original_url, "original"))
    seen = set()
    art.links = [l for l in links if not ((l.url, l.kind) in seen or seen.add((l.url, l.kind)))]
    return art


def _date_in_blocks(blocks: list[Block]) -> bool:
    return any(_block_date(b) for b in blocks)


def _block_date(b: Block) -> DateLine | None:
    if b.kind == "li" or len(b.text) > 120:
        return None
    d = date_line(b.text)
    if d is None and b.lines:
        d = date_line(b.lines[0])
    return d


def _cut_head(blocks: list[Block], no_container: bool) -> tuple[list[Block], DateLine | None]:
    """Drop the date line (and, without a container, everything before it)."""
    limit = len(blocks) if no_container else min(4, len(blocks))
    for i in range(limit):
        d = _block_date(blocks[i])
        if d is not None:
            rest = blocks[i + 1:]
            before = blocks[:i]
            if not no_container:
                before = [b for b in before if len(b.text) > 60 or b.images]
            else:
                before = []
            return before + rest, d
    if no_container:
        return blocks, None
    return blocks, None


def _header_date(idx, region, container) -> DateLine | None:
    """The displayed date line outside the body container, inside the post region."""
    for el in idx.slash:
        if region is not None and not within(el, region):
            continue
        if container is not None and within(el, container):
            continue
        node, ok = el, True
        anc = el
        while anc is not None:
            if anc.tag in ("a", "li") or is_layout_boilerplate(anc):
                ok = False
                break
            anc = anc.getparent()
        if not ok:
            continue
        for _ in range(3):
            if node is None:
                break
            t = text_of(node)
            if len(t) > 100:
                break
            d = date_line(t)
            if d is not None:
                return d
            node = node.getparent()
    return None


def _qr_title(idx) -> str | None:
    for el in idx.qr:
        t = text_of(el)
        if t.lower().startswith("qr code:"):
            return t[8:].strip() or None
    return None


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
        if art.published_at is None:
            art.published_at, src["published_at"] = iso_local(dline.when), "text"
    art.date_is_bulk_import = is_bulk_import(parse_iso(art.published_at))


def _cut_boilerplate(blocks: list[Block]) -> list[Block]:
    out = []
    for b in blocks:
        t = b.text
        if t and is_stop(t):
            break
        if t and is_ui_line(t) and not b.images:
            continue
        out.append(b)
    return out


def _tail(art: Article, blocks: list[Block]) -> None:
    """Source and author lines that end the body (either order), removed from blocks."""
    for _ in range(3):
        while blocks and not blocks[-1].text and not blocks[-1].images:
            blocks.pop()
        if not blocks:
            return
        last = blocks[-1]
        if last.kind not in ("p", "pre") or last.images:
            return
        line = last.lines[-1] if last.lines else last.text
        s = source_line(line) if art.source is None else None
        a = author_line(line) if (s is None and art.author is None) else None
        if s is None and a is None:
            return
        if s is not None:
            art.source, art.sources["source"] = s, "text"
        else:
            art.author, art.sources["author"] = a, "text"
        if len(last.lines) > 1:
            last.raw = "\n".join(last.lines[:-1])
            last.text = normalize(last.raw)
            cut = last.html.rfind("<br>")
            last.html = last.html[:cut].strip() if cut >= 0 else last.html
        else:
            blocks.pop()


def _images(art: Article, blocks: list[Block]) -> set[int]:
    """Images with captions, in order; returns the ids of caption blocks."""
    captions: set[int] = set()
    for i, b in enumerate(blocks):
        if b.kind == "caption" and b.figure is not None:
            captions.add(id(b))
        for img in b.images:
            cap = None
            if img.figure is not None:
                cap = caption_of_figure(img.figure)
            elif not b.text and i + 1 < len(blocks):
                nxt = blocks[i + 1]
                if not nxt.images and nxt.text and nxt.kind in ("caption", "p") and (
                        nxt.kind == "caption" or (len(nxt.text) <= 300 and (
                            is_italic_only(nxt.el) or is_centered(nxt.el)))):
                    cap = nxt.text
                    captions.add(id(nxt))
            img.caption = cap
            art.images.append(Image(url=img.url, caption=cap))
    if art.images:
        art.sources["images"] = "theme"
    return captions


def _lead_index(blocks: list[Block], captions: set[int]) -> int | None:
    """The first paragraph, if only images and their captions come before it."""
    for i, b in enumerate(blocks):
        if b.images and not b.text:
            continue
        if id(b) in captions:
            continue
        if b.kind == "p" and b.text and not b.images:
            return i
        return None
    return None
