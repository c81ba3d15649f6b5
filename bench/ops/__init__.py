"""Benchmark operations, one module per CRM module (bench.registry)."""
