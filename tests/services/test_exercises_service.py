"""ExerciseLibrary (the /exercise service) without Discord."""

from __future__ import annotations

import pytest

from bot.domain.exercises import default_catalogue
from bot.errors import NotFound, UserFacingError
from bot.services.exercises import SEARCH_PAGE_SIZE, BroaderSearch, ExerciseLibrary


def test_info_by_name_and_alias() -> None:
    library = ExerciseLibrary()
    by_name = library.info("romanian deadlift")
    assert by_name.exercise.id == "romanian-deadlift" and by_name.asked_as is None
    by_alias = library.info("rdl")
    assert by_alias.exercise.id == "romanian-deadlift" and by_alias.asked_as == "RDL"
    assert 1 <= len(by_alias.alternatives) <= 5
    assert all(set(a.primary) & set(by_alias.exercise.primary) for a in by_alias.alternatives)
    assert by_alias.exercise not in by_alias.alternatives


def test_unknown_names_get_close_matches_or_a_way_to_browse() -> None:
    library = ExerciseLibrary()
    with pytest.raises(NotFound) as caught:
        library.info("romanain deadlfit")
    assert "Did you mean **Romanian Deadlift**" in caught.value.message
    assert caught.value.example == "`/exercise info name:Romanian Deadlift`"
    with pytest.raises(NotFound) as nothing:
        library.info("zzzz qqqq")
    assert "Did you mean" not in nothing.value.message and "/exercise search" in (nothing.value.example or "")
    with pytest.raises(NotFound) as ticks:
        library.info("`@everyone`")
    assert "`'@everyone'`" in ticks.value.message  # member text can't break out of the code span


def test_suggestions_show_the_alias_that_matched() -> None:
    library = ExerciseLibrary()
    first = library.suggest("RDL")[0]
    assert (first.label, first.value) == ("Romanian Deadlift · RDL", "Romanian Deadlift")
    assert library.suggest("bench")[0].label == "Bench Press"
    assert len(library.suggest("")) == 25 and len(library.suggest("", limit=5)) == 5


def test_search_pages_primary_first_and_clamps_the_page() -> None:
    library = ExerciseLibrary()
    expected = default_catalogue().filter(muscle="glutes")
    first = library.search(muscle="Glutes")
    assert first.muscle == "glutes" and first.equipment is None
    assert first.results.total == len(expected) and first.results.pages == -(
        -len(expected) // SEARCH_PAGE_SIZE
    )
    assert [h.exercise for h in first.results.items] == expected[:SEARCH_PAGE_SIZE]
    last = library.search("glutes", page=99)
    assert last.results.page == last.results.pages and not last.results.has_next
    everything = [
        h for n in range(1, first.results.pages + 1) for h in library.search("glutes", page=n).results.items
    ]
    assert [h.exercise for h in everything] == expected
    flags = [h.primary for h in everything]
    assert flags == sorted(flags, reverse=True) and True in flags and False in flags
    assert library.search("glutes", page=0).results.page == 1


def test_search_by_equipment_alone_and_both() -> None:
    library = ExerciseLibrary()
    kettlebell = library.search(equipment="kettlebell")
    assert kettlebell.results.total == len(default_catalogue().filter(equipment="kettlebell"))
    assert all(h.primary for h in kettlebell.results.items)
    both = library.search(muscle="chest", equipment="Dumbbell")
    assert both.results.total and all("dumbbell" in h.exercise.equipment for h in both.results.items)


def test_search_needs_a_known_filter() -> None:
    library = ExerciseLibrary()
    with pytest.raises(UserFacingError, match="Choose a muscle group"):
        library.search()
    with pytest.raises(UserFacingError, match="isn't a muscle group") as caught:
        library.search(muscle="wings")
    assert caught.value.example == "`/exercise search muscle:Chest`"
    with pytest.raises(UserFacingError, match="isn't equipment I know") as caught:
        library.search(equipment="spaceship")
    assert caught.value.example == "`/exercise search equipment:Barbell`"


def test_an_empty_search_offers_broader_ones() -> None:
    library = ExerciseLibrary()
    empty = library.search(muscle="neck", equipment="rower")
    assert empty.results.total == 0 and empty.results.items == () and empty.results.pages == 1
    assert [(b.muscle, b.equipment) for b in empty.broader] == [("neck", None), (None, "rower")]
    assert all(isinstance(b, BroaderSearch) and b.count > 0 for b in empty.broader)
