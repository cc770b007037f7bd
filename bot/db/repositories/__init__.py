"""Repositories: the only place with SQL. Each takes a :class:`bot.db.database.Database`."""
