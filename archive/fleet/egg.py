"""The project egg that Scrapyd nodes run: the ``archive``, ``crawler`` and ``replica`` packages.

Built straight from the installed packages (an editable checkout or a wheel
install alike), so deploying needs no ``setup.py`` and leaves no build
directories behind. ``EGG-INFO/entry_points.txt`` names ``crawler.settings``
as Scrapy's settings module, which Scrapyd reads to list the spiders.
"""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

from archive import __version__

PACKAGES = ("archive", "crawler", "replica")
PROJECT = "portal-archive"
_SKIP_DIRS = {"__pycache__"}


def default_version() -> str:
    """A version Scrapyd sorts after every earlier deploy (the Unix time, as scrapyd-client does);
    the release is in the egg's ``PKG-INFO``."""
    return str(int(time.time()))


def build_egg(version: str) -> bytes:
    import importlib

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as egg:
        for pkg in PACKAGES:
            root = Path(str(importlib.import_module(pkg).__file__)).parent
            for path in sorted(root.rglob("*")):
                if not path.is_file() or _SKIP_DIRS & set(path.relative_to(root).parts):
                    continue
                if path.suffix in (".pyc", ".pyo"):
                    continue
                egg.write(path, f"{pkg}/{path.relative_to(root).as_posix()}")
        egg.writestr("EGG-INFO/PKG-INFO",
                     f"Metadata-Version: 2.1\nName: {PROJECT}\nVersion: {__version__}+{version}\n")
        egg.writestr("EGG-INFO/entry_points.txt", "[scrapy]\nsettings = crawler.settings\n")
        egg.writestr("EGG-INFO/top_level.txt", "\n".join(PACKAGES) + "\n")
        egg.writestr("EGG-INFO/not-zip-safe", "\n")
    return buf.getvalue()
