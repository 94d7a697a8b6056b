"""The SQLite smoke suite: see conftest.py and `make smoke`."""
