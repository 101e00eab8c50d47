"""Migration 1: the initial schema (crawls, captures, articles and their terms, images, links, errors)."""

from archive.db.migrations import run_script

VERSION = 1
NAME = "initial schema"

INITIAL_SCHEMA = """
CREATE TABLE crawls (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    start_url TEXT,
    settings_json TEXT,
    stats_json TEXT,
    exit_code INTEGER,
    pid INTEGER,
    tool_version TEXT
);

CREATE TABLE captures (
    id INTEGER PRIMARY KEY,
    crawl_id INTEGER REFERENCES crawls(id),
    url TEXT NOT NULL,
    method TEXT NOT NULL DEFAULT 'GET',
    status INTEGER,
    content_type TEXT,
    fetched_at TEXT NOT NULL,
    payload_digest TEXT,
    payload_length INTEGER,
    warc_file TEXT,
    warc_offset INTEGER,
    warc_length INTEGER,
    record_id TEXT,
    record_type TEXT NOT NULL DEFAULT 'response',
    refers_to_capture_id INTEGER REFERENCES captures(id),
    truncated TEXT
);
CREATE INDEX captures_url ON captures(url);
CREATE INDEX captures_digest ON captures(payload_digest);
CREATE INDEX captures_warc ON captures(warc_file, warc_offset);
CREATE UNIQUE INDEX captures_record_id ON captures(record_id);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    wp_post_id INTEGER,
    url TEXT NOT NULL,
    slug TEXT,
    title TEXT,
    lead TEXT,
    body_text TEXT,
    body_html TEXT,
    published_at TEXT,
    published_raw TEXT,
    date_is_bulk_import INTEGER NOT NULL DEFAULT 0,
    event_date TEXT,
    author TEXT,
    source TEXT,
    original_url TEXT,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    capture_id INTEGER REFERENCES captures(id),
    extract_sources TEXT,
    content_digest TEXT,
    gone_at TEXT
);
CREATE UNIQUE INDEX articles_wp_post_id ON articles(wp_post_id) WHERE wp_post_id IS NOT NULL;
CREATE UNIQUE INDEX articles_url_no_id ON articles(url) WHERE wp_post_id IS NULL;
CREATE INDEX articles_url ON articles(url);
CREATE INDEX articles_published_at ON articles(published_at);

CREATE TABLE categories (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT,
    url TEXT
);
CREATE TABLE article_categories (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories(id),
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, category_id)
);
CREATE INDEX article_categories_category ON article_categories(category_id);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT,
    url TEXT
);
CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags(tag_id);

CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    caption TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    capture_id INTEGER REFERENCES captures(id)
);
CREATE INDEX images_article ON images(article_id);
CREATE INDEX images_url ON images(url);

CREATE TABLE links (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX links_article ON links(article_id);

CREATE TABLE errors (
    id INTEGER PRIMARY KEY,
    crawl_id INTEGER REFERENCES crawls(id),
    url TEXT,
    kind TEXT NOT NULL,
    message TEXT,
    at TEXT NOT NULL
);
CREATE INDEX errors_crawl ON errors(crawl_id);
"""


def apply(conn):
    run_script(conn, INITIAL_SCHEMA)
