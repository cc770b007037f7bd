"""The one MetaData every table registers on, its naming convention and the key type.

Kept apart from the tables so the feature table modules and the core one can all build on
it without importing each other.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, MetaData

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

#: Surrogate keys: 64-bit on PostgreSQL, SQLite's rowid alias there.
ID = BigInteger().with_variant(Integer, "sqlite")
