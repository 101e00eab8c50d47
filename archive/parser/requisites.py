"""Page requisites: what a browser loads to render a page, as ``wget -p`` and Browsertrix take them.

``html_requisites(html, url)`` lists, in page order and once each, the absolute
URLs a page needs: stylesheets (``<link rel=stylesheet>``, also alternate and
preloaded ones), scripts, icons (``icon``, ``apple-touch-icon``, ``mask-icon``,
``manifest``), preloads (``preload``, ``modulepreload``, ``prefetch`` of a
style, script, font or image), images (``src``, every ``srcset`` candidate —
the browser picks one by viewport and pixel density, so replay must hold them
all —, ``<picture>`` sources, the lazy-loading attributes that scripts swap in:
``data-src``, ``data-srcset``, ``data-lazy-src``, ``data-bg``), ``<video poster>``,
``<input type=image>``, the legacy ``background`` attribute, and ``url(...)`` /
``@import`` inside ``<style>`` elements and ``style`` attributes.
``css_requisites(css, url)`` lists ``@import`` targets and ``url(...)`` values of
a stylesheet (fonts, background images), read with tinycss2, a real CSS tokenizer.

Media streams (``<video src>``, ``<audio>``) and frames are not requisites here:
they are content of their own, often large. ``data:``, ``javascript:``,
``about:`` and fragment-only URLs are never requisites.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import tinycss2
from lxml import etree
from lxml import html as lxml_html

from archive.parser.dom import srcset_candidates

_STYLE_RELS = frozenset({"stylesheet"})
_ICON_RELS = frozenset({"icon", "shortcut", "apple-touch-icon", "apple-touch-icon-precomposed",
                        "mask-icon", "manifest", "fluid-icon"})
_PRELOAD_RELS = frozenset({"preload", "modulepreload", "prefetch"})
_PRELOAD_AS = frozenset({"", "style", "script", "font", "image"})
_IMG_ATTRS = ("src", "data-src", "data-lazy-src", "data-original", "data-bg")
_SRCSET_ATTRS = ("srcset", "data-srcset", "data-lazy-srcset")
_SKIP = re.compile(r"^\s*(data|javascript|about|blob|mailto|tel|vbscript):", re.I)


def _absolute(base: str, ref: str | None) -> str | None:
    if not ref:
        return None
    ref = ref.strip()
    if not ref or ref.startswith("#") or _SKIP.match(ref):
        return None
    try:
        url = urljoin(base, ref)
    except ValueError:
        return None
    url = url.split("#", 1)[0]
    return url if url.startswith(("http://", "https://")) else None


class _Collector:
    def __init__(self):
        self.urls: dict[str, None] = {}

    def add(self, base: str, ref: str | None) -> None:
        url = _absolute(base, ref)
        if url:
            self.urls.setdefault(url, None)


def css_requisites(css: bytes | str, url: str) -> list[str]:
    """``@import`` targets and ``url(...)`` values of a stylesheet, absolute, in order, once each."""
    out = _Collector()
    if isinstance(css, bytes):
        rules, _encoding = tinycss2.parse_stylesheet_bytes(css, skip_comments=True, skip_whitespace=True)
    else:
        rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    _walk_rules(rules, url, out)
    return list(out.urls)


def _walk_rules(rules, base: str, out: _Collector) -> None:
    for rule in rules:
        kind = rule.type
        if kind == "at-rule":
            if rule.lower_at_keyword == "import":
                for token in rule.prelude:
                    if token.type in ("string", "url"):
                        out.add(base, token.value)
                        break
                    if token.type == "function" and token.lower_name == "url":
                        out.add(base, _function_arg(token))
                        break
                continue
            _walk_values(rule.prelude or [], base, out)
            if rule.content is not None:
                # @media, @supports, @layer hold rules; @font-face, @page hold declarations
                if rule.lower_at_keyword in ("media", "supports", "layer", "document", "container"):
                    _walk_rules(tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                         skip_whitespace=True), base, out)
                else:
                    _walk_values(rule.content, base, out)
        elif kind == "qualified-rule":
            _walk_values(rule.content, base, out)


def _function_arg(token) -> str | None:
    for arg in token.arguments:
        if arg.type == "string":
            return arg.value
        if arg.type not in ("whitespace", "comment"):
            return None
    return None


def _walk_values(tokens, base: str, out: _Collector) -> None:
    for token in tokens:
        kind = token.type
        if kind == "url":
            out.add(base, token.value)
        elif kind == "function":
            if token.lower_name == "url":
                out.add(base, _function_arg(token))
            else:  # image-set("a.png" 1x, …), -webkit-image-set, cross-fade …
                if token.lower_name in ("image-set", "-webkit-image-set"):
                    for arg in token.arguments:
                        if arg.type == "string":
                            out.add(base, arg.value)
                _walk_values(token.arguments, base, out)
        elif kind in ("() block", "[] block", "{} block"):
            _walk_values(token.content, base, out)


def _style_attr(value: str, base: str, out: _Collector) -> None:
    if "url(" not in value.lower() and "image-set" not in value.lower():
        return
    _walk_values(tinycss2.parse_component_value_list(value, skip_comments=True), base, out)


def html_requisites(html: bytes | str, url: str, *, encoding: str | None = None) -> list[str]:
    """What a browser loads to render the page at ``url``, absolute, in page order, once each."""
    out = _Collector()
    if not html:
        return []
    try:
        parser = lxml_html.HTMLParser(encoding=encoding, remove_comments=True) if isinstance(html, bytes) \
            else lxml_html.HTMLParser(remove_comments=True)
        root = lxml_html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError, LookupError):
        return []
    base = url
    for el in root.iter("base"):
        href = _absolute(url, el.get("href"))
        if href:
            base = href
        break
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag == "link":
            rels = set((el.get("rel") or "").lower().split())
            if rels & _STYLE_RELS or rels & _ICON_RELS:
                out.add(base, el.get("href"))
            elif rels & _PRELOAD_RELS and (el.get("as") or "").lower() in _PRELOAD_AS:
                out.add(base, el.get("href"))
                for _, ref in srcset_candidates(el.get("imagesrcset")):
                    out.add(base, ref)
        elif tag == "script":
            out.add(base, el.get("src"))
        elif tag in ("img", "source", "image"):
            if tag == "source" and el.getparent() is not None and el.getparent().tag in ("video", "audio"):
                continue
            for attr in _IMG_ATTRS:
                out.add(base, el.get(attr))
            for attr in _SRCSET_ATTRS:
                for _, ref in srcset_candidates(el.get(attr)):
                    out.add(base, ref)
            if tag == "image":  # SVG <image href>
                out.add(base, el.get("href") or el.get("{http://www.w3.org/1999/xlink}href"))
        elif tag == "video":
            out.add(base, el.get("poster"))
        elif tag == "input" and (el.get("type") or "").lower() == "image":
            out.add(base, el.get("src"))
        elif tag == "style":
            if el.text:
                for ref in css_requisites(el.text, base):
                    out.add(base, ref)
        if tag in ("body", "table", "td", "th", "tr") and el.get("background"):
            out.add(base, el.get("background"))
        style = el.get("style")
        if style:
            _style_attr(style, base, out)
    return list(out.urls)


def is_stylesheet(url: str, content_type: str | None) -> bool:
    """A response whose body is CSS (by type, else by a ``.css`` path)."""
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    if ctype == "text/css":
        return True
    if ctype and ctype not in ("text/plain", "application/octet-stream"):
        return False
    path = url.split("?", 1)[0].split("#", 1)[0]
    return path.lower().endswith(".css")
