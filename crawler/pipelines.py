"""Item pipeline: stores parsed articles through the crawl's archive session."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured

from .archive_extension import ArchiveExtension


class ArticlePipeline:
    """Items are ``{"article": Article, "capture_key": int | None}`` (the key the
    archive session returned for the page's capture), stored by the capture→rows
    rules (``archive.warc.capture_rows``) with the capture's own time."""

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
        session.save_article(item["article"], item.get("capture_key"))
        for url in item.get("urls", ()):
            session.frontier.done(url)  # only now: the article row is stored
        return item
