"""The benchmark harness (issue 5, docs/benchmarks.md): a data generator (`python -m bench.generate`)
and the benchmarks (`python -m bench.run`). Not part of the test suite."""
