"""What the parser returns: plain dataclasses, no behaviour beyond conversion."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ARTICLE_COLUMNS = (
    "wp_post_id", "url", "slug", "title", "lead", "body_text", "body_html",
    "published_at", "published_raw", "date_is_bulk_import", "event_date",
    "author", "source", "original_url", "modified_at", "wp_author", "pages",
)


@dataclass(frozen=True)
class Term:
    """A category or tag."""
    slug: str
    name: str
    url: str | None = None


@dataclass(frozen=True)
class Image:
    url: str
    caption: str | None = None


@dataclass(frozen=True)
class Link:
    url: str
    kind: str  # "related" | "original" | "body"


@dataclass(frozen=True)
class DocumentLink:
    """A link from the post to a document (PDF, DOCX, XLSX …): ``archive.parser.documents``."""
    url: str
    text: str | None = None
    file_name: str | None = None


@dataclass
class Article:
    url: str
    wp_post_id: int | None = None
    slug: str | None = None
    title: str | None = None
    lead: str | None = None
    body_text: str = ""
    body_html: str = ""
    published_at: str | None = None
    published_raw: str | None = None
    date_is_bulk_import: int = 0
    event_date: str | None = None
    author: str | None = None
    source: str | None = None
    original_url: str | None = None
    modified_at: str | None = None     # UTC ``…Z``, machine-readable sources only
    wp_author: str | None = None       # the WordPress account's display name
    pages: int = 1                     # pages of a multi-page post (``<!--nextpage-->``)
    categories: list[Term] = field(default_factory=list)
    tags: list[Term] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    documents: list[DocumentLink] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    # not columns: what the crawler needs to fetch the rest of the post
    page_urls: list[str] = field(default_factory=list)   # every page of a multi-page post, in order
    page: int = 1                                        # which of them this page is
    rest_url: str | None = None                          # the post's ``/wp-json/wp/v2/posts/<id>``

    def to_row(self) -> dict:
        """The ``articles`` columns this article fills."""
        return {c: getattr(self, c) for c in ARTICLE_COLUMNS}

    def to_truth(self) -> dict:
        """The shape ``portal-archive replica truth`` prints (minus body_html)."""
        row = self.to_row()
        row.pop("body_html")
        row["categories"] = [{"slug": t.slug, "name": t.name} for t in self.categories]
        row["tags"] = [{"slug": t.slug, "name": t.name} for t in self.tags]
        row["images"] = [{"url": i.url, "caption": i.caption} for i in self.images]
        return row

    def as_dict(self) -> dict:
        return asdict(self)
