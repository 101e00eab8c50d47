"""The article body as a list of text blocks, with their images, links and clean HTML.

One walk over the container: block elements (p, h2, li, figcaption …) close the
running block; inline elements add text and whitelisted inline HTML; skipped
subtrees (scripts, forms, share/QR/related/comment containers) add nothing.
"""

from __future__ import annotations

import html as htmlmod
import re
import unicodedata
from dataclasses import dataclass, field

from archive.parser.dom import absolute, classes, srcset_candidates
from archive.parser.theme import (
    CAPTION_CLASS,
    boilerplate_attrs,
    is_figure,
)
from archive.text import normalize

BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "blockquote", "figure", "figcaption", "table", "thead", "tbody",
    "tfoot", "tr", "td", "th", "caption", "pre", "dl", "dt", "dd", "center", "address",
    "details", "summary", "hr", "fieldset", "body", "html",
}
SKIP_TAGS = {
    "script", "style", "noscript", "template", "iframe", "svg", "math", "button", "input",
    "select", "textarea", "object", "embed", "canvas", "map", "audio", "video", "nav",
    "aside", "form", "head", "link", "meta", "title", "footer", "dialog", "picture_source",
}
INLINE_KEEP = {"strong", "b", "em", "i", "u", "sub", "sup", "code", "mark", "s", "small"}
_HEAD = {"h1", "h2", "h3", "h4", "h5", "h6"}
_LEAF_FAST = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "figcaption", "pre"}
_LAZY_ATTRS = ("data-lazy-src", "data-src", "data-original", "data-orig-file", "data-large-file")
_LAZY_SRCSET = ("data-lazy-srcset", "data-srcset", "srcset")
_PLACEHOLDER = re.compile(r"^data:|/lazy[-_]?load|placeholder|blank\.(gif|png)|spacer\.gif|grey\.gif",
                          re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_SIZED = re.compile(r"-\d+x\d+\.(?:jpe?g|png|gif|webp|avif)(?:[?#]|$)", re.IGNORECASE)


@dataclass(slots=True)
class Img:
    url: str
    figure: object | None = None      # enclosing figure / .wp-caption element
    caption: str | None = None


@dataclass(slots=True)
class Block:
    kind: str                          # p | h | li | caption | pre
    tag: str                           # output tag for the clean HTML
    el: object
    raw: str = ""                      # text with "\n" at <br>
    text: str = ""                     # normalised raw
    html: str = ""
    anchors: list[tuple[str, str]] = field(default_factory=list)
    images: list[Img] = field(default_factory=list)
    figure: object | None = None
    list_el: object | None = None

    @property
    def lines(self) -> list[str]:
        return [x for x in (normalize(s) for s in self.raw.split("\n")) if x]


def _placeholder(v: str) -> bool:
    """``_PLACEHOLDER.search(v)``; ASCII URLs without any of its words are settled without the regex."""
    if v.isascii():
        low = v.lower()
        if not (low.startswith("data:") or "/lazy" in low or "placeholder" in low or "blank." in low
                or "spacer.gif" in low or "grey.gif" in low):
            return False
    return _PLACEHOLDER.search(v) is not None


def _sized(v: str) -> bool:
    """``_SIZED.search(v)``: ASCII URLs without an ``x`` cannot hold a ``-WxH.`` suffix."""
    if v.isascii() and "x" not in v and "X" not in v:
        return False
    return _SIZED.search(v) is not None


def image_url(img, base: str) -> str | None:
    """Best absolute URL of an <img>.

    Candidates: lazy-load attributes, ``src``, then ``srcset`` entries largest first
    (placeholders such as ``data:`` GIFs ignored). The WordPress original upload
    (a file name without the ``-WxH`` size suffix) wins; else the largest srcset
    entry; else the first candidate.
    """
    direct = [v for v in (img.get(a) for a in _LAZY_ATTRS + ("src",))
              if v and v.strip() and not _placeholder(v)]
    for v in direct:        # an original upload among the direct candidates: srcset not needed
        if not _sized(v):
            return absolute(base, v.strip())
    sized = []
    for attr in _LAZY_SRCSET:
        sized.extend(srcset_candidates(img.get(attr)))
    sized = [u for _, u in sorted(sized, key=lambda x: -x[0]) if not _placeholder(u)]
    for v in sized:
        if not _sized(v):
            return absolute(base, v.strip())
    for v in sized[:1] + direct[:1]:
        return absolute(base, v.strip())
    return None


def _skip_image(img) -> bool:
    c = classes(img)
    if "emoji" in c or "wp-smiley" in c or "avatar" in c:
        return True
    w, h = (img.get("width") or "").strip(), (img.get("height") or "").strip()
    return w in ("0", "1") and h in ("0", "1")


def _esc(s: str) -> str:
    return htmlmod.escape(s, quote=False)


def _kind(tag: str, c: str | None, outer: str = "p") -> tuple[str, str]:
    """(kind, output tag) of a block element with this tag and class attribute; ``outer``:
    the kind of the block around it (text loose in a list or table keeps it)."""
    if tag in _HEAD:
        return "h", tag
    if tag in ("li", "dt", "dd"):
        return "li", "li"
    if tag == "figcaption" or c and CAPTION_CLASS.search(c):
        return "caption", "figcaption"
    if tag == "pre":
        return "pre", "pre"
    if tag == "blockquote":
        return "p", "blockquote"
    if tag in ("ul", "ol", "table", "tbody", "thead", "tfoot", "tr", "figure"):
        return outer, "p"
    return "p", "p"


# the same rule, tabulated for the leaf elements the walker meets most (no class attribute);
# a class naming a caption turns these kinds into a caption
_LEAF_KIND = {tag: _kind(tag, None) for tag in _LEAF_FAST}
_CAPTION = ("caption", "figcaption")
_CAPTION_ABLE = frozenset(k for k, _ in _LEAF_KIND.values() if k not in ("h", "li", "caption"))


class _Walker:
    def __init__(self, base: str, skip: list):
        self.base = base
        self.skip_ids = {id(x) for x in skip}
        self.blocks: list[Block] = []
        self.stack: list[tuple[str, str, object]] = [("p", "p", None)]
        self.figures: list = []
        self.lists: list = []
        self.raw: list[str] = []          # cleared in place: only joined, never handed out
        self.html: list[str] = []
        self.anchors: list[tuple[str, str]] = []
        self.images: list[Img] = []

    def flush(self) -> None:
        raw_parts = self.raw
        if not raw_parts and not self.images:
            return
        raw = "".join(raw_parts)
        if not self.images and raw.isspace():   # the whitespace between blocks
            self.anchors.clear()
            raw_parts.clear()
            self.html.clear()
            return
        text = normalize(raw)
        if text or self.images:
            kind, tag, el = self.stack[-1]
            body = normalize_html("".join(self.html))
            # " ".join(body.split()); a printable string has no whitespace but single spaces
            body = body.strip(" ") if body.isprintable() and "  " not in body else " ".join(body.split())
            self.blocks.append(Block(kind, tag, el, raw, text, body, self.anchors, self.images,
                                     self.figures[-1] if self.figures else None,
                                     self.lists[-1] if self.lists else None))
            self.anchors = []
            self.images = []
        else:
            self.anchors.clear()
        raw_parts.clear()
        self.html.clear()

    def text(self, s: str | None) -> None:
        if s:
            self.raw.append(s)
            self.html.append(htmlmod.escape(s, False) if ("&" in s or "<" in s or ">" in s) else s)

    def walk(self, el) -> None:
        tag = el.tag
        if not isinstance(tag, str) or tag in SKIP_TAGS:
            return
        c = el.get("class")
        i = el.get("id")
        if (c or i) and boilerplate_attrs(c, i) or id(el) in self.skip_ids:
            return
        if tag == "br":
            self.raw.append("\n")
            self.html.append("<br>")
            return
        if tag == "img":
            self._img(el)
            return
        if tag in BLOCK_TAGS:
            self._block(el, tag)
            return
        keep = tag if tag in INLINE_KEEP else None
        href = None
        if tag == "a":
            href = absolute(self.base, el.get("href"))
            if href:
                keep = "a"
        if keep == "a":
            self.html.append(f'<a href="{htmlmod.escape(href, quote=True)}">')
            start = len(self.raw)
        elif keep:
            self.html.append(f"<{keep}>")
        self._children(el)
        if keep == "a":
            self.html.append("</a>")
            label = normalize("".join(self.raw[start:])) if len(self.raw) >= start else ""
            if label:
                self.anchors.append((href, label))
        elif keep:
            self.html.append(f"</{keep}>")

    def _children(self, el) -> None:
        raw, html = self.raw, self.html     # cleared in place by flush(): stay valid
        s = el.text
        if s:
            raw.append(s)
            html.append(htmlmod.escape(s, False) if ("&" in s or "<" in s or ">" in s) else s)
        walk, leaf, skip_ids = self.walk, self._leaf, self.skip_ids
        for child in el:
            tag = child.tag
            if tag in _LEAF_FAST and len(child) == 0:
                # walk() for the common case, a leaf paragraph / heading / item, without its checks
                c = child.get("class")
                i = child.get("id")
                if not ((c or i) and boilerplate_attrs(c, i) or id(child) in skip_ids):
                    leaf(child, tag, c)
            else:
                walk(child)
            s = child.tail
            if s:
                raw.append(s)
                html.append(htmlmod.escape(s, False) if ("&" in s or "<" in s or ">" in s) else s)

    def _leaf(self, el, tag: str, c: str | None) -> None:
        """A block element without children: one Block of its plain text."""
        if self.raw or self.images:
            self.flush()
        t = el.text
        if t and not t.isspace():
            text = normalize(t)
            if text:
                kind, out = _LEAF_KIND[tag]
                if c and kind in _CAPTION_ABLE and CAPTION_CLASS.search(c):
                    kind, out = _CAPTION
                self.blocks.append(Block(
                    kind, out, el, t, text,
                    _esc(text) if ("&" in text or "<" in text or ">" in text) else text, [], [],
                    self.figures[-1] if self.figures else None,
                    self.lists[-1] if self.lists else None))

    def _block(self, el, tag: str) -> None:
        c = el.get("class")
        if tag in _LEAF_FAST and len(el) == 0:
            self._leaf(el, tag, c)
            return
        if self.raw or self.images:
            self.flush()
        kind, out = self._kind(tag, c)
        self.stack.append((kind, out, el))
        fig = is_figure(el)
        if fig:
            self.figures.append(el)
        is_list = tag == "ul" or tag == "ol"
        if is_list:
            self.lists.append(el)
        self._children(el)
        if self.raw or self.images:
            self.flush()
        if is_list:
            self.lists.pop()
        if fig:
            self.figures.pop()
        self.stack.pop()

    def _kind(self, tag: str, c: str | None) -> tuple[str, str]:
        """(kind, output tag) of a block element with this tag and class attribute."""
        return _kind(tag, c, self.stack[-1][0])

    def _img(self, el) -> None:
        if _skip_image(el):
            return
        url = image_url(el, self.base)
        if not url:
            return
        self.images.append(Img(url=url, figure=self.figures[-1] if self.figures else None))
        alt = normalize(el.get("alt"))
        self.html.append(f'<img src="{htmlmod.escape(url, quote=True)}" alt="{htmlmod.escape(alt, quote=True)}">')


def normalize_html(s: str) -> str:
    """NFC without touching markup (normalize() would also collapse spaces, done by caller)."""
    if not unicodedata.is_normalized("NFC", s):
        s = unicodedata.normalize("NFC", s)
    return s


def extract_blocks(container, base: str, skip: list = ()) -> list[Block]:
    """Text blocks of ``container`` in document order (elements in ``skip`` left out)."""
    w = _Walker(base, list(skip))
    w.stack = [("p", "p", container)]
    w._children(container)
    w.flush()
    return w.blocks
