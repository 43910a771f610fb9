"""A Tinker client written from the protocol (see ../README.md)."""
from . import types
from ._client import AsyncTinker
from ._errors import APIStatusError

__all__ = ["AsyncTinker", "APIStatusError", "types"]
