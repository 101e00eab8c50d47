"""Theme markup: the portal's and the common WordPress themes' (classic and block).

Where the article region, body container, title, lead, date element, ``Gốc``
link and ``Tin khác`` / related-posts lists are, and which containers are
boilerplate (share buttons, QR codes, sidebars, comments, navigation).
"""

from __future__ import annotations

import re

from lxml import etree

from archive.parser import vocabulary as V
from archive.parser.dom import absolute, classes, find_body, rel_tokens, text_of, within
from archive.parser.multipage import PAGE_LINK_CLASS, PAGE_LINK_WRAPPERS
from archive.parser.textpatterns import account_name
from archive.parser.wpcore import PASSWORD_CLASSES
from archive.text import normalize

# body containers (class tokens), most specific first
_CONTAINER_CLASSES = (
    ("entry-content",), ("wp-block-post-content",),
    ("post-content", "single-content", "article-content", "td-post-content", "post-entry",
     "entry-body", "content-detail", "detail-content", "news-content", "post-body",
     "article-body", "the-content", "noidung", "content-news", "content-inner",
     "elementor-widget-theme-post-content", "jeg_post_content"),
)
_CONTAINER_IDS = ("content-detail", "article-body", "noidung")
_REGION_IDS = ("main", "primary", "content")
_TITLE_CLASSES = ("entry-title", "wp-block-post-title", "post-title", "single-title",
                  "article-title", "td-post-title")
_LEAD_CLASSES = ("sapo", "entry-summary", "post-excerpt", "article-sapo", "td-post-sub-title",
                 "lead", "summary", "chapeau")
# where themes print the posting account: block themes' post-author block, classic
# themes' "by <a class="url fn n" href="/author/<slug>/">Name</a>" byline
_ACCOUNT_CLASSES = ("wp-block-post-author-name", "wp-block-post-author__name", "author-name",
                    "entry-author", "post-author", "byline", "author", "vcard")
# elements whose own text is the account's name when they hold no link
_ACCOUNT_TEXT_CLASSES = frozenset(("author-name", "entry-author", "post-author"))
_RELATED_BOX_CLASSES = ("jp-relatedposts", "yarpp-related", "crp_related", "related-posts")
_RELATED_BOX_IDS = ("related-posts", "jp-relatedposts")
# what the one pass over the tree (dom.Index) keeps
WANTED_CLASSES = frozenset(
    [c for group in _CONTAINER_CLASSES for c in group] + list(_TITLE_CLASSES) + list(_LEAD_CLASSES)
    + list(_RELATED_BOX_CLASSES) + list(_ACCOUNT_CLASSES) + ["type-post", "site-title", "site-main", "articleBody"]
    + list(PASSWORD_CLASSES) + list(PAGE_LINK_WRAPPERS) + [PAGE_LINK_CLASS])
WANTED_IDS = etree.XPath("id('%s')" % " ".join(_CONTAINER_IDS + _REGION_IDS + _RELATED_BOX_IDS))


# class / id words of containers that never hold article text
_BOILER = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|sharedaddy|social|socials|related|relatedposts|yarpp|"
    r"comments?|respond|navigation|nav|pagination|page-links?|pagelink|wp-link-pages|breadcrumbs?|sidebar|widget|widgets|qr|"
    r"qrcode|print|meta|tags|addtoany|a2a|advert|advertisement|ads|banner|tinkhac|"
    r"tin-khac|other|footer|author-box|author-bio|screen-reader-text|sr-only|hidden)(?:$|[\s_-])",
    re.IGNORECASE)
# boilerplate around the article (used when looking for the date line)
_LAYOUT_BOILER = re.compile(
    r"(?:^|[\s_-])(?:sidebar|widget|widgets|related|relatedposts|comments?|nav|navigation|"
    r"menu|footer|tinkhac|tin-khac|other)(?:$|[\s_-])", re.IGNORECASE)
CAPTION_CLASS = re.compile(r"caption|chu-?thich|image-desc|photo-desc", re.IGNORECASE)


def _joined(c: str | None, i: str | None) -> str:
    attrs = (c or "") + " " + (i or "")
    # page builders call every block a widget: "elementor-widget-…" is no sidebar
    return attrs.replace("elementor-widget", "elementor-w") if "elementor-widget" in attrs else attrs


