"""WARC/1.1 storage: write exchanges, read records back, walk gzip members."""

from archive.warc.exchange import Exchange, RecordRef, warc_date
from archive.warc.members import TruncatedWarc, iter_members, walk_members
from archive.warc.read import StoredRecord, iter_records, read_record
from archive.warc.records import payload_digest
from archive.warc.writer import WarcWriter

__all__ = [
    "Exchange", "RecordRef", "StoredRecord", "TruncatedWarc", "WarcWriter",
    "iter_members", "iter_records", "payload_digest", "read_record", "walk_members", "warc_date",
]
