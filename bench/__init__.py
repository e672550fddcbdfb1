"""Benchmarks: a large generated data folder and the timings measured on it (not run by pytest)."""
