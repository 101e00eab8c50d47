"""Cleaned body HTML from the kept blocks: only whitelisted tags, absolute URLs.

The inline HTML of each block was already filtered by the walker (``blocks.py``:
``a[href]``, ``strong``, ``em`` … and ``img[src, alt]``); here blocks get their
wrapper: ``<p>``, ``<h2>``…, ``<li>`` grouped in ``<ul>``/``<ol>``, images and their
captions in ``<figure>``.
"""

from __future__ import annotations

import html as htmlmod

from archive.parser.blocks import Block


def _img_html(url: str) -> str:
    return f'<img src="{htmlmod.escape(url, quote=True)}" alt="">'


def _list_tag(el) -> str:
    return el.tag if el.tag in ("ul", "ol") else "ul"


def body_html(blocks: list[Block], captions: set[int]) -> str:
    """``captions``: ids of blocks that are image captions (rendered as figcaption)."""
    out: list[str] = []
    open_list = None
    figure: str | None = None          # an image-only block waiting for its caption
    for b in blocks:
        is_caption = id(b) in captions
        if figure is not None:
            if is_caption:
                out.append(f"{figure}<figcaption>{b.html}</figcaption></figure>")
                figure = None
                continue
            out.append(figure + "</figure>")
            figure = None
        is_li = b.kind == "li" and b.list_el is not None
        if open_list is not None and (not is_li or b.list_el is not open_list):
            out.append(f"</{_list_tag(open_list)}>")
            open_list = None
        if is_li and open_list is None:
            open_list = b.list_el
            out.append(f"<{_list_tag(open_list)}>")
        if b.images and not b.text:
            figure = "<figure>" + "".join(_img_html(i.url) for i in b.images)
        elif is_caption:
            out.append(f"<figure><figcaption>{b.html}</figcaption></figure>")
        else:
            tag = "p" if b.tag == "figcaption" else b.tag
            out.append(f"<{tag}>{b.html}</{tag}>")
    if figure is not None:
        out.append(figure + "</figure>")
    if open_list is not None:
        out.append(f"</{_list_tag(open_list)}>")
    return "\n".join(out)
