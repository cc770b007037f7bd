"""The benchmarks' stand-in for Discord answers discord.py as Discord would: limits, nonces, faults."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import discord
import pytest
import pytest_asyncio

from tests.bench.standin import StandIn, point_discord_py_at, serve


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest_asyncio.fixture
async def standin() -> AsyncIterator[tuple[StandIn, str, Clock]]:
    clock = Clock()
    fake = StandIn(clock=clock)
    runner, url = await serve(fake)
    yield fake, url, clock
    await runner.cleanup()


@pytest_asyncio.fixture
async def client(standin: tuple[StandIn, str, Clock]) -> AsyncIterator[discord.Client]:
    import discord.http

    old = discord.http.Route.BASE
    point_discord_py_at(standin[1])
    bot = discord.Client(intents=discord.Intents.none())
    await bot.login("token")
    yield bot
    await bot.close()
    discord.http.Route.BASE = old


async def test_discord_py_logs_in_opens_a_dm_and_sends(standin, client) -> None:  # type: ignore[no-untyped-def]
    fake, _, _ = standin
    assert client.user is not None and client.application_id is not None
    channel = await client.http.start_private_message(42)
    partial = client.get_partial_messageable(int(channel["id"]), type=discord.ChannelType.private)
    message = await partial.send("hello", embed=discord.Embed(title="Train"))
    assert message.content == "hello" and message.embeds[0].title == "Train"
    assert fake.stats()["messages_by_user"] == {"42": [fake.messages[0].created]}


async def test_a_repeated_nonce_returns_the_message_already_created(standin, client) -> None:  # type: ignore[no-untyped-def]
    fake, _, _ = standin
    partial = client.get_partial_messageable(7, type=discord.ChannelType.private)
    first = await partial.send("once", nonce="rmd1")
    again = await partial.send("once", nonce="rmd1")
    other = await partial.send("twice", nonce="rmd2")
    assert first.id == again.id != other.id
    assert len(fake.messages) == 2


async def test_over_fifty_in_a_second_is_a_discord_shaped_global_429(standin) -> None:  # type: ignore[no-untyped-def]
    fake, url, clock = standin
    async with aiohttp.ClientSession() as session:
        statuses = []
        for i in range(51):
            async with session.post(f"{url}/api/v10/users/@me/channels", json={"recipient_id": i}) as r:
                statuses.append(r.status)
                if r.status == 429:
                    body, headers = await r.json(), r.headers
        assert statuses.count(200) == 50 and statuses[-1] == 429
        assert body["global"] is True and 0 < body["retry_after"] <= 1
        assert headers["X-RateLimit-Global"] == "true" and headers["X-RateLimit-Scope"] == "global"
        assert "Retry-After" in headers and "Via" in headers
        clock.t += 1.0
        async with session.post(f"{url}/api/v10/users/@me/channels", json={"recipient_id": 99}) as r:
            assert r.status == 200 and "X-RateLimit-Remaining" in r.headers
    assert fake.stats()["429"] == 1


async def test_a_channel_allows_five_messages_in_five_seconds(standin) -> None:  # type: ignore[no-untyped-def]
    _, url, clock = standin
    async with aiohttp.ClientSession() as session:
        remaining = []
        for i in range(6):
            async with session.post(f"{url}/api/v10/channels/5/messages", json={"content": str(i)}) as r:
                remaining.append((r.status, r.headers.get("X-RateLimit-Remaining")))
                last = await r.json()
        assert remaining[4] == (200, "0") and remaining[5][0] == 429 and last["global"] is False
        clock.t += 5.0
        async with session.post(f"{url}/api/v10/channels/5/messages", json={"content": "x"}) as r:
            assert r.status == 200


async def test_an_outage_answers_503_until_it_ends(standin, client) -> None:  # type: ignore[no-untyped-def]
    _, url, clock = standin
    async with aiohttp.ClientSession() as session:
        await session.post(f"{url}/_standin/fault", json={"kind": "outage", "seconds": 120})
    partial = client.get_partial_messageable(7, type=discord.ChannelType.private)
    with pytest.raises(discord.DiscordServerError) as refused:
        await partial.send("down")
    assert refused.value.status == 503
    clock.t += 121
    assert (await partial.send("up")).content == "up"


async def test_create_then_500_keeps_the_message_and_the_nonce_catches_the_retry(standin, client) -> None:  # type: ignore[no-untyped-def]
    fake, _, _ = standin
    fake.create_then_500 = 1
    partial = client.get_partial_messageable(7, type=discord.ChannelType.private)
    sent = await partial.send("once", nonce="rmd9")  # discord.py retries the 500 after a second
    assert [m.id for m in fake.messages] == [sent.id]
    # Logging in (two requests), the POST answered 500 after creating, and discord.py's retry.
    assert [s for _, _, s in fake.requests] == [200, 200, 500, 200]


async def test_interaction_callbacks_are_timed_and_do_not_count(standin) -> None:  # type: ignore[no-untyped-def]
    fake, url, _ = standin
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{url}/api/v10/interactions/11/tok/callback", json={"type": 5}) as r,
    ):
        assert r.status == 204
    assert 11 in fake.first_responses and fake.requests == []
