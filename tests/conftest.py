"""Fixtures shared by every test folder: the storage backends (tests/backends.py)."""

from tests.backends import backend, file_backend, file_store, s3_server

__all__ = ["backend", "file_backend", "file_store", "s3_server"]
