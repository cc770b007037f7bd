"""Which database failures are passing conditions (a held lock, a dropped connection)."""

from __future__ import annotations

from sqlalchemy import exc

__all__ = ["is_unavailable"]


def is_unavailable(error: BaseException) -> bool:
    """True when the database could not do the work just now (locked, unreachable, pool exhausted).

    These say nothing about the request itself: the same command a moment later may well
    work, so the member is told to try again rather than that something is broken.
    """
    if isinstance(error, exc.OperationalError | exc.InterfaceError | exc.TimeoutError):
        return True
    return isinstance(error, exc.DBAPIError) and error.connection_invalidated
