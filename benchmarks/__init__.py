"""Benchmark harness: public instances and generated plans through the public API."""
