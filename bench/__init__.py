"""Parley's benchmarks: ``make bench`` (``python -m bench.run``); see ``bench/run.py``."""
