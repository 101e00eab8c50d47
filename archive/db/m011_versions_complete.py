"""Migration 11: ``article_versions`` stores every field ``content_digest`` covers.

Until now a version kept title, lead and body only, while the digest also
covers the date, author, source, original link, categories, tags and images:
two versions could differ in what was not kept. New columns (the list of
fields is ``archive.db.store.VERSIONED``): ``published_at``, ``author``,
``source``, ``original_url`` (text), ``categories``, ``tags`` (JSON arrays of
slugs), ``images`` (JSON array of URLs).

Rows written before this migration: the newest version of each article gets
them from the article when its digest is the article's (it is that content);
older versions keep NULL there (not known any more).
"""

from archive.db.migrations import run_script

VERSION = 11
NAME = "article_versions: every field content_digest covers"

SCHEMA = """
ALTER TABLE article_versions ADD COLUMN published_at TEXT;
ALTER TABLE article_versions ADD COLUMN author TEXT;
ALTER TABLE article_versions ADD COLUMN source TEXT;
ALTER TABLE article_versions ADD COLUMN original_url TEXT;
ALTER TABLE article_versions ADD COLUMN categories TEXT;
ALTER TABLE article_versions ADD COLUMN tags TEXT;
ALTER TABLE article_versions ADD COLUMN images TEXT;

UPDATE article_versions AS v SET
    published_at = a.published_at, author = a.author, source = a.source, original_url = a.original_url,
    categories = (SELECT json_group_array(slug) FROM (
        SELECT c.slug FROM article_categories j JOIN categories c ON c.id = j.category_id
        WHERE j.article_id = a.id ORDER BY j.position)),
    tags = (SELECT json_group_array(slug) FROM (
        SELECT t.slug FROM article_tags j JOIN tags t ON t.id = j.tag_id
        WHERE j.article_id = a.id ORDER BY j.position)),
    images = (SELECT json_group_array(url) FROM (
        SELECT i.url FROM images i WHERE i.article_id = a.id ORDER BY i.position))
FROM articles AS a
WHERE a.id = v.article_id AND a.content_digest = v.content_digest
  AND v.version = (SELECT max(version) FROM article_versions WHERE article_id = a.id);
"""


def apply(conn) -> None:
    run_script(conn, SCHEMA)
