"""The fixed layout of an archive directory. Every command builds paths here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from archive.errors import ReadOnlyArchive

DEFAULT_ARCHIVE = "archive-data"
PARSER_PROFILE = "parser-profile.toml"   # the archivist's site selectors (archive.parser.profile)


@dataclass(frozen=True)
class ArchiveLayout:
    root: Path

    def __init__(self, root: str | os.PathLike):
        object.__setattr__(self, "root", Path(root).expanduser().resolve())

    @property
    def db(self) -> Path:
        return self.root / "archive.sqlite"

    @property
    def warc_dir(self) -> Path:
        return self.root / "warc"

    @property
    def index_dir(self) -> Path:
        return self.root / "indexes"

    @property
    def logs_dir(self) -> Path:
        return self.root / "logs"

    @property
    def state_dir(self) -> Path:
        return self.root / "state"

    @property
    def manifest(self) -> Path:
        return self.root / "manifest-sha256.txt"

    @property
    def parser_profile(self) -> Path:
        return self.root / PARSER_PROFILE

    def create(self) -> "ArchiveLayout":
        """Create the directories; a clear error if the place is not writable."""
        try:
            for d in (self.root, self.warc_dir, self.index_dir, self.logs_dir, self.state_dir):
                d.mkdir(parents=True, exist_ok=True)
            probe = self.state_dir / ".write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise ReadOnlyArchive(
                f"cannot write to archive directory {self.root} ({exc.strerror}) — "
                "choose a writable --archive directory or fix its permissions"
            ) from exc
        return self

    def warc_files(self, include_open: bool = False) -> list[Path]:
        if not self.warc_dir.is_dir():
            return []
        pats = ["*.warc.gz"] + (["*.warc.gz.open"] if include_open else [])
        out: list[Path] = []
        for p in pats:
            out.extend(self.warc_dir.glob(p))
        return sorted(out)
