"""WarcWriter: records as WARC.md lays out, checked with warcio and by walking gzip members."""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import random
import re
import zlib
from datetime import datetime, timezone

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.checker import Checker

from archive.errors import TruncatedWarc
from archive.warc import (
    Exchange,
    WarcWriter,
    iter_records,
    payload_digest,
    read_record,
    walk_members,
)
from archive.warc.records import sha1_digest


def make_exchange(**kw) -> Exchange:
    base = dict(
        url="http://127.0.0.1:8080/tin-tuc/bai-viet.html?p=12&x=%C4%91",
        status=200,
        response_headers=[
            ("Content-Type", "text/html; charset=UTF-8"),
            ("Set-Cookie", "a=1; Path=/"),
            ("Set-Cookie", "b=2; Path=/"),
            ("Content-Length", "999"),
        ],
        body="<html><p>Hải Phòng — Đường phố</p></html>".encode("utf-8"),
        request_headers=[("Accept-Encoding", "gzip, deflate"), ("User-Agent", "portal-archive-test")],
        fetched_at=datetime(2026, 11, 28, 22, 55, 44, 123456, tzinfo=timezone.utc),
        ip="127.0.0.1",
    )
    base.update(kw)
    return Exchange(**base)


def records_of(path):
    with open(path, "rb") as f:
        out = []
        for rec in ArchiveIterator(f):
            out.append((rec, rec.raw_stream.read()))
        return out


