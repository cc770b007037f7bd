"""Alembic environment: always run with a connection handed in by bot.db.engine."""

from __future__ import annotations

from alembic import context

from bot.db.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable when alembic is run by hand
    raise SystemExit("Run migrations with `python -m bot migrate`, which supplies the database connection.")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
