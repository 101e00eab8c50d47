"""The body's edges: the date line at its head, sidebar boilerplate, the source and
author lines at its tail, the lead, and the images with their captions."""

from __future__ import annotations

from archive.parser.blocks import Block
from archive.parser.dom import text_of
from archive.parser.model import Article, Image
from archive.parser.textpatterns import (
    _DROP_EXACT,
    _STOP_EXACT,
    _STOP_PREFIX,
    DateLine,
    author_line,
    date_line,
    source_line,
)
from archive.parser.theme import (
    caption_of_figure,
    is_centered,
    is_italic_only,
    is_layout_boilerplate,
    within,
)
from archive.text import normalize


def _block_date(b: Block) -> DateLine | None:
    if b.kind == "li" or len(b.text) > 120:
        return None
    d = date_line(b.text)
    if d is None and "\n" in b.raw:
        lines = b.lines
        d = date_line(lines[0]) if lines else None
    return d


def cut_head(blocks: list[Block], no_container: bool) -> tuple[list[Block], DateLine | None]:
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
            if len(t) > 100:
                break
            d = date_line(t)
            if d is not None:
                return d
            node = node.getparent()
    return None


def count_date_lines(idx, limit: int = 3) -> int:
    """How many elements hold a whole date line (a listing shows one per item)."""
    n = 0
    for el in idx.slash:
        t = text_of(el)
        if len(t) <= 100 and date_line(t) is not None:
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
            # block texts are normalised (no edge spaces): is_stop / is_ui_line, one lower()
            low = t.lower() if len(t) <= 40 else t[:30].lower()
            if low in _STOP_EXACT or low.startswith(_STOP_PREFIX):
                break
            if low in _DROP_EXACT and not b.images:
                continue
        out.append(b)
    return out


def cut_tail(art: Article, blocks: list[Block]) -> None:
    """Source and author lines that end the body (either order), removed from blocks."""
    for _ in range(3):
        while blocks and not blocks[-1].text and not blocks[-1].images:
            blocks.pop()
        if not blocks:
            return
        last = blocks[-1]
        if last.kind not in ("p", "pre") or last.images:
            return
        lines = last.lines
        line = lines[-1] if lines else last.text
        s = source_line(line) if art.source is None else None
        a = author_line(line) if (s is None and art.author is None) else None
        if s is None and a is None:
            return
        if s is not None:
            art.source, art.sources["source"] = s, "text"
        else:
            art.author, art.sources["author"] = a, "text"
        if len(lines) > 1:
            last.raw = "\n".join(lines[:-1])
            last.text = normalize(last.raw)
            cut = last.html.rfind("<br>")
            last.html = last.html[:cut].strip() if cut >= 0 else last.html
        else:
            blocks.pop()


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
                        nxt.kind == "caption" or (len(nxt.text) <= 300 and (
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
