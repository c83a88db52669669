"""Data in and out: CSV validation and imports, the sample-data generator, benchmark
databases."""
