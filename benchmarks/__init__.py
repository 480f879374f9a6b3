"""Benchmarks: ``python -m benchmarks.<name> --help``. Not part of the installed package."""
