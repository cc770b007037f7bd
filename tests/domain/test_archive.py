"""The export as files Discord accepts: plain JSON, one zip, or numbered parts that hold every row."""

from __future__ import annotations

import io
import json
import random
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.archive import describe_size, pack_export


def document(rows: int, *, seed: int = 1) -> dict:
    rng = random.Random(seed)
    return {
        "schema_version": 1,
        "user_id": "42",
        "tables": {
            "members": [{"user_id": "42", "timezone": "Europe/Berlin"}],
            "workout_sets": [
                {
                    "id": i,
                    "exercise": "Back Squat",
                    "reps": rng.randint(1, 12),
                    "weight_kg": rng.random() * 200,
                }
                for i in range(rows)
            ],
            "soreness_ratings": [],
        },
    }


def unzip(data: bytes) -> tuple[str, dict]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    [name] = archive.namelist()
    return name, json.loads(archive.read(name))


def test_small_exports_stay_plain_json() -> None:
    doc = document(10)
    packed = pack_export(doc, "repmate-data-42", 10 * 1024 * 1024)
    [file] = packed.files
    assert (packed.form, file.name) == ("json", "repmate-data-42.json")
    assert json.loads(file.data) == doc


def test_too_large_for_json_comes_as_one_zip() -> None:
    doc = document(2000)
    plain = len(json.dumps(doc, indent=2, ensure_ascii=False).encode())
    packed = pack_export(doc, "repmate-data-42", plain - 1)
    [file] = packed.files
    assert (packed.form, file.name, packed.json_size) == ("zip", "repmate-data-42.zip", plain)
    assert len(file.data) < plain - 1
    assert unzip(file.data) == ("repmate-data-42.json", doc)


def test_too_large_even_zipped_comes_in_parts_that_hold_every_row() -> None:
    doc = document(5000)
    limit = 40_000
    packed = pack_export(doc, "repmate-data-42", limit)
    assert packed.form == "parts" and len(packed.files) > 1
    n = len(packed.files)
    rows: dict[str, list] = {}
    for k, file in enumerate(packed.files, start=1):
        assert file.name == f"repmate-data-42-part-{k}-of-{n}.zip"
        assert len(file.data) <= limit
        inner, part = unzip(file.data)
        assert inner == f"repmate-data-42-part-{k}-of-{n}.json"
        assert (part["part"], part["parts"], part["schema_version"], part["user_id"]) == (k, n, 1, "42")
        for table, table_rows in part["tables"].items():
            rows.setdefault(table, []).extend(table_rows)
    assert rows == doc["tables"], "nothing lost, nothing repeated, in order"


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 3000), st.integers(3_000, 200_000), st.integers(0, 10))
def test_every_file_fits_and_the_rows_add_up(rows: int, limit: int, seed: int) -> None:
    doc = document(rows, seed=seed)
    packed = pack_export(doc, "x", limit)
    assert all(len(f.data) <= limit for f in packed.files)
    if packed.form == "json":
        assert json.loads(packed.files[0].data) == doc
    else:
        total = sum(len(unzip(f.data)[1]["tables"].get("workout_sets", [])) for f in packed.files)
        assert total == rows


def test_a_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="above 0"):
        pack_export(document(1), "x", 0)


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0 bytes"), (999, "999 bytes"), (1000, "1 KB"), (830_400, "830 KB"), (12_250_971, "12.3 MB")],
)
def test_sizes_read_as_members_read_them(size: int, shown: str) -> None:
    assert describe_size(size) == shown
