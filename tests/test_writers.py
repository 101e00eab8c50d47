"""docs/design.md names every module that writes the archive database; this keeps it true."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WRITERS = {  # module → what docs/design.md says it may write (see the table there)
    "archive/db/store.py", "archive/db/documents.py", "archive/crawl/parse_health.py",
    "archive/warc/dedup.py", "archive/warc/rows.py",
    "archive/crawl/session.py", "archive/integrity/recover.py", "archive/integrity/reindex.py",
    "archive/research/search.py", "archive/crawl/frontier.py", "archive/db/__init__.py",
}
WRITE = re.compile(r"""["'](?:INSERT|UPDATE|DELETE|REPLACE)\b[^"']*""")


def _writes(text: str) -> bool:
    """SQL writes into the archive database (temporary tables of a search are not)."""
    return any("temp." not in m.group(0) for m in WRITE.finditer(text))


def test_only_the_documented_writers_write():
    writing = {str(p.relative_to(ROOT)) for p in (ROOT / "archive").rglob("*.py")
               if not p.name.startswith("m0") and _writes(p.read_text(encoding="utf-8"))}
    assert writing - WRITERS == set(), "a new writer: name it in docs/design.md and here, or write through Store"
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    for module in WRITERS - {"archive/db/__init__.py", "archive/db/documents.py", "archive/crawl/parse_health.py"}:
        dotted = module.removesuffix(".py").replace("/", ".")
        assert dotted.rsplit(".", 1)[0] in design, module


def test_one_crawl_status_vocabulary(tmp_path):
    """crawls.status words: one table in archive/db/store.py, the same in docs/schema.md;
    any other word is refused when written, and every Scrapy close reason maps onto it."""
    import pytest

    from archive.db import open_db
    from archive.db.store import CRAWL_STATUSES, Store, crawl_status

    schema = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    line = next(x for x in schema.splitlines() if x.startswith("| `status` |"))
    assert set(re.findall(r"`([a-z]+)`", line)) >= set(CRAWL_STATUSES)
    assert crawl_status("finished") == "finished" and crawl_status("shutdown") == "interrupted"
    assert crawl_status("closespider_timeout") == "interrupted"
    assert crawl_status("disk-full") == crawl_status("storage-failed") == "failed"
    store = Store(open_db(tmp_path / "archive.sqlite"))
    crawl_id = store.start_crawl(None, {})
    with pytest.raises(ValueError):
        store.finish_crawl(crawl_id, "disk-full", {})
    store.finish_crawl(crawl_id, "failed", {"finish_reason": "disk-full"})
