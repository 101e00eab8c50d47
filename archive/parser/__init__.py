"""The article parser: one pure function, HTML bytes + URL -> Article | None."""

from archive.parser.model import ARTICLE_COLUMNS, Article, Image, Link, Term

try:  # the implementation lands in archive/parser/core.py
    from archive.parser.core import parse_article
except ImportError:  # pragma: no cover - during bootstrap only
    parse_article = None

__all__ = ["ARTICLE_COLUMNS", "Article", "Image", "Link", "Term", "parse_article"]
