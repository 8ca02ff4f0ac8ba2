"""Benchmarks for explorer: `make bench` (or `python -m bench`) prints one table.

Absolute times drift on shared 2-core machines, so every run also times stock
Whoosh on the same articles and prints our figures as ratios against it.
Heavy work (index builds, search sessions) runs in worker subprocesses
(`bench.worker`) so that peak memory is measured per run and one run's caches
never flatter the next.
"""