def warcio_check(path):
    """``warcio check -v PATH``, run in this process: the same Checker the
    command builds, without a new interpreter per file."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = Checker(argparse.Namespace(inputs=[str(path)], verbose=True)).process_all()
    assert code == 0, out.getvalue()
    assert "digest fail" not in out.getvalue()
    assert "digest pass" in out.getvalue()


@pytest.fixture
def one_file(tmp_path):
    def write(*exchanges, **kw):
        with WarcWriter(tmp_path, warcinfo={"start_url": "http://127.0.0.1:8080/"}, **kw) as w:
            refs = [w.write_exchange(ex) for ex in exchanges]
        files = sorted(tmp_path.glob("*.warc.gz"))
        assert len(files) == 1
        return files[0], refs
    return write


def test_file_name_open_while_writing_and_renamed_on_close(tmp_path):
    closed = []
    w = WarcWriter(tmp_path, warcinfo={}, on_close=closed.append)
    ref = w.write_exchange(make_exchange())
    open_files = list(tmp_path.glob("*.warc.gz.open"))
    assert len(open_files) == 1 and not list(tmp_path.glob("*.warc.gz"))
    assert re.fullmatch(r"portal-\d{17}-00000-[A-Za-z0-9.-]+-\d+\.warc\.gz\.open", open_files[0].name)
    assert ref.warc_file == open_files[0].name[: -len(".open")]
    # readable while still open, by its final name
    assert read_record(tmp_path / ref.warc_file, ref.offset).http_status == 200
    w.close()
    assert not list(tmp_path.glob("*.open"))
    assert closed == [tmp_path / ref.warc_file]
    warcio_check(tmp_path / ref.warc_file)


def test_response_and_request_records(one_file):
    path, [ref] = one_file(make_exchange())
    warcio_check(path)
    recs = records_of(path)
    assert [r.rec_type for r, _ in recs] == ["warcinfo", "response", "request"]
    for r, _ in recs:
        assert r.rec_headers.protocol == "WARC/1.1"
    (info, _), (resp, body), (req, req_body) = recs
    assert resp.rec_headers.get_header("WARC-Record-ID") == ref.record_id
    assert resp.rec_headers.get_header("WARC-Warcinfo-ID") == info.rec_headers.get_header("WARC-Record-ID")
    assert resp.rec_headers.get_header("WARC-Date") == "2026-11-28T22:55:44.123456Z"
    assert resp.rec_headers.get_header("WARC-IP-Address") == "127.0.0.1"
    assert resp.http_headers.statusline == "200 OK"
    assert resp.http_headers.protocol == "HTTP/1.1"
    assert [v for k, v in resp.http_headers.headers if k == "Set-Cookie"] == ["a=1; Path=/", "b=2; Path=/"]
    assert resp.http_headers.get_header("Content-Length") == str(len(body))
    assert resp.rec_headers.get_header("WARC-Payload-Digest") == payload_digest(body) == ref.payload_digest
    # request: full path with query, Host, every header, concurrent-to
    assert req.http_headers.protocol == "GET"
    assert req.http_headers.statusline == "/tin-tuc/bai-viet.html?p=12&x=%C4%91 HTTP/1.1"
    assert req.http_headers.get_header("Host") == "127.0.0.1:8080"
    assert req.http_headers.get_header("User-Agent") == "portal-archive-test"
    assert req.rec_headers.get_header("WARC-Concurrent-To") == ref.record_id
    assert req.rec_headers.get_header("WARC-Target-URI") == make_exchange().url
    # offsets are those of gzip members
    members = list(walk_members(path))
    assert len(members) == 3 and members[1] == (ref.offset, ref.length)


def test_warcinfo_states_settings_and_normalisations(one_file):
    path, _ = one_file(make_exchange())
    (info, text), *_ = records_of(path)
    assert info.rec_headers.get_header("WARC-Filename") == path.name
    text = text.decode("utf-8")
    assert "start_url: http://127.0.0.1:8080/" in text
    assert "normalisations:" in text and "chunked" in text and "reason phrase" in text
    assert "format: WARC File Format 1.1" in text


def test_gzip_body_stored_still_encoded(one_file):
    html = "<p>Thành phố Hải Phòng</p>".encode("utf-8") * 50
    encoded = gzip.compress(html)
    ex = make_exchange(body=encoded, response_headers=[
        ("Content-Type", "text/html; charset=UTF-8"), ("Content-Encoding", "gzip"),
        ("Transfer-Encoding", "chunked"), ("Connection", "keep-alive"), ("Keep-Alive", "timeout=5"),
    ])
    path, [ref] = one_file(ex)
    warcio_check(path)
    rec = read_record(path, ref.offset)
    assert rec.raw_payload == encoded
    assert rec.http_header("Content-Encoding") == "gzip"
    assert rec.http_header("Content-Length") == str(len(encoded))
    for hop in ("Transfer-Encoding", "Connection", "Keep-Alive"):
        assert rec.http_header(hop) is None
    assert rec.payload() == html
    assert "Thành phố Hải Phòng" in rec.text
    assert rec.payload_digest == sha1_digest(encoded)


def test_deflate_and_binary_bodies(one_file):
    raw = bytes(range(256)) * 40
    deflated = zlib.compress(b"deflated text")
    path, [r1, r2] = one_file(
        make_exchange(url="http://127.0.0.1:8080/wp-content/uploads/2019/01/a.jpg", body=raw,
                      response_headers=[("Content-Type", "image/jpeg")]),
        make_exchange(body=deflated, response_headers=[("Content-Encoding", "deflate")]),
    )
    warcio_check(path)
    assert read_record(path, r1.offset).raw_payload == raw
    assert read_record(path, r1.offset).payload() == raw
    assert read_record(path, r2.offset).payload() == b"deflated text"


def test_status_lines_protocol_and_phrases(one_file):
    path, refs = one_file(
        make_exchange(status=404, body=b"nope"),
        make_exchange(status=301, body=b"", response_headers=[("Location", "http://127.0.0.1:8080/x.html")]),
        make_exchange(status=200, protocol="HTTP/1.0"),
        make_exchange(status=304, body=b"", response_headers=[("ETag", '"1"')]),
    )
    warcio_check(path)
    got = [read_record(path, r.offset) for r in refs]
    assert [(g.http_protocol, g.http_status) for g in got] == [
        ("HTTP/1.1", 404), ("HTTP/1.1", 301), ("HTTP/1.0", 200), ("HTTP/1.1", 304)]
    recs = records_of(path)
    lines = [r.http_headers.statusline for r, _ in recs if r.rec_type == "response"]
    assert lines == ["404 Not Found", "301 Moved Permanently", "200 OK", "304 Not Modified"]
    assert got[1].http_header("Location") == "http://127.0.0.1:8080/x.html"
    assert got[3].http_header("Content-Length") is None  # no body status: not invented


def test_header_bytes_kept_and_truncated_flag(one_file):
    ex = make_exchange(
        response_headers=[("X-Raw", "caf\xe9".encode("latin-1")), ("X-Str", "Ph\xf2ng")],
        truncated="length",
    )
    path, [ref] = one_file(ex)
    rec = read_record(path, ref.offset)
    assert rec.warc_header("WARC-Truncated") == "length"
    raw = gzip.decompress(path.read_bytes())
    assert b"X-Raw: caf\xe9\r\n" in raw and b"X-Str: Ph\xf2ng\r\n" in raw


def test_revisit_record(tmp_path):
    ex = make_exchange()
    with WarcWriter(tmp_path, warcinfo={}) as w:
        orig = w.write_exchange(ex)
        rev = w.write_revisit(make_exchange(fetched_at=datetime(2026, 12, 1, tzinfo=timezone.utc)), orig)
    path = tmp_path / orig.warc_file
    warcio_check(path)
    r = read_record(path, rev.offset)
    assert r.rec_type == "revisit" and rev.record_type == "revisit"
    assert r.warc_header("WARC-Profile") == "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
    assert r.warc_header("WARC-Refers-To") == orig.record_id
    assert r.warc_header("WARC-Refers-To-Target-URI") == ex.url
    assert r.warc_header("WARC-Refers-To-Date") == "2026-11-28T22:55:44.123456Z"
    assert r.warc_header("WARC-Payload-Digest") == orig.payload_digest == rev.payload_digest
    assert r.warc_header("WARC-Date") == "2026-12-01T00:00:00.000000Z"
    assert r.raw_payload == b"" and r.http_status == 200
    kinds = [(x.rec_type, x.warc_header("WARC-Concurrent-To")) for x in iter_records(path)]
    assert kinds[-1] == ("request", rev.record_id)


def test_rotation_each_file_opens_with_warcinfo(tmp_path):
    closed = []
    body = random.Random(7).randbytes(15_000)  # incompressible
    with WarcWriter(tmp_path, max_size=20_000, warcinfo={}, on_close=closed.append) as w:
        refs = [w.write_exchange(make_exchange(url=f"http://127.0.0.1:8080/{i}.jpg", body=body + bytes([i])))
                for i in range(6)]
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) >= 3 and sorted(closed) == files
    assert not list(tmp_path.glob("*.open"))
    serials = sorted(int(f.name.split("-")[2]) for f in files)
    assert serials == list(range(len(files)))
    for f in files:
        warcio_check(f)
        recs = list(iter_records(f))
        assert recs[0].rec_type == "warcinfo"
        assert recs[0].warc_header("WARC-Filename") == f.name
        assert all(r.rec_type in ("response", "request") for r in recs[1:])
        # a response and its request never straddle two files
        assert [r.rec_type for r in recs[1:]] == ["response", "request"] * ((len(recs) - 1) // 2)
    for i, ref in enumerate(refs):
        assert read_record(tmp_path / ref.warc_file, ref.offset).raw_payload == body + bytes([i])


def test_walk_members_finds_truncation(tmp_path, one_file):
    path, refs = one_file(*(make_exchange(url=f"http://127.0.0.1:8080/{i}") for i in range(3)))
    members = list(walk_members(path))
    assert len(members) == 7
    data = path.read_bytes()
    last_off, last_len = members[-1]
    # cut inside the last member: warcio alone does not notice (WARC.md), walk_members does
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: last_off + last_len // 2])
    with pytest.raises(TruncatedWarc) as err:
        list(walk_members(cut))
    assert err.value.good_until == last_off
    # a member that ends but holds half a record
    rec = gzip.decompress(data[last_off:])
    half = tmp_path / "half.warc.gz"
    half.write_bytes(data[:last_off] + gzip.compress(rec[: len(rec) // 2]))
    with pytest.raises(TruncatedWarc) as err:
        list(walk_members(half))
    assert err.value.good_until == last_off
    # trailing garbage
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(data + b"\0" * 100)
    with pytest.raises(TruncatedWarc) as err:
        list(walk_members(junk))
    assert err.value.good_until == len(data)
