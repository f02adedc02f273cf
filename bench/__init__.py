"""The benchmark harness behind `make bench`."""