# (class, id) → verdict; pages of one site repeat the same few hundred attribute values
_BOILER_MEMO: dict[tuple, bool] = {}
_LAYOUT_MEMO: dict[tuple, bool] = {}
_MEMO_MAX = 20000


def boilerplate_attrs(c: str | None, i: str | None) -> bool:
    """True for share/QR/sidebar/comment/navigation/meta containers, by their class and id attributes."""
    key = (c, i)
    r = _BOILER_MEMO.get(key)
    if r is None:
        if len(_BOILER_MEMO) > _MEMO_MAX:
            _BOILER_MEMO.clear()
        attrs = _joined(c, i)
        r = _BOILER_MEMO[key] = bool(attrs.strip()) and "caption" not in attrs \
            and bool(_BOILER.search(attrs))
    return r


def is_layout_boilerplate(el) -> bool:
    key = (el.get("class"), el.get("id"))
    if key == (None, None):
        return False
    r = _LAYOUT_MEMO.get(key)
    if r is None:
        if len(_LAYOUT_MEMO) > _MEMO_MAX:
            _LAYOUT_MEMO.clear()
        attrs = _joined(*key)
        r = _LAYOUT_MEMO[key] = bool(attrs.strip()) and bool(_LAYOUT_BOILER.search(attrs))
    return r


def find_region(root, idx, article):
    """The element holding the single post: its <article>, else main/#content, else body."""
    if article is not None:
        return article
    mains = [el for el in root.iter("main")] + idx.cls("site-main")
    if mains:
        return mains[0]
    for i in _REGION_IDS:
        if i in idx.by_id:
            return idx.by_id[i]
    body = find_body(root)
    return body if body is not None else root


def find_container(idx, region):
    """The post body element (``.entry-content`` and friends), or None."""
    groups = [idx.cls(*names) for names in _CONTAINER_CLASSES]
    groups.append([idx.by_id[i] for i in _CONTAINER_IDS if i in idx.by_id])
    groups.append(idx.by_class.get("articleBody", []))
    for found in groups:
        found = [el for el in found if not is_layout_boilerplate(el)]
        if not found:
            continue
        inside = [el for el in found if within(el, region)] or found
        # outermost candidate inside the region (nested .entry-content wrappers happen)
        for el in inside:
            if not any(o is not el and within(el, o) for o in inside):
                return el
    return None


def find_title(idx, region):
    """The theme's title heading: an h1 in the post region first, never one in a sidebar."""
    cands = [el for el in idx.cls(*_TITLE_CLASSES)
             if el.tag in ("h1", "h2", "div", "span") and not _in_layout_boilerplate(el)]
    cands.sort(key=lambda el: (el.tag != "h1", not within(el, region)))   # stable: page order
    for el in cands:
        t = text_of(el)
        if t:
            return t
    return None


def _in_layout_boilerplate(el) -> bool:
    while el is not None:
        if is_layout_boilerplate(el):
            return True
        el = el.getparent()
    return False


def find_lead(idx, region, container):
    """A theme lead element (``.sapo``, ``.entry-summary``…) inside the region, else None."""
    for el in idx.cls(*_LEAD_CLASSES):
        if not within(el, region) or is_layout_boilerplate(el) or el is container:
            continue
        if container is not None and within(container, el):
            continue
        t = text_of(el)
        if t and (len(t) >= V.LEAD_MIN_CHARS or (container is not None and within(el, container))):
            return el, t
    return None, None


def _author_link(a) -> bool:
    href = a.get("href") or ""
    return "author" in rel_tokens(a) or "/author/" in href or "?author=" in href


def find_account(idx, region) -> str | None:
    """The display name of the posting account as the theme prints it: a ``rel="author"``
    or ``/author/<slug>/`` link, or the block theme's post-author name, in the post region
    first, never in a sidebar or a comment."""
    fallback = None
    for el in _account_candidates(idx):
        if _in_layout_boilerplate(el) or _in_comment(el):
            continue
        t = account_name(text_of(el))
        if not t:
            continue
        if within(el, region):
            return t
        if fallback is None:
            fallback = t
    return fallback


