"""bench/scale.py: the CPU-time sampling of a process tree and the report (no engine run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from bench.scale import Measure, TreeSampler, format_report

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

BUSY = "import time\nend = time.process_time() + 0.6\nwhile time.process_time() < end: pass\n"


def test_sampler_counts_the_cpu_of_grandchildren() -> None:
    # a child that starts a busy grandchild: its CPU time is seen, the child's own is not
    code = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {BUSY!r}], check=True)"
    child = subprocess.Popen([sys.executable, "-c", code])
    with TreeSampler(child.pid, interval=0.05) as sampler:
        child.wait()
    each = sampler.descendant_cpu()
    assert each and 0.3 <= each[0] <= 1.5
    assert sampler.peak_total_mb > 1
    assert os.getpid() not in sampler.cpu_ticks


def _m(engine: str, docs: int, workers: int, seconds: float, cpu: float) -> Measure:
    main, rest = (cpu, 0.0) if engine == "pool" and workers == 1 else (0.02 * cpu, 0.01 * cpu)
    return Measure(
        engine,
        docs,
        workers,
        seconds,
        300.0,
        docs * 2000,
        cpu_main=main,
        cpu_workers=cpu - main - rest if main != cpu else 0.0,
        cpu_rest=rest,
        load_start=1.0,
        load_end=2.0,
        date="2026-11-28",
    )


def test_report_splits_scaling_into_cpus_busy_and_cpu_per_document() -> None:
    results = {
        m.key: m
        for m in [
            _m("pool", 16, 1, 4.0, 3.0),
            _m("pool", 16, 2, 5.0, 6.0),
            _m("ray", 16, 1, 30.0, 20.0),
            _m("ray", 16, 2, 20.0, 22.0),
            _m("pool", 1000, 1, 100.0, 100.0),
            _m("pool", 1000, 2, 55.0, 104.0),
            _m("ray", 1000, 1, 120.0, 115.0),
            _m("ray", 1000, 2, 70.0, 118.0),
        ]
    }
    report = format_report(results, small=16, shard_size=64)
    assert "| 1,000 | pool | 2 | 55.0 | 18.18 |" in report
    assert "**104.0**" in report  # total CPU ms per document
    assert "scaling 1 → 2 workers, pool, 1,000 documents: **1.82×** wall-clock" in report
    assert "CPUs busy 1.00 → 1.89" in report
    assert "on 2 free CPUs and at this CPU time per document: 1.92×" in report
    assert "Ray takes **1.27×** the pool's time" in report
    assert "**1.13×** its CPU time" in report
    assert "1-minute load average 1.0–2.0" in report
