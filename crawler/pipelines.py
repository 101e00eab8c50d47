"""Item pipeline: stores parsed articles through the crawl's archive session."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured

from .archive_extension import ArchiveExtension


class ArticlePipeline:
    """Items are ``{"parsed": capture_rows.Parsed, "capture_id": int | None, "url": str,
    "urls": [str]}``: the parser's outcome for one page, stored by the capture→rows rules."""

    def __init__(self, extension: ArchiveExtension):
        self.extension = extension

    @classmethod
    def from_crawler(cls, crawler):
        ext = ArchiveExtension.of(crawler)
        if ext is not None:
            return cls(ext)
        raise NotConfigured("ArticlePipeline needs crawler.archive_extension.ArchiveExtension")

    def process_item(self, item):
        session = self.extension.session
        if "parsed" in item:
            session.save_parsed(item["parsed"], item.get("capture_id"), item.get("url"))
        else:  # {"article": Article} items of the spider's multi-page assembly
            session.save_article(item["article"], item.get("capture_id"))
        for url in item.get("urls", ()):
            session.frontier.done(url)  # only now: the article row is stored
        return item
