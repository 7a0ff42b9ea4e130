"""Benchmark tier tests (a few public instances with known optima)."""
