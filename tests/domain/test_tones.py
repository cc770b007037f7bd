"""The cue sounds are real audio in Discord's voice format: length, sample rate, loudness, shape."""

from __future__ import annotations

from array import array
from itertools import pairwise

import pytest

from bot.domain.sessions import SOUNDS
from bot.domain.tones import CHANNELS, FRAME_BYTES, NOTES, SAMPLE_BYTES, SAMPLE_RATE, duration_s, render


def samples(pcm: bytes) -> array[int]:
    values: array[int] = array("h")
    values.frombytes(pcm)
    return values


@pytest.mark.parametrize("sound", SOUNDS)
def test_each_sound_is_whole_20ms_frames_of_48khz_stereo(sound: str) -> None:
    pcm = render(sound)  # type: ignore[arg-type]
    assert SAMPLE_RATE == 48_000 and CHANNELS == 2 and SAMPLE_BYTES == 2
    assert FRAME_BYTES == 3840
    assert len(pcm) % FRAME_BYTES == 0
    written = sum(seconds for _, seconds in NOTES[sound])  # type: ignore[index]
    assert written <= duration_s(pcm) < written + 0.02


@pytest.mark.parametrize("sound", SOUNDS)
def test_each_sound_is_audible_and_clickless(sound: str) -> None:
    values = samples(render(sound))  # type: ignore[arg-type]
    assert max(abs(v) for v in values) > 10_000
    # Left and right carry the same signal.
    assert values[0::2] == values[1::2]
    # Fades in and out: the first and last samples are near silence.
    assert abs(values[0]) < 500 and abs(values[-1]) < 500


def test_the_sounds_are_distinct() -> None:
    assert len({render(s) for s in SOUNDS}) == len(SOUNDS)  # type: ignore[arg-type]


def test_work_is_higher_than_rest() -> None:
    def crossings(pcm: bytes) -> float:
        left = samples(pcm)[0::2]
        changes = sum(1 for a, b in pairwise(left) if (a < 0) != (b < 0))
        return changes / (len(left) / SAMPLE_RATE)

    assert crossings(render("work")) > 2 * crossings(render("rest"))
