"""Where the quick test subset's time goes: wall and CPU of the whole run, of
collection alone, and CPU per test file (docs/benchmarks.md, "Test suite").

    .venv/bin/python bench/test_suite.py            # the quick subset, one process
    .venv/bin/python bench/test_suite.py --xdist 2  # the same with pytest-xdist -n 2

The machine is shared: CPU seconds (user + system of pytest and every process
it waited for) are the figure to compare; on an idle machine a one-process
run's wall time is about its CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import BENCH, OUT, PYTHON, measured, save, table  # noqa: E402

QUICK = [PYTHON, "-m", "pytest", "-q", "-m", "not slow", "-p", "no:cacheprovider"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--xdist", type=int, default=0, help="run with pytest-xdist -n N")
    ap.add_argument("--top", type=int, default=15, help="files listed by CPU")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    per_test = OUT / "test_suite_cpu.json"
    env = {"PYTHONPATH": str(BENCH), "SUITE_CPU_OUT": str(per_test)}
    collect = measured([*QUICK, "--collect-only"], log=OUT / "test_suite_collect.log", env=env)
    cmd = [*QUICK, "-p", "suite_cpu_plugin", *(["-n", str(args.xdist)] if args.xdist else [])]
    run = measured(cmd, log=OUT / "test_suite.log", env=env, check=False)
    load_after = os.getloadavg()[0]
    summary = (OUT / "test_suite.log").read_text(errors="replace").strip().splitlines()[-1]
    files: Counter[str] = Counter()
    if not args.xdist:
        for nodeid, cpu in json.loads(per_test.read_text()).items():
            files[nodeid.split("::")[0]] += cpu
    rows = [{"what": "quick subset" + (f", -n {args.xdist}" if args.xdist else ""), "wall_s": run.wall_s,
             "cpu_s": run.cpu_s, "load": f"{run.load_before:.1f} → {load_after:.1f}", "result": summary},
            {"what": "collection alone", "wall_s": collect.wall_s, "cpu_s": collect.cpu_s,
             "load": f"{collect.load_before:.1f}", "result": ""}]
    md = table(rows, [("what", "run"), ("wall_s", "wall s"), ("cpu_s", "CPU s"), ("load", "load"),
                      ("result", "pytest says")])
    if files:
        md += "\n\n" + table([{"file": f, "cpu_s": s} for f, s in files.most_common(args.top)],
                             [("file", f"top {args.top} files"), ("cpu_s", "CPU s in tests")])
        md += f"\n\nCPU in tests, all files: {sum(files.values()):.1f} s"
    save("test_suite", {"run": run.to_dict(), "collect": collect.to_dict(), "files": dict(files)})
    (OUT / "test_suite.md").write_text(md + "\n")
    print(md)
    if run.returncode != 0:
        raise SystemExit(f"the quick subset failed ({run.returncode}): see {OUT / 'test_suite.log'}")


if __name__ == "__main__":
    main()
