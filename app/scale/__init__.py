"""Data at the size of the national network, for benchmarks and query-count tests."""
