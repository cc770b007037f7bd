"""Leaderboard counts kept by the database, so a rank costs the same at a million participants.

The database's own triggers (migration 0011) keep both tables in step with
``challenge_participants`` on every insert, score change and delete — joining,
leaving, logging, ``/privacy delete`` and a challenge's removal alike — so no code
path can forget them:

* ``challenge_tallies``: per challenge, how many joined and how many have a score;
* ``challenge_scores``: per challenge and sort key, how many members hold it. A
  member's rank is one more than the sum over the keys ahead of theirs: a range over
  the distinct scores, never over the participants.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, PrimaryKeyConstraint, Table

from bot.db.metadata import ID, metadata

challenge_tallies = Table(
    "challenge_tallies",
    metadata,
    Column("challenge_id", ID, ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True),
    Column("participants", Integer, nullable=False, server_default="0"),
    Column("ranked", Integer, nullable=False, server_default="0"),
    info={"member": None},
)

challenge_scores = Table(
    "challenge_scores",
    metadata,
    Column("challenge_id", ID, ForeignKey("challenges.id", ondelete="CASCADE"), nullable=False),
    Column("sort_key", BigInteger, nullable=False),
    Column("participants", Integer, nullable=False),
    PrimaryKeyConstraint("challenge_id", "sort_key"),
    info={"member": None},
)
