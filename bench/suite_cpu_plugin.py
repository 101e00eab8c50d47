"""pytest plugin of bench/test_suite.py: CPU seconds of this process per test
(set-up + call + tear-down), written as JSON to $SUITE_CPU_OUT at the end."""

from __future__ import annotations

import json
import os
import time

import pytest

_cpu: dict[str, float] = {}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    t = time.process_time()
    try:
        return (yield)
    finally:
        _cpu[item.nodeid] = _cpu.get(item.nodeid, 0.0) + time.process_time() - t


def pytest_sessionfinish(session):
    out = os.environ.get("SUITE_CPU_OUT")
    if out and not hasattr(session.config, "workerinput"):  # xdist workers: their own files
        with open(out, "w") as f:
            json.dump(_cpu, f)
