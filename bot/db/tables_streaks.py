"""Tables for: streaks, weekly recaps, digests and milestone roles.

* ``workout_days`` holds the local date each logged session counts on, worked out in the
  member's zone at the moment it was logged. Streaks read these dates and never
  recompute them from the member's current zone, so moving to another zone later never
  rewrites history. A row goes with its session (``/log undo``, ``/privacy delete``).
* ``streak_targets`` keeps the weekly target from the local week it was set on; earlier
  weeks keep the target they had, so raising the bar does not break a streak already won.
* ``streak_prefs`` holds a member's recap and digest choices and the weekly streak as it
  stood at their last log (one row per member). A streak only falls without new logs, so
  the recap finds the longest streaks from these and recomputes only the few it shows.
* ``workout_days.records`` counts the personal records the session set, for the recap.
* ``guild_recaps`` is a server's zone and its weekly recap post (channel, weekday, time);
  ``next_key`` names the recap delivery now scheduled, so a change replaces exactly it.
* ``milestones`` are a server's milestone roles; ``problem`` records why a role could not
  be granted (deleted role, missing permission) so it is shown rather than retried forever.
* ``milestone_grants`` records each role granted once per member, so a role an admin
  removed is never added back.
* ``challenge_week_targets`` holds the sessions-a-week target of a consistency challenge.
* ``plan_history`` records each change of a member's weekly plan from the day it was made
  (and, on the first change, the plan before it), so a new plan never rewrites past days.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)

from bot.db.metadata import ID, metadata
from bot.db.types import UTCDateTime

#: The local day a logged session counts on, fixed when it was logged.
workout_days = Table(
    "workout_days",
    metadata,
    Column(
        "session_id",
        ID,
        ForeignKey("workout_sessions.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("user_id", BigInteger, nullable=False),
    Column("local_date", Date, nullable=False),
    Column("guild_id", BigInteger),
    Column("records", Integer, nullable=False, server_default="0"),
    Index("ix_workout_days_user_date", "user_id", "local_date"),
    Index("ix_workout_days_guild_date", "guild_id", "local_date"),
    info={"member": "user_id"},
)

#: A member's weekly target from one local week (its Monday) on.
streak_targets = Table(
    "streak_targets",
    metadata,
    Column("user_id", BigInteger, nullable=False),
    Column("week_start", Date, nullable=False),
    Column("target", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("user_id", "week_start"),
    CheckConstraint("target >= 1 AND target <= 14", name="target_range"),
    info={"member": "user_id"},
)

#: A member's recap and digest choices.
streak_prefs = Table(
    "streak_prefs",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("recap_mentions", Boolean, nullable=False, server_default=true()),
    Column("digest", Boolean, nullable=False, server_default=false()),
    Column("digest_guild_id", BigInteger),
    Column("weekly_current", Integer, nullable=False, server_default="0"),
    Column("weekly_best", Integer, nullable=False, server_default="0"),
    Column("updated_at", UTCDateTime, nullable=False),
    info={"member": "user_id"},
)

#: A server's zone and weekly recap post.
guild_recaps = Table(
    "guild_recaps",
    metadata,
    Column("guild_id", BigInteger, primary_key=True, autoincrement=False),
    Column("timezone", String(64)),
    Column("channel_id", BigInteger),
    Column("weekday", Integer),
    Column("minute", Integer),
    Column("next_key", String(200)),
    Column("updated_at", UTCDateTime, nullable=False),
    info={"member": None},
)

#: A server's milestone roles.
milestones = Table(
    "milestones",
    metadata,
    Column("id", ID, primary_key=True, autoincrement=True),
    Column("guild_id", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("threshold", Integer, nullable=False),
    Column("role_id", BigInteger, nullable=False),
    Column("problem", Text),
    Column("problem_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("guild_id", "kind", "threshold", name="uq_milestones_guild_kind_threshold"),
    info={"member": None},
)

#: A milestone reached by a member: the role is granted once, never again.
milestone_grants = Table(
    "milestone_grants",
    metadata,
    Column("milestone_id", ID, ForeignKey("milestones.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("guild_id", BigInteger, nullable=False),
    Column("reached_at", UTCDateTime, nullable=False),
    Column("outcome", String(16), nullable=False, server_default="pending"),
    PrimaryKeyConstraint("milestone_id", "user_id"),
    Index("ix_milestone_grants_user_id", "user_id"),
    info={"member": "user_id"},
)

#: The weekly target of a consistency challenge (``scoring:sessions-per-week``).
challenge_week_targets = Table(
    "challenge_week_targets",
    metadata,
    Column(
        "challenge_id",
        ID,
        ForeignKey("challenges.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("target", Integer, nullable=False),
    CheckConstraint("target >= 1 AND target <= 14", name="target_range"),
    info={"member": None},
)

#: A member's weekly plan over time, as planned weekdays (bit 0 = Monday) from a local day
#: on, so the training-day streak reads each day against the plan in force then.
plan_history = Table(
    "plan_history",
    metadata,
    Column("user_id", BigInteger, nullable=False),
    Column("from_date", Date, nullable=False),
    Column("weekdays", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    PrimaryKeyConstraint("user_id", "from_date"),
    info={"member": "user_id"},
)
