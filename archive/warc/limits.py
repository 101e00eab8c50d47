"""Caps that every reader of WARC files applies (import, verify, reindex, replay indexing, CDXJ).

A WARC file given to ``import``, or found damaged under ``warc/``, may have been
made to hurt: a gzip member that inflates to gigabytes, a header line of
100 MB, a ``Content-Length`` of 40 digits. Readers stream and stop at these
caps; what exceeds one is damage (the record is skipped and reported), and a
file that inflates like a decompression bomb is not read further.

The values suit the portal (pages ≈ 60 KB, documents up to a few hundred MB,
WARC files rolled at 1 GB) and keep a reader's memory far below 300 MB.
"""

from __future__ import annotations

from dataclasses import dataclass

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


@dataclass(frozen=True)
class Limits:
    header_line: int = 64 * KiB  # one WARC or HTTP header line
    header_count: int = 512  # lines in one WARC header block
    record: int = 4 * GiB  # a record's Content-Length (= the inflated size of its member)
    # blocks up to this size are held in memory (the crawl cuts bodies at 32 MiB); larger ones are only digested
    keep: int = 48 * MiB
    file: int = 64 * GiB  # inflated bytes of one file
    bomb_ratio: int = 200  # inflated/compressed ratio of a file that counts as a bomb…
    bomb_floor: int = 256 * MiB  # …once it has inflated more than this


LIMITS = Limits()
