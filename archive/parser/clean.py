"""Cleaned body HTML from the kept blocks: only whitelisted tags, absolute URLs.

The inline HTML of each block was already filtered by the walker (``blocks.py``:
``a[href]``, ``strong``, ``em`` … and ``img[src, alt]``); here blocks get their
wrapper: ``<p>``, ``<h2>``…, ``<li>`` grouped in ``<ul>``/``<ol>``, images and their
captions in ``<figure>``.
"""

from __future__ import annotations

import html as htmlmod

from .blocks import Block


def _img_html(url: str, alt: str = "") -> str:
    return f'<img src="{htmlmod.escape(url, quote=True)}" alt="{htmlmod.escape(alt, quote=True)}">'


def body_html(blocks: list[Block], captions: set[int]) -> str:
    """``captions``: ids of blocks that are image captions (rendered as figcaption)."""
    out: list[str] = []
    open_list = None
    open_figure = False
    for b in blocks:
        is_li = b.kind == "li" and b.list_el is not None
        if open_list is not None and (not is_li or b.list_el is not open_list):
            out.append(f"</{open_list.tag if open_list.tag in ('ul', 'ol') else 'ul'}>")
            open_list = None
        if open_figure and id(b) not in captions:
            out.append("</figure>")
            open_figure = False
        if is_li and open_list is None:
            open_list = b.list_el
            out.append(f"<{open_list.tag if open_list.tag in ('ul', 'ol') else 'ul'}>")
        text_only = b.html
        if b.images and not b.text:
            if open_figure:
                out.append("</figure>")
            out.append("<figure>" + "".join(_img_html(i.url) for i in b.images))
            open_figure = True
            continue
        if id(b) in captions:
            if open_figure:
                out.append(f"<figcaption>{text_only}</figcaption></figure>")
                open_figure = False
            else:
                out.append(f"<figcaption>{text_only}</figcaption>")
            continue
        tag = b.tag if b.tag not in ("figcaption",) else "p"
        out.append(f"<{tag}>{text_only}</{tag}>")
    if open_figure:
        out.append("</figure>")
    if open_list is not None:
        out.append(f"</{open_list.tag if open_list.tag in ('ul', 'ol') else 'ul'}>")
    return "\n".join(out)
