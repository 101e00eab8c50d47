"""portal-archive storage: WARC files, the SQLite database and the article parser.

This package never imports Scrapy or Twisted; it is usable on its own to read,
verify, re-parse, search and export an archive.
"""

__version__ = "0.1.0"
