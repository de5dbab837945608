"""Benchmarks (`python -m bench.<name>`, see bench/README.md) and the harness they share with the fault drills."""
