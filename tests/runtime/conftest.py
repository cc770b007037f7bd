"""The runtime's Discord-free tests run over the same migrated databases as the repository tests."""

from __future__ import annotations

from tests.db.conftest import db

__all__ = ["db"]
