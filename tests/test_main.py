"""What ``python -m bot`` says when it can't run: one paragraph, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[1]


def run_bot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m bot`` in an empty folder (no .env), with none of the bot's settings inherited."""
    setting_names = {name.upper() for name in Settings.__dataclass_fields__}
    clean = {k: v for k, v in os.environ.items() if k not in setting_names}
    clean.update(PYTHONPATH=str(ROOT), **env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_paragraph(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip()
    assert "Traceback" not in result.stderr
    assert message and "\n\n" not in message, message
    return message


def test_missing_token_exits_2_naming_the_token_the_example_and_the_sandbox(tmp_path):
    message = assert_one_paragraph(run_bot(tmp_path))
    assert "DISCORD_TOKEN" in message
    assert ".env.example" in message
    assert "sandbox" in message


def test_bad_default_timezone_exits_2_with_one_paragraph(tmp_path):
    message = assert_one_paragraph(
        run_bot(tmp_path, DISCORD_TOKEN="not-used", DEFAULT_TIMEZONE="Mars/Olympus_Mons")
    )
    assert "DEFAULT_TIMEZONE" in message and "Mars/Olympus_Mons" in message


@pytest.mark.parametrize("url", ["not a database url", "mysql://user@host/repmate", "sqlite+aiosqlite://"])
def test_malformed_database_url_exits_2_with_one_paragraph(tmp_path, url):
    message = assert_one_paragraph(run_bot(tmp_path, DISCORD_TOKEN="not-used", DATABASE_URL=url))
    assert "DATABASE_URL" in message
