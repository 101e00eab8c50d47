"""Numbered schema migrations. Add a module; never edit an applied one.

Each module ``archive/db/mNNN_<name>.py`` defines ``VERSION`` (NNN), ``NAME``
and ``apply(conn)``; ``apply`` runs inside a transaction that
``archive.db.migrate`` opens, and the version is recorded in the
``migrations`` table. Use ``run_script`` for several statements
(``executescript`` would commit the transaction).
"""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
from pathlib import Path


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run several statements inside the caller's transaction.

    Splits on complete statements (so trigger bodies with inner ``;`` stay
    whole) and runs each one.
    """
    stmt = ""
    for line in script.splitlines(keepends=True):
        stmt += line
        if sqlite3.complete_statement(stmt):
            if stmt.strip():
                conn.execute(stmt)
            stmt = ""
    if stmt.strip():
        conn.execute(stmt)


def _collect():
    found = []
    for mod in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if len(mod.name) > 4 and mod.name[0] == "m" and mod.name[1:4].isdigit():
            m = importlib.import_module(f"{__package__}.{mod.name}")
            found.append((m.VERSION, m.NAME, m.apply))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"duplicate migration versions: {versions}")
    return found


MIGRATIONS = _collect()
