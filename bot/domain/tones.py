"""The audio cues' sounds, generated as raw PCM: nothing downloaded, nothing spoken by a service.

Discord voice takes 48 kHz, 16-bit signed little-endian, stereo PCM in 20 ms frames, which
is what :func:`render` returns (padded to whole frames). Each cue is a few sine tones
with a short fade in and out, so it clicks neither on nor off:

* ``count`` — a short mid beep for each of 3-2-1;
* ``work`` — a high double beep;
* ``rest`` — a low, longer tone;
* ``half`` — two quick mid-high blips;
* ``finish`` — a rising three-note chime.

Pure arithmetic on the standard library (``array``), so it runs from a fresh install.
"""

from __future__ import annotations

import math
import sys
from array import array
from functools import cache

from bot.domain.sessions import Sound

SAMPLE_RATE = 48_000
CHANNELS = 2
SAMPLE_BYTES = 2
FRAME_MS = 20
FRAME_BYTES = SAMPLE_RATE * FRAME_MS // 1000 * CHANNELS * SAMPLE_BYTES  # 3,840
VOLUME = 0.45
FADE_S = 0.008

#: Each sound as (frequency Hz or 0 for silence, seconds) notes, played one after another.
NOTES: dict[Sound, tuple[tuple[float, float], ...]] = {
    "count": ((880.0, 0.15),),
    "work": ((1320.0, 0.14), (0.0, 0.06), (1320.0, 0.26)),
    "rest": ((440.0, 0.55),),
    "half": ((990.0, 0.08), (0.0, 0.05), (990.0, 0.08)),
    "finish": ((523.25, 0.22), (659.25, 0.22), (783.99, 0.45)),
}


def _note(frequency: float, seconds: float, samples: array[int]) -> None:
    count = round(seconds * SAMPLE_RATE)
    fade = max(1, round(FADE_S * SAMPLE_RATE))
    peak = VOLUME * 32767
    step = 2 * math.pi * frequency / SAMPLE_RATE
    for i in range(count):
        if frequency <= 0:
            value = 0
        else:
            envelope = min(1.0, i / fade, (count - 1 - i) / fade)
            value = round(peak * envelope * math.sin(step * i))
        samples.append(value)
        samples.append(value)


@cache
def render(sound: Sound) -> bytes:
    """The sound as 48 kHz s16le stereo PCM, a whole number of 20 ms frames long."""
    samples: array[int] = array("h")
    for frequency, seconds in NOTES[sound]:
        _note(frequency, seconds, samples)
    pcm_bytes = len(samples) * SAMPLE_BYTES
    missing = (-pcm_bytes) % FRAME_BYTES
    samples.extend([0] * (missing // SAMPLE_BYTES))
    if sys.byteorder != "little":  # pragma: no cover - Discord wants little-endian
        samples.byteswap()
    return samples.tobytes()


def duration_s(pcm: bytes) -> float:
    return len(pcm) / (SAMPLE_RATE * CHANNELS * SAMPLE_BYTES)
