"""The site profile (`archive.parser.profile`): selectors an archivist writes in
`<archive>/parser-profile.toml`, handed to the pure parser as data. The drift
scenario end to end (crawl, exit 4, profile, reindex) is `test_theme_change_day.py`."""

from __future__ import annotations

import pytest

from archive.parser import parse_article
from archive.parser.profile import (
    PROFILE_FILE,
    ParserProfile,
    ProfileError,
    load_archive_profile,
    profile_from_toml,
)
from replica.content import Corpus
from replica.render import post_page, post_url
from replica.style import SiteStyle
from replica.truth import truth_of

BASE = "http://127.0.0.1:8000"
MAGAZINE = """[selectors]
source = [".td-post-source-via a"]
categories = "ul.td-category a"
tags = ["ul.td-tags a"]
"""


def _posts(theme: str, n: int = 40):
    corpus = Corpus(n, 5, variety=True)
    style = SiteStyle(theme=theme, rest="403")
    for i in corpus.live:
        post = corpus.post(i)
        if post.meta.protected or post.page_breaks:
            continue
        html = post_page(corpus, BASE, post, style).encode()
        yield html, post_url(BASE, post.meta), truth_of(post, BASE, style, variety=True)


def _fields(art):
    return {"source": art.source, "author": art.author, "wp_author": art.wp_author,
            "categories": [t.slug for t in art.categories], "tags": [t.slug for t in art.tags],
            "body_text": art.body_text, "title": art.title, "published_raw": art.published_raw}


def _want(truth):
    return {"source": truth["source"], "author": truth["author"], "wp_author": truth["wp_author"],
            "categories": [c["slug"] for c in truth["categories"]], "tags": [t["slug"] for t in truth["tags"]],
            "body_text": truth["body_text"], "title": truth["title"], "published_raw": truth["published_raw"]}


def test_the_magazine_theme_loses_sources_and_terms_and_the_profile_gives_them_back():
    profile = profile_from_toml(MAGAZINE, "test")
    pages = list(_posts("magazine"))
    with_source = [p for p in pages if p[2]["source"]]
    assert len(with_source) >= 0.2 * len(pages)
    for html, url, truth in pages:
        bare = parse_article(html, url)
        assert bare.source is None and bare.categories == []      # what the theme change costs
        art = parse_article(html, url, profile=profile)
        assert _fields(art) == _want(truth), url
        if truth["source"]:
            assert art.sources["source"] == "profile"
        assert art.sources["categories"] == "profile"


def test_a_profile_changes_nothing_where_its_selectors_match_nothing():
    profile = profile_from_toml(MAGAZINE)
    for html, url, _ in list(_posts("classic"))[:15]:
        assert parse_article(html, url, profile=profile) == parse_article(html, url)


def test_profile_fields_body_title_author_account_published():
    html = """<html><head><title>X</title><link rel="shortlink" href="http://s/?p=7"></head>
<body class="single single-post postid-7"><div class="hdr"><div class="ttl">Lễ hội Hoa Phượng Đỏ 2024</div>
<span class="when">Thứ Hai, 06/05/2024 09:30</span><span class="who">Đăng bởi: Minh Anh</span></div>
<div class="xyz-text"><p class="credit">Bài, ảnh: Thu Hà</p><p>Sáng 5/5, thành phố khai mạc lễ hội với nhiều hoạt động văn hóa đặc sắc.</p>
<p>Đoạn thứ hai của bài viết kể về chương trình nghệ thuật.</p>
<div class="inline-ad"><p>Quảng cáo: đặt vé máy bay giá rẻ tại đây ngay hôm nay để nhận ưu đãi.</p></div>
<p class="readmore">Đọc tiếp: những điều cần biết về lễ hội năm nay ở thành phố cảng</p></div>
<div class="src">Nguồn: Báo Hải Phòng</div></body></html>""".encode()
    profile = profile_from_toml("""[selectors]
body = ".xyz-text"
title = ".ttl"
author = ".credit"
account = [".who"]
published = ".when"
source = ".src"
exclude = [".inline-ad", "p.readmore"]
""")
    art = parse_article(html, "http://s/le-hoi.html", profile=profile)
    assert art.title == "Lễ hội Hoa Phượng Đỏ 2024"
    assert art.author == "Thu Hà" and art.wp_author == "Minh Anh" and art.source == "Báo Hải Phòng"
    assert art.published_raw == "Thứ Hai, 06/05/2024 09:30" and art.event_date == "2024-05-05"
    assert art.lead.startswith("Sáng 5/5") and art.body_text == "Đoạn thứ hai của bài viết kể về chương trình nghệ thuật."
    assert {art.sources[k] for k in ("title", "author", "wp_author", "source")} == {"profile"}


@pytest.mark.parametrize("text, says", [
    ("[selectors\n", "not valid TOML"),
    ("[theme]\nsource = 'a'\n", "unknown table or key theme"),
    ("[selectors]\nbyline = 'a'\n", "unknown field 'byline'"),
    ("[selectors]\nsource = 3\n", "must be a CSS selector"),
    ("[selectors]\nsource = ['div[']\n", "is not a CSS selector"),
])
def test_a_bad_profile_is_one_clear_error(text, says):
    with pytest.raises(ProfileError, match=says.replace("[", r"\[")):
        profile_from_toml(text, "parser-profile.toml")


def test_the_archive_profile_file(tmp_path):
    assert load_archive_profile(tmp_path) is None
    (tmp_path / PROFILE_FILE).write_text(MAGAZINE, encoding="utf-8")
    p = load_archive_profile(tmp_path)
    assert isinstance(p, ParserProfile) and p.categories == ("ul.td-category a",) and len(p.sha256) == 64
    assert p == profile_from_toml(MAGAZINE, str(tmp_path / PROFILE_FILE))
    import pickle
    assert pickle.loads(pickle.dumps(p)) == p          # handed to worker processes


def test_the_shipped_example_is_a_valid_profile():
    from pathlib import Path
    example = Path(__file__).resolve().parent.parent / "deploy" / "parser-profile.toml.example"
    profile = profile_from_toml(example.read_text(encoding="utf-8"))
    for html, url, truth in list(_posts("magazine"))[:20]:       # its example: the magazine theme
        assert _fields(parse_article(html, url, profile=profile)) == _want(truth), url


def test_newspapers_entry_date_updated_is_the_publication_date():
    # tagDiv Newspaper prints <time class="entry-date updated td-module-date"> as its only date:
    # the publication date, not a modified time (hAtom's "updated" beside "entry-date")
    corpus = Corpus(20, 5, variety=True)
    style = SiteStyle(theme="magazine", rest="403", seo="none")
    for i in list(corpus.live)[:10]:
        post = corpus.post(i)
        if post.meta.protected:
            continue
        art = parse_article(post_page(corpus, BASE, post, style).encode(), post_url(BASE, post.meta))
        truth = truth_of(post, BASE, style, variety=True)
        assert (art.published_at, art.published_raw, art.modified_at) == \
            (truth["published_at"], truth["published_raw"], truth["modified_at"]) and art.modified_at is None
