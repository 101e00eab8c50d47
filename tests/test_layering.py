"""`archive/` is usable without Scrapy: importing it must not import Scrapy or Twisted.

Two levels: a static walk of the import statements that run at import time
(quick: it reads source, starts nothing), and the same rules checked on what a
fresh interpreter really loads (slow: one process each), which also covers
third-party packages importing each other."""

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIRST_PARTY = ("archive", "crawler", "replica")
FRAMEWORK = ("scrapy", "twisted")


def _module_file(name: str) -> Path | None:
    base = REPO.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _at_import_time(tree: ast.Module):
    """Import statements executed when the module is imported: module and class
    bodies, inside if/try/with blocks; not function bodies."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            todo.extend(ast.iter_child_nodes(node))


@cache
def _direct_imports(name: str) -> frozenset[str]:
    """Modules that importing first-party module ``name`` imports directly
    (its parent packages included: importing a.b runs a/__init__.py)."""
    path = _module_file(name)
    assert path is not None, name
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = {name.rsplit(".", i)[0] for i in range(1, name.count(".") + 1)}
    for node in _at_import_time(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
            continue
        if node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            target = f"{base}.{node.module}" if node.module else base
        else:
            target = node.module or ""
        found.add(target)
        for alias in node.names:  # `from pkg import submodule`
            if target.split(".")[0] in FIRST_PARTY and _module_file(f"{target}.{alias.name}"):
                found.add(f"{target}.{alias.name}")
    return frozenset(found)


def imported_by(*roots: str) -> dict[str, str]:
    """Every module importing ``roots`` loads, followed through first-party code,
    each mapped to the first-party module that imports it."""
    seen: dict[str, str] = {r: "" for r in roots}
    todo = list(roots)
    while todo:
        mod = todo.pop()
        for dep in sorted(_direct_imports(mod)):
            if dep in seen:
                continue
            seen[dep] = mod
            if dep.split(".")[0] in FIRST_PARTY and _module_file(dep):
                todo.append(dep)
    return seen


def _modules(package: str) -> list[str]:
    root = REPO / package
    return sorted(".".join(p.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
                  for p in root.rglob("*.py"))


def _framework(found: dict[str, str]) -> list[str]:
    return sorted(f"{m} (imported by {by})" for m, by in found.items() if m.split(".")[0] in FRAMEWORK)


def test_no_archive_module_imports_scrapy_or_the_crawler():
    found = imported_by(*_modules("archive"))
    assert not _framework(found)
    assert not sorted(f"{m} (imported by {by})" for m, by in found.items() if m.split(".")[0] == "crawler")


def test_cli_module_imports_no_scrapy():
    assert not _framework(imported_by("crawler.cli", *_modules("crawler/cli")))


def test_replica_imports_the_standard_library_and_archive_text_only():
    """The replica stands for someone else's server: it shares nothing with the
    crawler but ``archive.text`` (slugify and normalize, so its slugs are the
    WordPress rules the parser also assumes)."""
    found = imported_by(*_modules("replica"))
    std = set(sys.stdlib_module_names)
    bad = sorted(f"{m} (imported by {by})" for m, by in found.items()
                 if m.split(".")[0] not in std | {"replica", "archive"}
                 or (m.startswith("archive") and m not in ("archive", "archive.text")))
    assert not bad


def test_the_static_walk_sees_what_it_must():
    """The walk above follows relative imports, `from package import module`
    and parent packages: checked on modules whose imports are known."""
    found = imported_by("crawler.cli")
    assert "click" in found and "archive.errors" in found and "crawler" in found
    spider = imported_by("crawler.spiders.portal")
    assert {"crawler.urlpolicy", "crawler.spiders.window", "crawler.middlewares.trap_guard", "scrapy"} <= set(spider)
    assert set(found) - _direct_imports("crawler.cli") - {"crawler.cli"}  # followed past the first level


def _loaded_by(code: str) -> str:
    """What ``code`` prints, run in a fresh interpreter (the modules it found loaded)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.slow
def test_archive_does_not_import_scrapy():

    code = (
        "import sys, pkgutil, importlib, archive\n"
        "for m in pkgutil.walk_packages(archive.__path__, 'archive.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('scrapy', 'twisted'))\n"
        "print(','.join(bad))\n"
    )
    loaded = _loaded_by(code)
    assert loaded == "", f"archive imported: {loaded}"


@pytest.mark.slow
def test_cli_help_does_not_import_scrapy():
    code = (
        "import sys\n"
        "from crawler.cli import main\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('scrapy', 'twisted'))\n"
        "print(','.join(bad))\n"
    )
    assert _loaded_by(code) == ""


@pytest.mark.slow
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
    loaded = _loaded_by(code)
    assert loaded == "", f"replica imported: {loaded}"


def test_the_revisit_policy_is_used_by_the_crawl_planner_alone():
    """What a recurring crawl fetches again is decided in one place,
    ``archive.crawl.planner``; the spider only carries its decisions out."""
    root = REPO
    policy = {"RevisitPolicy", "should_fetch", "in_slice", "conditional_headers"}
    owners = {root / "archive/crawl/revisit.py", root / "archive/crawl/planner.py"}
    users = []
    for path in sorted((*root.joinpath("archive").rglob("*.py"), *root.joinpath("crawler").rglob("*.py"))):
        if path in owners:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = (node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name)
                    else None)
            if name in policy:
                users.append(f"{path.relative_to(root)}:{node.lineno} {name}")
    assert users == []
