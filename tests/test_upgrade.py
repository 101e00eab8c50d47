"""An archive made by an older portal-archive: read-only commands upgrade it once, then read it."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest
from clirun import invoke_cli, run_cli

from archive.db import SCHEMA_VERSION, register_functions, utcnow
from archive.db.migrations import MIGRATIONS


def old_archive(root, upto: int = 5):
    """The database as portal-archive wrote it with migrations 1..upto, with one article."""
    root.mkdir()
    conn = sqlite3.connect(root / "archive.sqlite", isolation_level=None)
    register_functions(conn)
    conn.execute("CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                 "applied_at TEXT NOT NULL)")
    for version, name, fn in MIGRATIONS:
        if version > upto:
            break
        conn.execute("BEGIN")
        fn(conn)
        conn.execute("INSERT INTO migrations VALUES (?, ?, ?)", (version, name, utcnow()))
        conn.execute("COMMIT")
    conn.execute("INSERT INTO articles(url, slug, title, lead, body_text, published_at, "
                 "first_seen_at, last_seen_at) VALUES ('http://p.vn/a.html', 'a', 'Đà Nẵng hợp tác', "
                 "'Sáng 2/7, lãnh đạo hai thành phố gặp nhau.', 'Nội dung.', '2024-07-02T01:00:00Z', "
                 "'2024-07-02T01:00:00Z', '2024-07-02T01:00:00Z')")
    conn.close()
    return root


def versions(root) -> set[int]:
    conn = sqlite3.connect(root / "archive.sqlite")
    try:
        return {r[0] for r in conn.execute("SELECT version FROM migrations")}
    finally:
        conn.close()


def test_export_and_search_upgrade_an_old_archive(tmp_path):
    root = old_archive(tmp_path / "old")
    assert max(versions(root)) == 5 < SCHEMA_VERSION
    out = tmp_path / "a.jsonl"
    proc = invoke_cli("export", "--archive", str(root), "--format", "jsonl", "-o", str(out), check=True)
    assert "Traceback" not in proc.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == "Đà Nẵng hợp tác"
    assert max(versions(root)) == SCHEMA_VERSION
    hits = json.loads(invoke_cli("search", "--archive", str(root), "--format", "json", "--", "Đà Nẵng",
                                 check=True).stdout)
    assert [h["title"] for h in hits] == ["Đà Nẵng hợp tác"]


def run_on_read_only(root, *args):
    """The CLI with ``root`` read-only: chmod for a normal user; for root (whom modes do not
    stop) a read-only bind mount in a private mount namespace."""
    import subprocess
    import sys

    if os.geteuid() != 0:
        os.chmod(root / "archive.sqlite", 0o444)
        os.chmod(root, 0o555)
        try:
            return run_cli(*args, check=False, timeout=120)
        finally:
            os.chmod(root, 0o755)
    script = f'mount --bind -o ro "{root}" "{root}" && exec "$0" -m crawler "$@"'
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script,
                           sys.executable, *args], capture_output=True, text=True, timeout=120)


@pytest.mark.slow  # a process in its own mount namespace
def test_unwritable_old_archive_is_one_line(tmp_path):
    root = old_archive(tmp_path / "old")
    proc = run_on_read_only(root, "search", "--archive", str(root), "--", "Đà")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "made by an older portal-archive" in proc.stderr
    assert max(versions(root)) == 5  # untouched


def test_an_archive_with_two_indexes_gets_one_that_answers_the_same(tmp_path):
    """Migration 12 drops migration 10's folded and exact indexes and their triggers and
    indexes every article once, both keys of each word in one term."""
    root = old_archive(tmp_path / "old", upto=11)
    conn = sqlite3.connect(root / "archive.sqlite", isolation_level=None)
    register_functions(conn)
    conn.execute("INSERT INTO articles(url, slug, title, first_seen_at, last_seen_at) VALUES "
                 "('http://p.vn/b.html', 'b', 'Sở đã nâng cấp đường', '2024-07-03T01:00:00Z', "
                 "'2024-07-03T01:00:00Z')")
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"articles_fts_exact", "articles_fts_exact_insert"} <= names
    conn.close()
    from archive.db import open_db
    from archive.research.search import search

    db = open_db(root / "archive.sqlite")
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    assert not any(n.startswith("articles_fts_exact") for n in names)
    assert {"articles_fts", "articles_fts_insert", "articles_fts_delete", "articles_fts_update"} <= names

    def titles(q, **kw):
        return sorted(h.title for h in search(db, q, **kw))

    assert titles("Đà Nẵng") == ["Đà Nẵng hợp tác"]
    assert titles('"đã nâng"') == ["Sở đã nâng cấp đường"]
    assert titles("da nang") == ["Sở đã nâng cấp đường", "Đà Nẵng hợp tác"]
    assert titles("Đà Nẵng", mode="fold") == ["Sở đã nâng cấp đường", "Đà Nẵng hợp tác"]
    assert titles("hợp*") == ["Đà Nẵng hợp tác"]
    # the triggers now write the one index
    db.execute("UPDATE articles SET title = 'Đà Lạt' WHERE slug = 'a'")
    assert titles("Đà Nẵng") == [] and titles("da lat") == ["Đà Lạt"]
    db.close()
