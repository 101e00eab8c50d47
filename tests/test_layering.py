"""`archive/` is usable without Scrapy: importing it must not import Scrapy or Twisted."""

import subprocess
import sys


def test_archive_does_not_import_scrapy():
    code = (
        "import sys, pkgutil, importlib, archive\n"
        "for m in pkgutil.walk_packages(archive.__path__, 'archive.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('scrapy', 'twisted'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"archive imported: {out.stdout.strip()}"


def test_cli_help_does_not_import_scrapy():
    code = (
        "import sys\n"
        "from crawler.cli import main\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('scrapy', 'twisted'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_replica_uses_the_standard_library_and_archive_text_only():
    """The replica stands for someone else's server: it shares nothing with the
    crawler but ``archive.text`` (slugify and normalize, so its slugs are the
    WordPress rules the parser also assumes). Checked on what importing every
    replica module loads."""
    code = (
        "import sys, pkgutil, importlib\n"
        "before = set(sys.modules)\n"
        "import replica\n"
        "for m in pkgutil.walk_packages(replica.__path__, 'replica.'):\n"
        "    importlib.import_module(m.name)\n"
        "std = set(sys.stdlib_module_names)\n"
        "new = set(sys.modules) - before\n"
        "bad = sorted({n for n in new if n.split('.')[0] not in std | {'replica', 'archive'}})\n"
        "ours = sorted(n for n in new if n.startswith('archive') and n not in ('archive', 'archive.text'))\n"
        "print(','.join(bad + ours))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"replica imported: {out.stdout.strip()}"
