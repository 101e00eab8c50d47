"""Revisit records across crawls through the digest table."""

from __future__ import annotations

from datetime import timedelta

from warc_helpers import (
    T0,
    add_capture,
    build_archive,
    hooks,
    image_exchange,
    post_exchange,
)

from archive.integrity.verify import verify_archive
from archive.warc import WarcWriter, payload_digest, read_record
from archive.warc.dedup import DigestIndex


def test_second_crawl_writes_revisits(tmp_path):
    layout, conn, writer, items = build_archive(tmp_path / "a", posts=3)
    index = DigestIndex(conn)
    for it in items.values():
        for key, cap in (("post_ref", "capture_id"), ("image_ref", "image_capture_id")):
            index.remember(it[key].payload_digest, it[key], it[cap])
    assert index.lookup("sha1:NOPE") is None

    # crawl 2: same payloads (image 1 changed) → revisits, except the changed one
    later = T0 + timedelta(days=1)
    with WarcWriter(layout.warc_dir, warcinfo={"crawl": 2}, on_close=hooks(layout)) as w2:
        refs = {}
        for i in range(3):
            for ex in (post_exchange(i, later), image_exchange(i + (10 if i == 1 else 0), later)):
                if i == 1 and "anh-11" in ex.url:
                    ex.url = items[1]["image_url"]
                hit = index.lookup(payload_digest(ex.body))
                if hit is not None:
                    ref = w2.write_revisit(ex, hit)
                    cid = add_capture(conn, ex, ref, record_type="revisit")
                    conn.execute("UPDATE captures SET refers_to_capture_id=? WHERE id=?", (hit.capture_id, cid))
                else:
                    ref = w2.write_exchange(ex)
                    cid = add_capture(conn, ex, ref)
                    index.remember(ref.payload_digest, ref, cid)
                refs[ex.url] = (ref, hit)
    kinds = sorted((url.rsplit("/", 1)[1], ref.record_type) for url, (ref, _) in refs.items())
    assert kinds == [("anh-0.jpg", "revisit"), ("anh-1.jpg", "response"), ("anh-2.jpg", "revisit"),
                     ("bai-viet-so-0.html", "revisit"), ("bai-viet-so-1.html", "revisit"),
                     ("bai-viet-so-2.html", "revisit")]
    ref, hit = refs[items[0]["url"]]
    rec = read_record(layout.warc_dir / ref.warc_file, ref.offset)
    assert rec.rec_type == "revisit"
    assert rec.warc_header("WARC-Refers-To") == items[0]["post_ref"].record_id
    assert rec.warc_header("WARC-Refers-To-Target-URI") == items[0]["url"]
    assert rec.warc_header("WARC-Refers-To-Date") == items[0]["post_ref"].date
    assert rec.warc_header("WARC-Payload-Digest") == items[0]["post_ref"].payload_digest
    assert rec.http_header("Content-Encoding") == "gzip"
    # the revisit holds no body: the file of crawl 2 is much smaller than crawl 1's
    f1, f2 = (layout.warc_dir / items[0]["post_ref"].warc_file), (layout.warc_dir / ref.warc_file)
    assert f2.stat().st_size < f1.stat().st_size
    # the digest of a changed payload now points at crawl 2's record
    changed = refs[items[1]["image_url"]][0]
    assert index.lookup(changed.payload_digest).record_id == changed.record_id
    rep = verify_archive(layout)
    assert rep.sound, rep.defects
    assert len(list(layout.index_dir.glob("*.cdxj"))) == 2
