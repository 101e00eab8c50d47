"""``archive.warc.assemble.reassemble``: a post put together again from the captures
that followed its page 1, by the bookkeeping the rebuild uses (which answer counts)."""

from __future__ import annotations

import json

from archive.parser import Article
from archive.warc.assemble import Answer, reassemble

BASE = "https://x.vn/bai-viet.html"
PAGES = [BASE, BASE + "/2/"]
REST = "https://x.vn/wp-json/wp/v2/posts/7"
JSON = json.dumps({"id": 7, "modified_gmt": "2024-05-02T03:04:05",
                   "_embedded": {"author": [{"name": "Nguyễn Văn An"}]}}).encode()


def _first(**kw) -> Article:
    return Article(url=BASE, wp_post_id=7, title="Bài", body_text="Trang một.", page_urls=list(PAGES),
                   rest_url=REST, **kw)


def _page2(text="Trang hai.") -> Article:
    return Article(url=PAGES[1], wp_post_id=7, title="Bài", body_text=text, page_urls=list(PAGES), page=2)


def _answer(url, status, *, page=None, body=None, parse=None) -> Answer:
    def boom():
        raise AssertionError("not read")
    return Answer(url, status, status == 200 if parse is None else parse,
                  (lambda: page) if page is not None else boom, (lambda: body) if body is not None else boom)


def test_pages_and_rest_after_a_transient_answer_are_assembled():
    got = reassemble(_first(), [
        _answer(PAGES[1], 503, parse=False),                 # transient: the retry's answer counts
        _answer(PAGES[1], 200, page=_page2()),
        _answer(REST + "?_embed", 200, body=JSON),
    ])
    assert got.pages == 2 and got.body_text == "Trang một.\n\nTrang hai."
    assert got.wp_author == "Nguyễn Văn An" and got.modified_at == "2024-05-02T03:04:05Z"


def test_a_refused_rest_api_and_a_missing_page_leave_the_post_as_the_rebuild_stores_it():
    got = reassemble(_first(), [_answer(PAGES[1], 404, parse=False), _answer(REST + "?_embed", 403)])
    assert got.pages == 1 and got.body_text == "Trang một." and got.wp_author is None
    # a page that never answered: the post is stored from what it has
    assert reassemble(_first(), []).body_text == "Trang một."
    # the first settling answer counts: a later one (another crawl's retry) does not
    got = reassemble(_first(), [_answer(PAGES[1], 200, page=_page2()),
                                _answer(PAGES[1], 200, page=_page2("Khác."))])
    assert got.body_text == "Trang một.\n\nTrang hai."


def test_a_post_without_parts_is_itself():
    one = Article(url=BASE, wp_post_id=7, title="Bài", body_text="Một trang.")
    assert reassemble(one, [_answer(PAGES[1], 200, page=_page2())]) is one
