"""One crawl's hold on an archive: the WARC writer, the database and the crawl row.

Scrapy-free: the crawler's extension drives it, and so can any other fetcher.
Each fetch becomes a WARC record first and a ``captures`` row second, so a row
never points at bytes that were not written.
"""

from __future__ import annotations

import json
import logging
import socket
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .db import open_db, utcnow
from .errors import ArchiveError
from .layout import ArchiveLayout
from .parser.model import Article
from .store import Store
from .warc.exchange import Exchange, RecordRef

log = logging.getLogger(__name__)


@dataclass
class SessionOptions:
    warc_max_size: int = 1_000_000_000
    warc_prefix: str = "portal"
    compress_level: int = 6
    settings: dict = field(default_factory=dict)  # recorded in warcinfo and the crawls row
    start_url: str | None = None


class ArchiveSession:
    def __init__(self, root: str | Path, options: SessionOptions | None = None):
        self.layout = ArchiveLayout(root)
        self.options = options or SessionOptions()
        self.conn = None
        self.store: Store | None = None
        self.writer = None
        self.crawl_id: int | None = None
        self.counts = {"captures": 0, "articles": 0, "errors": 0, "revisits": 0}

    # -- life cycle -----------------------------------------------------------
    def open(self) -> "ArchiveSession":
        from .warc.writer import WarcWriter  # local: keeps import of this module cheap

        self.layout.create()
        self.conn = open_db(self.layout.db)
        self.store = Store(self.conn)
        self._recover()
        self.crawl_id = self.store.start_crawl(self.options.start_url, self.options.settings)
        warcinfo = {
            "software": f"portal-archive/{__version__}",
            "hostname": socket.gethostname(),
            "crawl-id": str(self.crawl_id),
            "start-url": self.options.start_url or "",
            "settings": json.dumps(self.options.settings, sort_keys=True, default=str,
                                   ensure_ascii=False),
        }
        self.writer = WarcWriter(
            self.layout.warc_dir,
            prefix=self.options.warc_prefix,
            max_size=self.options.warc_max_size,
            warcinfo=warcinfo,
            compress_level=self.options.compress_level,
            on_close=self._on_warc_closed,
        )
        return self

    def _recover(self) -> None:
        """Cut back WARCs a killed crawl left open, and forget rows past the cut."""
        try:
            from .recover import recover_archive
        except ImportError:  # pragma: no cover - bootstrap
            return
        report = recover_archive(self.layout, self.conn)
        if report:
            log.warning("recovered an interrupted crawl: %s", report)

    def _on_warc_closed(self, path: Path) -> None:
        for hook in ("fixity", "cdxj"):
            try:
                mod = __import__(f"archive.{hook}", fromlist=["on_warc_closed"])
            except ImportError:
                continue
            fn = getattr(mod, "on_warc_closed", None)
            if fn is not None:
                try:
                    fn(self.layout, Path(path))
                except Exception as exc:  # noqa: BLE001 - never lose a crawl over an index
                    log.error("%s hook failed for %s: %s", hook, path, exc)

    def close(self, status: str, stats: dict | None = None, exit_code: int | None = None) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        if self.store is not None and self.crawl_id is not None:
            merged = dict(stats or {})
            merged.update({f"archive/{k}": v for k, v in self.counts.items()})
            self.store.finish_crawl(self.crawl_id, status, merged, exit_code)
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    # -- recording ------------------------------------------------------------
    def record(self, exchange: Exchange) -> int:
        """Write the exchange to WARC, then its captures row; return the row id."""
        if self.writer is None or self.store is None:
            raise ArchiveError("archive session is not open — call open() first")
        ref: RecordRef = self.writer.write_exchange(exchange)
        ctype = None
        for name, value in exchange.response_headers:
            if name.lower() == "content-type":
                ctype = value.decode("latin-1") if isinstance(value, bytes) else value
                break
        capture_id = self.store.add_capture(
            self.crawl_id, url=exchange.url, status=exchange.status, content_type=ctype,
            fetched_at=exchange.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"), ref=ref,
            method=exchange.method, payload_length=len(exchange.body),
            truncated=exchange.truncated,
        )
        self.counts["captures"] += 1
        return capture_id

    def save_article(self, article: Article, capture_id: int | None) -> int:
        article_id = self.store.save_article(article, capture_id, utcnow())
        self.counts["articles"] += 1
        return article_id

    def error(self, url: str | None, kind: str, message: str) -> None:
        self.store.add_error(self.crawl_id, url, kind, message)
        self.counts["errors"] += 1
