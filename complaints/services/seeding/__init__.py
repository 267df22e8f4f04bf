"""Loading the reference data every installation needs, and the demo data of `make run`."""
