"""Documents without a crawl: the vocabulary, PDF text, and rows built in either order."""

from __future__ import annotations

import io
import zipfile

from archive.db import open_db
from archive.db.store import Store
from archive.parser import parse_article
from archive.parser.documents import is_document_mime, is_document_url
from archive.parser.model import Article, DocumentLink
from archive.parser.pdftext import pdf_text
from archive.warc.documents import disposition_file_name, record_document
from replica import documents as D
from replica.content import Corpus
from replica.site import Site

BASE = "http://127.0.0.1:8000"


def test_document_urls_and_types():
    assert is_document_url(f"{BASE}/wp-content/uploads/2024/01/Quy%E1%BA%BFt-dinh.PDF")
    assert is_document_url(f"{BASE}/files/bao-cao.xlsx?ver=2")
    assert is_document_url(f"{BASE}/?wpdmdl=123")
    assert is_document_url(f"{BASE}/download/ke-hoach-2024/")
    assert not is_document_url(f"{BASE}/robots.txt")
    assert not is_document_url(f"{BASE}/bai-viet.html")
    assert not is_document_url(f"{BASE}/wp-content/uploads/a.jpg")
    assert is_document_mime("application/pdf; charset=binary")
    assert not is_document_mime("application/octet-stream")   # only with a document URL
    assert disposition_file_name("attachment; filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh.pdf") \
        == "Quyết định.pdf"
    assert disposition_file_name('inline; filename="C:\\tmp\\a.doc"') == "a.doc"


def test_replica_pdf_text_equals_truth_with_every_tone_mark():
    corpus = Corpus(12, 1)
    for i in range(4):
        meta = corpus.meta(i)
        got = pdf_text(D.pdf_bytes(1, meta))
        assert got.status == "ok" and got.text == D.pdf_text_of(1, meta)
        assert f"Mã hồ sơ HP-{meta.id}-" in got.text and "ỦY BAN NHÂN DÂN" in got.text
    docx = zipfile.ZipFile(io.BytesIO(D.docx_bytes(1, corpus.meta(0))))
    assert docx.testzip() is None and "word/document.xml" in docx.namelist()
    xlsx = zipfile.ZipFile(io.BytesIO(D.xlsx_bytes(1, corpus.meta(1))))
    assert xlsx.testzip() is None and "xl/worksheets/sheet1.xml" in xlsx.namelist()


def test_bad_pdfs_give_a_status_never_an_exception():
    good = D.pdf_bytes(1, Corpus(4, 1).meta(0))
    for data in (b"", b"%PDF-1.7\n garbage", good[: len(good) // 3], b"%PDF-1.4\n" + b"[" * 50000):
        got = pdf_text(data)
        assert got.status in ("failed", "partial", "ok") and (got.status != "failed" or got.message)
    assert pdf_text(good, truncated=True).status == "truncated"
    assert pdf_text(good, max_seconds=0).status in ("failed", "partial")


def test_post_page_lists_its_documents_not_the_sidebars():
    corpus = Corpus(12, 1)
    site = Site(corpus)
    meta = corpus.meta(0)
    status, headers, body = site.handle("GET", f"/{meta.slug}.html")
    article = parse_article(body, f"{BASE}/{meta.slug}.html")
    want = [(d["url"], d["link_text"], d["file_name"]) for d in D.truth_of(1, BASE, meta)]
    assert [(d.url, d.text, d.file_name) for d in article.documents] == want
    for url, _, _ in want:
        status, headers, data = site.handle("GET", url[len(BASE):])
        assert status == 200 and dict(headers)["Content-Type"] in (D.PDF_MIME, D.DOCX_MIME, D.XLSX_MIME)


def _rows(conn):
    return sorted(tuple(r) for r in conn.execute(
        "SELECT a.wp_post_id, d.url, d.link_text, d.file_name, d.position, d.mime_type, d.size, d.sha1,"
        " d.payload_digest, c.url, d.truncated, d.text, d.text_status FROM documents d"
        " LEFT JOIN articles a ON a.id = d.article_id LEFT JOIN captures c ON c.id = d.capture_id"))


def test_rows_are_the_same_whichever_comes_first(tmp_path):
    meta = Corpus(4, 1).meta(0)
    pdf = D.pdf_bytes(1, meta)
    url = f"{BASE}/files/qd.pdf"
    art = Article(url=f"{BASE}/bai.html", wp_post_id=7, title="Bài",
                  documents=[DocumentLink(url, "Quyết định", "qd.pdf"),
                             DocumentLink(f"{BASE}/off.docx", None, "off.docx")])
    results = []
    for order in ("article-first", "capture-first"):
        conn = open_db(tmp_path / f"{order}.sqlite")
        store = Store(conn)

        def capture(store=store):
            cid = store.add_capture(None, url=url, status=200, content_type="application/pdf",
                                    fetched_at="2026-01-01T00:00:00Z")
            assert record_document(store, cid, url, 200, "application/pdf", None,
                                   'attachment; filename="Quyết định 12.pdf"', lambda: pdf,
                                   "sha1:AAAA", None) is None
        if order == "article-first":
            store.save_article(art, None)
            capture()
        else:
            capture()
            store.save_article(art, None)
        results.append(_rows(conn))
        assert conn.execute("SELECT count(*) FROM documents WHERE article_id IS NULL").fetchone()[0] == 0
    assert results[0] == results[1]
    pdf_row = next(r for r in results[0] if r[1] == url)
    assert pdf_row[3] == "Quyết định 12.pdf" and pdf_row[5] == "application/pdf"
    assert pdf_row[11] == D.pdf_text_of(1, meta) and pdf_row[12] == "ok"


def test_a_broken_pdf_is_an_error_message_and_a_row(tmp_path):
    conn = open_db(tmp_path / "a.sqlite")
    store = Store(conn)
    url = f"{BASE}/x.pdf"
    cid = store.add_capture(None, url=url, status=200, content_type="application/pdf",
                            fetched_at="2026-01-01T00:00:00Z")
    problem = record_document(store, cid, url, 200, "application/pdf", None, None,
                              lambda: b"%PDF-1.7 not really", "sha1:BBBB", None)
    assert problem
    row = conn.execute("SELECT text, text_status, size FROM documents WHERE url=?", (url,)).fetchone()
    assert tuple(row) == (None, "failed", 19)


def test_listing_policy_takes_author_and_date_archives_not_day_calendars():
    from crawler.urlpolicy import LISTING, UrlPolicy
    policy = UrlPolicy()
    for path in ("/2024/", "/2024/05/", "/2024/05/page/3/", "/author/admin/", "/author/admin/page/2/"):
        assert policy.classify(BASE + path) == LISTING, path
    for path in ("/2024/05/12/", "/2024/05/12/page/2/", "/author/admin/feed/", "/search/x/"):
        assert policy.classify(BASE + path) is None, path
