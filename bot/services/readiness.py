"""Muscle readiness for a member, derived at read time from their log and soreness ratings.

Nothing is stored: every answer is computed from the sets and ratings the member
already has (so /privacy export and delete already cover it). The arithmetic is
:mod:`bot.domain.readiness`; this module gathers its inputs and says which groups a
rating or a session is about:

* a rating with an area the model knows ("quads", "lower back") is about those groups;
* a rating without an area (a check-in's) is about the prime movers of the workout it
  belongs to;
* a rating whose area names no muscle group ("left knee") is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.repositories.checkins import CheckinRepo
from bot.db.repositories.checkins import Rating as StoredRating
from bot.db.repositories.workouts import TimedSet, WorkoutRepo
from bot.domain import readiness as model
from bot.domain.exercises import Catalogue, Exercise, default_catalogue
from bot.domain.readiness import GroupReadiness, Params

Clock = Callable[[], datetime]

#: A rating given with /soreness rate belongs to the latest workout of the week before it
#: (bot.services.checkins.FREE_RATING_WINDOW), so sets are read that much further back.
RATED_SESSION_REACH = timedelta(days=7)
LEAST_READY = 3
SUGGESTED = 3


@dataclass(frozen=True)
class ReadinessReport:
    at: datetime
    #: Every tracked group, in display order.
    groups: dict[str, GroupReadiness]
    #: The groups the picture shows: every one, in display order.
    shown: tuple[GroupReadiness, ...]
    least_ready: tuple[GroupReadiness, ...]
    suggestions: tuple[tuple[GroupReadiness, Exercise], ...]
    #: Sessions in the model's look-back window, and the latest one's time.
    sessions: int
    last_workout_at: datetime | None
    #: Custom exercises in that window, which train no group the model knows.
    custom_exercises: tuple[str, ...]
    #: Groups whose figure comes from a soreness rating rather than the log.
    from_soreness: tuple[GroupReadiness, ...]
    lookback_days: int
    ease_off: int


@dataclass(frozen=True)
class _Inputs:
    """What the model reads for one member: the stored sets (and which session each is in)
    and the ratings, as the model takes them."""

    stored: list[TimedSet]
    by_session: dict[int, list[str]]
    sets: list[model.LoggedSet]
    ratings: list[model.Rating]


class ReadinessService:
    def __init__(
        self,
        workouts: WorkoutRepo,
        checkins: CheckinRepo,
        clock: Clock,
        *,
        catalogue: Catalogue | None = None,
        params: Params | None = None,
    ) -> None:
        self.workouts = workouts
        self.checkins = checkins
        self.clock = clock
        self.catalogue = catalogue or default_catalogue()
        self.params = params or model.default_params()

    # -- inputs ----------------------------------------------------------------------------------

    def _reach(self) -> timedelta:
        params = self.params
        return max(
            timedelta(days=params.lookback_days),
            timedelta(days=params.soreness_lookback_days) + RATED_SESSION_REACH,
        )

    def _rating_groups(self, rating: StoredRating, by_session: dict[int, list[str]]) -> frozenset[str]:
        if rating.area:
            return model.area_groups(rating.area, self.params)
        if rating.session_id is not None:
            return model.trained_groups(
                by_session.get(rating.session_id, []), params=self.params, catalogue=self.catalogue
            )
        return frozenset()

    async def _inputs(self, user_id: int, now: datetime, *, without_session: int | None = None) -> _Inputs:
        stored = await self.workouts.sets_since(user_id, now - self._reach())
        stored = [s for s in stored if s.session_id != without_session]
        ratings = await self.checkins.ratings_since(
            user_id, now - timedelta(days=self.params.soreness_lookback_days)
        )
        by_session: dict[int, list[str]] = {}
        for row in stored:
            by_session.setdefault(row.session_id, []).append(row.exercise_key)
        sets = [
            model.LoggedSet(
                row.performed_at, row.exercise_key, row.reps, row.duration_s, row.percent, row.rpe
            )
            for row in stored
        ]
        rated = [model.Rating(r.rated_at, r.level, self._rating_groups(r, by_session)) for r in ratings]
        return _Inputs(stored, by_session, sets, rated)

    def _compute(
        self, sets: Iterable[model.LoggedSet], ratings: Iterable[model.Rating], at: datetime
    ) -> dict[str, GroupReadiness]:
        return model.readiness(sets, ratings, at, params=self.params, catalogue=self.catalogue)

    # -- /readiness ------------------------------------------------------------------------------

    async def report(self, user_id: int) -> ReadinessReport:
        now = self.clock()
        inputs = await self._inputs(user_id, now)
        stored = inputs.stored
        groups = self._compute(inputs.sets, inputs.ratings, now)
        params = self.params
        shown = tuple(groups.values())
        window = now - timedelta(days=params.lookback_days)
        recent = [s for s in stored if s.performed_at >= window]
        custom = dict.fromkeys(s.exercise for s in recent if s.exercise_key not in self.catalogue)
        return ReadinessReport(
            at=now,
            groups=groups,
            shown=shown,
            least_ready=tuple(model.least_ready(groups, LEAST_READY)),
            suggestions=tuple(
                model.suggestions(groups, count=SUGGESTED, params=params, catalogue=self.catalogue)
            ),
            sessions=len({s.session_id for s in recent}),
            last_workout_at=max((s.performed_at for s in stored), default=None),
            custom_exercises=tuple(custom),
            from_soreness=tuple(g for g in groups.values() if g.from_soreness and g.whole < 100),
            lookback_days=params.lookback_days,
            ease_off=params.ease_off,
        )

    # -- warnings and check-ins ------------------------------------------------------------------

    async def strained_by_session(
        self, user_id: int, session_id: int, performed_at: datetime, exercise_keys: Sequence[str]
    ) -> list[GroupReadiness]:
        """The groups a just-logged session worked as a prime mover that were below the
        "ease off" line before it, least ready first (for a one-line warning)."""
        trained = model.trained_groups(exercise_keys, params=self.params, catalogue=self.catalogue)
        if not trained:
            return []
        inputs = await self._inputs(user_id, performed_at, without_session=session_id)
        before = self._compute(inputs.sets, inputs.ratings, performed_at)
        low = [before[g] for g in trained if before[g].whole < self.params.ease_off]
        return sorted(low, key=lambda g: (g.percent, g.group))

    async def for_rating(self, user_id: int, rating: StoredRating) -> list[GroupReadiness]:
        """The readiness of the groups a rating is about, now (the rating counted)."""
        now = self.clock()
        inputs = await self._inputs(user_id, now)
        groups = self._rating_groups(rating, inputs.by_session)
        if not groups:
            return []
        computed = self._compute(inputs.sets, inputs.ratings, now)
        return [computed[g] for g in self.params.order if g in groups]


__all__ = ["ReadinessReport", "ReadinessService"]
