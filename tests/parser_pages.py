"""Helpers for the parser tests: the hand-made pages in tests/pages/."""

from __future__ import annotations

from pathlib import Path

from archive.parser import parse_article

PAGES = Path(__file__).parent / "pages"
PORTAL = "https://thanhphohaiphong.gov.vn"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def parse(name: str, url: str = PORTAL + "/?p=1", **kw):
    return parse_article(page(name), url, **kw)
