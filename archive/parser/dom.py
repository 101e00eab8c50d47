"""Small lxml helpers: build the tree, read classes and rel tokens, resolve URLs."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from archive.parser import vocabulary as V
from archive.text import normalize

_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True,
                               no_network=True, recover=True, default_doctype=False)

# the first <html ...> start tag carrying the AMP marker (amp or ⚡ attribute)
_AMP = re.compile(r"<html\b[^>]*?\s(?:amp|⚡|\u26a1\ufe0f?)(?=[\s=>/])", re.IGNORECASE)
_FEED = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF|urlset|sitemapindex)\b",
                   re.IGNORECASE | re.DOTALL)


_HTML_TAG = re.compile(r"<html\b", re.IGNORECASE)


def is_amp(text: str) -> bool:
    m = _HTML_TAG.search(text, 0, 20000)
    return m is not None and bool(_AMP.match(text, m.start()))


def is_feed(text: str) -> bool:
    return bool(_FEED.match(text[:4000]))


def build_tree(text: str, data: bytes | None = None):
    """The document's root element, or None when there is nothing to parse.

    ``data``: ``text`` as UTF-8 bytes when the caller has them (parsed as they are).
    """
    if not text or text.isspace():
        return None
    if data is None or b"\x00" in data:
        data = text.replace("\x00", "").encode("utf-8", "surrogatepass")
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if root is None or not isinstance(root.tag, str):
        return None
    return root


_TEXT_KEYS = V.INDEX_TEXT_KEYS
_HINTS = V.INDEX_HINT_CHARS
_KEY_MAX = V.INDEX_TEXT_MAX_CHARS
_GOC = V.ORIGINAL_LINK_WORDS


# memo tables shared by every page: class attribute → wanted tokens in it, short
# text → its key (or ""); pages of one site repeat the same few hundred values
_CLASS_MEMO: dict[frozenset, dict[str, tuple]] = {}
_KEY_MEMO: dict[str, str] = {}
_MEMO_MAX = 20000


def _text_key(t: str) -> str:
    """``t`` stripped and lower-cased when that is a related heading or a ``Gốc`` link word, else ""."""
    k = _KEY_MEMO.get(t)
    if k is None:
        if len(_KEY_MEMO) > _MEMO_MAX:
            _KEY_MEMO.clear()
        low = t.strip().lower()
        k = _KEY_MEMO[t] = low if low in _TEXT_KEYS else ""
    return k


class Index:
    """One pass over the tree: elements by (wanted) class token and id, and the few
    elements later steps look for by text (related-list headings, ``Gốc`` links,
    ``QR CODE:`` captions, text holding a ``/``), ``<time>`` and ``a[rel]``."""

    __slots__ = ("by_class", "by_id", "heads", "goc", "qr", "slash", "times", "rel_links", "elements")

    def __init__(self, root, classes_wanted: frozenset, ids_xpath=None):
        by_class: dict[str, list] = {}
        by_id: dict[str, object] = {}
        heads, goc, qr, slash, times, rel_links = [], [], [], [], [], []
        keyed: list[tuple[str, object, bool]] = []   # (short text holding a hint, element, is tail)
        memo = _CLASS_MEMO.get(classes_wanted)
        if memo is None or len(memo) > _MEMO_MAX:
            memo = _CLASS_MEMO[classes_wanted] = {}
        key_memo = _KEY_MEMO
        # kept alive for the whole parse: later passes get these proxies back instead of new ones
        self.elements = elements = list(root.iter(etree.Element))
        for el in elements:
            c = el.get("class")
            if c:
                toks = memo.get(c)
                if toks is None:   # each wanted token once, in attribute order
                    toks = memo[c] = tuple(dict.fromkeys(t for t in c.split() if t in classes_wanted))
                for tok in toks:
                    lst = by_class.get(tok)
                    if lst is None:
                        by_class[tok] = [el]
                    else:
                        lst.append(el)
            t = el.text
            if t and not t.isspace():      # (whitespace: no "/", no key, no "QR")
                if "/" in t:
                    slash.append(el)
                # every key holds one of the hint characters (vocabulary.check() makes sure)
                if len(t) < _KEY_MAX and not _HINTS.isdisjoint(t):
                    keyed.append((t, el, False))
                if "QR" in t:
                    qr.append(el)
            tail = el.tail
            if tail and not tail.isspace():
                if "/" in tail:
                    parent = el.getparent()
                    if parent is not None and parent not in slash[-3:]:
                        slash.append(parent)
                if len(tail) < _KEY_MAX and not _HINTS.isdisjoint(tail):
                    keyed.append((tail, el, True))
        for text, el, in_tail in keyed:   # in document order
            low = key_memo.get(text)
            if low is None:
                low = _text_key(text)
            if not low:
                continue
            if in_tail:   # "<a><i></i> Gốc</a>", "<h3><i></i> Tin khác</h3>": the text's parent
                el = el.getparent()
                if el is None or (el.text or "").strip():
                    continue
            if low not in _GOC:
                heads.append(el)
            elif el.tag == "a":
                goc.append(el)
        for el in root.iter("a", "time"):    # filtered in C
            if el.tag == "a":
                if el.get("rel"):
                    rel_links.append(el)
            elif el.get("datetime"):
                times.append(el)
        if ids_xpath is not None:   # XPath id(): libxml2's id table, no per-element work
            for el in ids_xpath(root):
                by_id.setdefault(el.get("id"), el)
        self.by_class, self.by_id = by_class, by_id
        self.heads, self.goc, self.qr, self.slash = heads, goc, qr, slash
        self.times, self.rel_links = times, rel_links

    def cls(self, *tokens: str) -> list:
        """Elements carrying any of ``tokens``, in order of the tokens given."""
        out = []
        for t in tokens:
            out.extend(self.by_class.get(t, ()))
        return out


def within(el, ancestor) -> bool:
    """``el`` is ``ancestor`` or inside it."""
    while el is not None:
        if el is ancestor:
            return True
        el = el.getparent()
    return False


def find_body(root):
    """``root.find("body")`` without ElementPath (its Python-level path machinery)."""
    for el in root.iterchildren("body"):
        return el
    return None


def classes(el) -> set[str]:
    c = el.get("class")
    return set(c.split()) if c else set()


_NO_TOKENS: frozenset = frozenset()
_REL_MEMO: dict[str, frozenset] = {}


def rel_tokens(el) -> frozenset[str]:
    r = el.get("rel")
    if not r:
        return _NO_TOKENS
    toks = _REL_MEMO.get(r)
    if toks is None:
        if len(_REL_MEMO) > _MEMO_MAX:
            _REL_MEMO.clear()
        toks = _REL_MEMO[r] = frozenset(r.lower().split())
    return toks


_NO_TEXT = frozenset(("script", "style", "noscript", "template"))
# elements whose content is not run together with its neighbours' text
_SEPARATE = frozenset(("br", "p", "div", "li", "td", "th", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                       "ul", "ol", "section", "article", "header", "footer", "figure", "figcaption",
                       "blockquote", "dt", "dd", "table"))


def text_of(el) -> str:
    """Normalised text content of an element in document order (no script/style text).

    Inline pieces run together (``Hả<b>i</b>`` → ``Hải``); block elements and ``<br>``
    are separated by a space.
    """
    if len(el) == 0:
        return normalize(el.text)
    parts: list[str] = []
    _collect(el, parts)
    return normalize("".join(parts))


def _collect(el, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in _NO_TEXT:
            if tag in _SEPARATE:
                parts.append(" ")
                _collect(child, parts)
                parts.append(" ")
            else:
                _collect(child, parts)
        if child.tail:
            parts.append(child.tail)


def absolute(base: str, href: str | None) -> str | None:
    """``href`` resolved against ``base``; None for empty, fragment-only and script links."""
    if href is None:
        return None
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    low = href[:11].lower()
    if low.startswith(("javascript:", "data:", "about:", "vbscript:")):
        return None
    if href.startswith(("http://", "https://")) and "/." not in href and " " not in href:
        return href        # already absolute: urljoin would return it unchanged
    try:
        return urljoin(base, href) if base else href
    except ValueError:
        return None


def slug_of(url: str | None) -> str | None:
    """Last path segment without ``.html``, percent-decoded, NFC."""
    if not url:
        return None
    return _slug_of(url)


@lru_cache(maxsize=4096)
def _slug_of(url: str) -> str | None:
    try:
        path = urlsplit(url).path
    except ValueError:
        return None
    segs = [s for s in path.split("/") if s]
    if not segs:
        return None
    seg = segs[-1]
    for ext in (".html", ".htm"):
        if seg.lower().endswith(ext):
            seg = seg[: -len(ext)]
            break
    return normalize(unquote(seg)) or None


def srcset_candidates(srcset: str | None) -> list[tuple[float, str]]:
    """(score, url) of each ``srcset`` entry; score = width, or density × 1000."""
    if not srcset:
        return []
    out = []
    for cand in re.split(r",\s+(?=\S)|,(?=[^,\s]+\s+\d)", srcset.strip()):
        bits = cand.strip().split()
        if not bits:
            continue
        score = 1.0
        if len(bits) > 1:
            d = bits[-1].lower()
            try:
                if d.endswith("w"):
                    score = float(d[:-1])
                elif d.endswith("x"):
                    score = float(d[:-1]) * 1000
            except ValueError:
                score = 1.0
        out.append((score, bits[0]))
    return out

