"""Tables for: interval timers and challenges (SPEC §6).

Decisions worth knowing before reading the queries:

* A live timer is a row, not a task: ``started_at`` is the instant its elapsed time was
  zero, pauses shift it by ``paused_total_s``, and ``shown`` is the state its message
  last displayed (a phase index, or -1 while it counts down to the start). After a
  restart the timer is recomputed from these columns and its message edited at most
  once to catch up, so a restart never replays the phase changes it missed.
* A challenge's status is derived from its times: upcoming before ``starts_at``,
  running until ``ends_at``, ended after. Ending one early moves ``ends_at`` to that
  moment (and sets ``ended_early``), so every query agrees on what "running" means.
  Names are unique per server (``name_key`` folds case and spacing), for ever, so a
  name always finds one challenge, ended ones included.
* Every logged result is kept in ``challenge_entries`` (``value`` is the scoring's
  integer sort key, see :mod:`bot.domain.scoring`). Each member's standing is
  maintained beside their participation: ``score`` is MAX, MIN (times) or SUM
  (sessions) of their entries, computed by the database in the same statement that
  records an entry, and ``sort_key`` is the score turned so that lower is always
  better. The leaderboard is then one index range on ``(challenge_id, sort_key,
  score_at)`` with RANK() over it, whatever the scoring — 10,000 members stay cheap.
* ``score_at`` is when the member reached their current score, so equal scores are
  listed in the order they were reached (they still share a rank).
* Entries reference the participation row, so leaving a challenge removes the
  member's results with it.
* The creator of a challenge is kept for the "creator or admin may end it" rule. The
  challenge itself is a community post, not the creator's row: ``creator_id`` is
  declared as a member reference (``info["member_refs"]``), exported with the
  creator's data and anonymised when they delete it, so everyone's results stay.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from bot.db.metadata import ID, metadata
from bot.db.types import UTCDateTime

#: Live interval timers (``/interval start``), running or paused, and how each one ended.
interval_timers = Table(
    "interval_timers",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("owner_id", BigInteger, nullable=False),
    Column("guild_id", BigInteger),
    Column("channel_id", BigInteger, nullable=False),
    Column("message_id", BigInteger),
    Column("program", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("paused_at", UTCDateTime),
    Column("paused_total_s", Float, nullable=False, server_default="0"),
    Column("shown", Integer, nullable=False, server_default="-1"),
    Column("elapsed_s", Float),
    Column("ended_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_interval_timers_status", "status"),
    Index("ix_interval_timers_owner_status", "owner_id", "status"),
    Index("ix_interval_timers_channel_status", "channel_id", "status"),
    info={"member": "owner_id"},
)

#: Challenges: a program, a scoring, a window in time, announced in the challenges channel.
challenges = Table(
    "challenges",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("guild_id", BigInteger, nullable=False),
    Column("name", String(60), nullable=False),
    Column("name_key", String(255), nullable=False),
    Column("program", Text, nullable=False),
    Column("program_kind", String(16), nullable=False),
    Column("scoring", String(16), nullable=False),
    Column("creator_id", BigInteger, nullable=False),
    Column("channel_id", BigInteger, nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False),
    Column("ended_early", Boolean, nullable=False, server_default=false()),
    Column("announce_message_id", BigInteger),
    Column("results_message_id", BigInteger),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("guild_id", "name_key"),
    Index("ix_challenges_guild_ends", "guild_id", "ends_at"),
    info={"member": None, "member_refs": ("creator_id",)},
)

#: Who joined which challenge, with their standing kept current as they log.
challenge_participants = Table(
    "challenge_participants",
    metadata,
    Column("challenge_id", ID, ForeignKey("challenges.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("joined_at", UTCDateTime, nullable=False),
    Column("score", BigInteger),
    Column("sort_key", BigInteger),
    Column("score_at", UTCDateTime),
    Column("entry_count", Integer, nullable=False, server_default="0"),
    PrimaryKeyConstraint("challenge_id", "user_id"),
    Index("ix_challenge_participants_board", "challenge_id", "sort_key", "score_at", "user_id"),
    Index("ix_challenge_participants_user_id", "user_id"),
    info={"member": "user_id"},
)

#: Every result a member logged for a challenge (the integer sort key of its scoring).
challenge_entries = Table(
    "challenge_entries",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("challenge_id", ID, nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("value", BigInteger, nullable=False),
    Column("logged_at", UTCDateTime, nullable=False),
    ForeignKeyConstraint(
        ["challenge_id", "user_id"],
        ["challenge_participants.challenge_id", "challenge_participants.user_id"],
        ondelete="CASCADE",
    ),
    Index("ix_challenge_entries_member_value", "challenge_id", "user_id", "value"),
    Index("ix_challenge_entries_user_id", "user_id"),
    info={"member": "user_id"},
)