def _account_candidates(idx):
    for a in idx.rel_links:
        if "author" in rel_tokens(a):
            yield a
    for el in idx.cls(*_ACCOUNT_CLASSES):
        if el.tag == "a":
            if _author_link(el):
                yield el
        elif "wp-block-post-author-name" in classes(el) or "wp-block-post-author__name" in classes(el):
            yield el
        else:
            links = [a for a in el.iter("a") if _author_link(a)]
            yield from links
            if not links and classes(el) & _ACCOUNT_TEXT_CLASSES and next(el.iter("a"), None) is None:
                yield el        # "Tác giả: Minh Anh" printed without a link


def _in_comment(el) -> bool:
    while el is not None:
        c = el.get("class") or ""
        if "comment" in c:
            return True
        el = el.getparent()
    return False


def find_original(idx, base: str) -> str | None:
    """href of the ``Gốc`` link (the original source)."""
    for a in idx.goc:
        u = absolute(base, a.get("href"))
        if u:
            return u
    return None


def find_related(idx, base: str) -> tuple[list[str], list]:
    """URLs of the ``Tin khác`` / related-posts list, and the list containers."""
    urls, boxes = [], []
    for head in idx.heads:
        if len(head) > 3 or any(within(head, b) for b in boxes):
            continue
        box = head
        got = []
        for _ in range(4):
            box = box.getparent()
            if box is None:
                break
            passed = False
            inside = 0          # the head's own descendants come right after it (pre-order)
            for el in box.iter():
                if el is head:
                    passed = True
                    inside = sum(1 for _ in head.iterdescendants())
                elif inside:
                    inside -= 1
                elif passed and el.tag == "a":
                    u = absolute(base, el.get("href"))
                    if u and text_of(el):
                        got.append(u)
            if got:
                boxes.append(box)
                break
        urls.extend(got)
    for box in idx.cls(*_RELATED_BOX_CLASSES) + [idx.by_id[i] for i in _RELATED_BOX_IDS if i in idx.by_id]:
        if any(within(box, b) for b in boxes):
            continue
        boxes.append(box)
        for a in box.iter("a"):
            u = absolute(base, a.get("href"))
            if u and text_of(a):
                urls.append(u)
    return urls, boxes


def caption_of_figure(fig) -> str | None:
    """Caption text of a figure / ``.wp-caption`` element."""
    for el in fig.iter():
        if el is fig:
            continue
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag == "figcaption":
            return text_of(el) or None
        c = el.get("class")
        if c and "caption" in c:
            toks = c.split()
            if "wp-caption-text" in toks or "wp-element-caption" in toks:
                return text_of(el) or None
    return None


def is_figure(el) -> bool:
    if el.tag == "figure":
        return True
    c = el.get("class")
    if not c or ("wp-caption" not in c and "gallery-item" not in c):
        return False
    toks = c.split()
    return "wp-caption" in toks or "gallery-item" in toks


def is_centered(el) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    c = classes(el)
    return "text-align:center" in style or bool(
        c & {"has-text-align-center", "aligncenter", "text-center", "center"}) or el.tag == "center"


def is_italic_only(el) -> bool:
    """True when all the element's text sits inside <em>/<i>."""
    return _only_inside(el, ("em", "i"))


def is_emphasis_only(el) -> bool:
    """True when all the element's text sits inside <strong>/<b>/<em>/<i> (a set-apart line)."""
    return _only_inside(el, ("strong", "b", "em", "i"))


def _only_inside(el, tags: tuple[str, ...]) -> bool:
    total = text_of(el)
    if not total:
        return False
    inner = " ".join(text_of(x) for x in el.iter(*tags) if x.getparent() is not None
                     and x.getparent().tag not in tags)
    return normalize(inner) == total


def is_right_aligned(el) -> bool:
    """``style="text-align: right"``, the block editor's ``has-text-align-right``, ``align="right"``."""
    style = (el.get("style") or "").replace(" ", "").lower()
    c = classes(el)
    return "text-align:right" in style or bool(
        c & {"has-text-align-right", "alignright", "text-right", "right"}) or (el.get("align") or "").lower() == "right"
