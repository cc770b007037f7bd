"""Work a handler does before its interaction's first response, counted from what the bot did.

Discord drops an interaction not answered within 3 seconds; SimCord charges nothing for the
database or REST, so this counts, for each interaction, the SQL statements and REST calls
between receiving it and its first response (the callback request): commands and buttons
may do none, a modal at most one read, an autocomplete only reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event

_CALLBACK = re.compile(r"^/interactions/(\d+)/[^/]+/callback$")


@dataclass
class Ledger:
    """Interactions received, SQL run and REST calls made, in the order they happened."""

    env: Any
    events: list[tuple[str, Any, int]] = field(default_factory=list)

    def mark(self, kind: str, payload: Any) -> None:
        self.events.append((kind, payload, len(self.env.http_requests)))

    def before_first_response(self) -> Iterator[tuple[int, list[str], list[str], int]]:
        """For each interaction: (id, SQL before its response, REST before it, response type)."""
        requests = self.env.http_requests
        callbacks = {}
        for index, request in enumerate(requests):
            match = _CALLBACK.match(request.path)
            if match and int(match[1]) not in callbacks:
                callbacks[int(match[1])] = (index, (request.json or {}).get("type"))
        for position, (kind, interaction_id, http_at) in enumerate(self.events):
            if kind != "received" or interaction_id not in callbacks:
                continue
            answered_at, response_type = callbacks[interaction_id]
            sql = []
            for later_kind, statement, later_http in self.events[position + 1 :]:
                if later_kind == "received" or later_http > answered_at:
                    break
                if later_kind == "sql":
                    sql.append(statement)
            rest = [f"{r.method} {r.path}" for r in requests[http_at:answered_at]]
            yield interaction_id, sql, rest, response_type


def install(env: Any) -> tuple[Ledger, Callable[[], None]]:
    """Start counting on a running SimCord env; returns the ledger and a function that stops it."""
    book = Ledger(env)
    parsers = env.bot._connection.parsers
    original = parsers["INTERACTION_CREATE"]

    def received(data: Any) -> Any:
        book.mark("received", int(data["id"]))
        return original(data)

    parsers["INTERACTION_CREATE"] = received
    engine = env.bot.services.db.engine.sync_engine

    def statement(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        book.mark("sql", " ".join(sql.split())[:120])

    event.listen(engine, "before_cursor_execute", statement)

    def stop() -> None:
        parsers["INTERACTION_CREATE"] = original
        event.remove(engine, "before_cursor_execute", statement)

    return book, stop


def slow_work(ledger: Ledger) -> list[tuple[int, str, list[str], list[str]]]:
    """Interactions that did work before their first response (an empty list: none did)."""
    slow = []
    for interaction_id, sql, rest, response_type in ledger.before_first_response():
        if response_type == 8:  # autocomplete: reads are its job, writes are not
            writes = [s for s in sql if not s.upper().startswith(("SELECT", "PRAGMA", "WITH"))]
            if writes or rest:
                slow.append((interaction_id, "autocomplete", writes, rest))
        elif response_type == 9:  # a modal must come first: one indexed read at most
            if len(sql) > 1 or rest:
                slow.append((interaction_id, "modal", sql, rest))
        elif sql or rest:
            slow.append((interaction_id, f"response type {response_type}", sql, rest))
    return slow
