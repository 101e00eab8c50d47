"""The body's edges: the date line at its head, sidebar boilerplate, the source and
author lines at its tail, the lead, and the images with their captions."""

from __future__ import annotations

from archive.parser import vocabulary as V
from archive.parser.blocks import Block
from archive.parser.dom import text_of, within
from archive.parser.model import Article, Image
from archive.parser.textpatterns import (
    STOP_LINES,
    STOP_PREFIXES,
    UI_LINE_SET,
    DateLine,
    byline,
    date_line,
    is_end_marker,
    source_line,
    updated_line,
)
from archive.parser.theme import (
    caption_of_figure,
    is_centered,
    is_emphasis_only,
    is_italic_only,
    is_layout_boilerplate,
    is_right_aligned,
)
from archive.text import normalize


def _block_date(b: Block) -> DateLine | None:
    if b.kind == "li" or len(b.text) > V.DATE_LINE_MAX_CHARS + 40:
        return None
    d = date_line(b.text)
    if d is None and "\n" in b.raw:
        lines = b.lines
        d = date_line(lines[0]) if lines else None
    return d


def _updated_block(b: Block) -> bool:
    if b.kind == "li" or len(b.text) > V.DATE_LINE_MAX_CHARS + 40 or b.images:
        return False
    return updated_line(b.text) or ("\n" in b.raw and any(updated_line(x) for x in b.lines[:1]))


def cut_head(blocks: list[Block], no_container: bool) -> tuple[list[Block], DateLine | None]:
    """Drop the date line (and, without a container, everything before it)."""
    limit = len(blocks) if no_container else min(V.HEAD_DATE_BLOCKS, len(blocks))
    for i in range(limit):
        if _updated_block(blocks[i]):       # "Cập nhật lần cuối: …": shown, never the date
            del blocks[i]
            return cut_head(blocks, no_container)
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


def header_date(idx, region, container) -> DateLine | None:
    """The displayed date line outside the body container, inside the post region."""
    for el in idx.slash:
        if region is not None and not within(el, region):
            continue
        if container is not None and within(el, container):
            continue
        node, ok = el, True
        anc = el
        while anc is not None:
            # not a linked item of a news list ("<li><a>title</a> (date)</li>"), no sidebar
            tag = anc.tag
            if tag == "a" or is_layout_boilerplate(anc) or (
                    tag == "li" and next(anc.iterdescendants("a"), None) is not None):
                ok = False
                break
            anc = anc.getparent()
        if not ok:
            continue
        for _ in range(3):
            if node is None:
                break
            t = text_of(node)
            if len(t) > V.HEADER_TEXT_MAX_CHARS or updated_line(t):
                break
            d = date_line(t)
            if d is not None:
                return d
            node = node.getparent()
    return None


def count_date_lines(idx, limit: int = V.LISTING_DATE_LINES) -> int:
    """How many elements hold a whole date line (a listing shows one per item)."""
    n = 0
    for el in idx.slash:
        t = text_of(el)
        if len(t) <= V.HEADER_TEXT_MAX_CHARS and date_line(t) is not None:
            n += 1
            if n >= limit:
                break
    return n


def qr_title(idx) -> str | None:
    for el in idx.qr:
        # the element's text holds "QR", so its whole text starts where its own text does
        if normalize(el.text)[:1] not in ("q", "Q"):
            continue
        t = text_of(el)
        if t.lower().startswith("qr code:"):
            return t[8:].strip() or None
    return None


def cut_boilerplate(blocks: list[Block]) -> list[Block]:
    out = []
    for b in blocks:
        t = b.text
        if t:
            # block texts are normalised (no edge spaces): is_stop / UI_LINE_SET, one lower()
            low = t.lower() if len(t) <= 40 else t[:30].lower()
            if low in STOP_LINES or low.startswith(STOP_PREFIXES):
                break
            if low in UI_LINE_SET and not b.images:
                continue
        out.append(b)
    return out


def _is_teaser(b: Block) -> bool:
    """A related-news teaser: a linked line ending in an ellipsis."""
    t = b.text
    if len(t) < V.TEASER_MIN_CHARS or not (t.endswith("…") or t.endswith("...")) or not b.anchors:
        return False
    linked = sum(len(label) for _, label in b.anchors)
    return linked * 2 >= len(t)


def _set_apart(b: Block) -> bool:
    el = b.el
    return el is not None and (is_right_aligned(el) or is_emphasis_only(el))


def cut_tail(art: Article, blocks: list[Block]) -> list[str]:
    """Source lines, bylines and related-news teasers that end the body (any order),
    removed from ``blocks``; returns the teasers' URLs.

    A byline gives ``author`` (and ``source`` when it names the outlet); end markers
    (``./.``) are looked past and kept.
    """
    teasers: list[str] = []
    i = len(blocks) - 1
    looked = 0
    while i >= 0 and looked < V.TAIL_LINES:
        b = blocks[i]
        if not b.text and not b.images:
            i -= 1
            continue
        if b.images or b.kind not in ("p", "pre", "h", "li"):
            break
        if _is_teaser(b):
            teasers[:0] = [u for u, _ in b.anchors]     # read from the end: keep page order
            del blocks[i]
            i -= 1
            continue
        if b.kind == "li":
            break
        lines = b.lines or [b.text]
        line = lines[-1]
        looked += 1
        if is_end_marker(line) and len(lines) == 1:
            i -= 1
            continue
        src = source_line(line) if art.source is None and b.kind != "h" else None
        by = byline(line, _set_apart(b)) if src is None and art.author is None else None
        if src is not None:
            art.source, art.sources["source"] = src, "text"
        elif by is not None:
            art.author, art.sources["author"] = by.author, "text"
            if by.source and art.source is None:
                art.source, art.sources["source"] = by.source, "text"
        else:
            break
        if len(lines) > 1:
            b.raw = "\n".join(lines[:-1])
            b.text = normalize(b.raw)
            cut = b.html.rfind("<br>")
            b.html = b.html[:cut].strip() if cut >= 0 else b.html
        else:
            del blocks[i]
            i -= 1
    return teasers


def cut_head_byline(art: Article, blocks: list[Block]) -> None:
    """A prefixed byline at the body's head (``Bài và ảnh: Minh Anh`` under the title): never
    body text; the author when the tail named none."""
    for i, b in enumerate(blocks[:V.HEAD_BYLINE_BLOCKS]):
        if b.images or b.kind not in ("p", "h") or len(b.text) > V.BYLINE_MAX_CHARS or ":" not in b.text:
            continue        # (a prefix ends with a colon)
        by = byline(b.text)
        if by is None or not by.prefixed:
            continue
        if art.author is None:
            art.author, art.sources["author"] = by.author, "text"
        del blocks[i]
        return


def images(art: Article, blocks: list[Block]) -> set[int]:
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
                        nxt.kind == "caption" or (len(nxt.text) <= V.CAPTION_MAX_CHARS and (
                            is_italic_only(nxt.el) or is_centered(nxt.el)))):
                    cap = nxt.text
                    captions.add(id(nxt))
            img.caption = cap
            art.images.append(Image(url=img.url, caption=cap))
    if art.images:
        art.sources["images"] = "theme"
    return captions


def lead_index(blocks: list[Block], captions: set[int]) -> int | None:
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
