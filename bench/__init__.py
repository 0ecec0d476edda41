"""Benchmarks for geotrack at national scale (``make bench``)."""
