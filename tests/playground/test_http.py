"""The playground over HTTP, driven like the page drives it: config, send, press, long-poll.

All tests share one running playground (see conftest); each plays its own users.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.playground.server import Playground
from storage.models import Participant
from tests.playground.conftest import PageUser, labels, text_of

pytestmark = pytest.mark.asyncio(loop_scope="module")


def role_start(config: dict[str, Any], key: str) -> str:
    return next(str(role["start"]) for role in config["roles"] if role["key"] == key)


def is_turn_end(message: dict[str, Any]) -> bool:
    text = text_of(message)
    return ("Vraag " in text and " van " in text) or "Klaar!" in text


async def answer(user: PageUser, question: dict[str, Any]) -> None:
    """Answer the way a person reads the question: type, tick and confirm, or tap."""
    text = text_of(question)
    if "Typ je antwoord" in text:
        await user.send("Veel kinderen kunnen niet mee op schoolreis.")
    elif "Tik daarna op Klaar" in text:
        first = labels(question)[0]
        edits = question["edits"]
        await user.press(question, first)
        edited = await user.wait_for(
            lambda m: m["message_id"] == question["message_id"] and m["edits"] > edits
        )
        await user.press(edited, "Klaar")
    else:
        await user.press(question, labels(question)[0])


async def count(playground: Playground, statement: Any) -> int:
    async with playground.runtime.sessions() as session:
        return int(await session.scalar(statement) or 0)


async def test_jongere_completes_the_consultation(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    """A jongere opens the demo link, consents, answers every question and is thanked."""
    user = PageUser(http, playground.url, "Jongere")
    await user.send(role_start(await user.config(), "jongere"))
    notice = await user.wait_for(lambda m: "Ik doe mee" in labels(m))
    assert "anoniem" in text_of(notice)
    await user.press(notice, "Ik doe mee")
    handled = notice["message_id"]
    for _ in range(40):
        message = await user.wait_for(
            lambda m, after=handled: m["message_id"] > after and is_turn_end(m)
        )
        if "Klaar!" in text_of(message):
            break
        handled = message["message_id"]
        await answer(user, message)
    else:
        raise AssertionError("the consultation did not end")
    assert "Dank je wel" in text_of(message)
    real = (
        select(func.count())
        .select_from(Participant)
        .where(Participant.completed.is_(True), Participant.pseudonym.is_not(None))
    )
    assert await count(playground, real) == 1


async def test_coordinator_gets_help(playground: Playground, http: aiohttp.ClientSession) -> None:
    """The coordinator joins with the demo invite, gives name and organisation, and /help lists
    the coordinator's commands."""
    user = PageUser(http, playground.url, "Coördinator")
    await user.send(role_start(await user.config(), "coordinator"))
    await user.wait_for(lambda m: "Wat is je naam" in text_of(m))
    await user.send("Anna")
    await user.wait_for(lambda m: "organisatie" in text_of(m))
    await user.send("Gemeente Voorbeelddorp")
    await user.wait_for(lambda m: "Kies een stap" in text_of(m))
    await user.send("/help")
    reply = await user.wait_for(lambda m: "Als coördinator" in text_of(m))
    assert "/samenvatting" in text_of(reply)


async def test_page_config_lists_four_roles_with_start_links(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    """The page learns four roles, each with its own /start token, and the bot's command menu."""
    config = await PageUser(http, playground.url, "x").config()
    assert [role["key"] for role in config["roles"]] == ["jongere", "ouder", "lid", "coordinator"]
    starts = [str(role["start"]) for role in config["roles"]]
    assert all(start.startswith("/start ") for start in starts)
    assert len(set(starts)) == 4
    assert config["werkgroep"] == playground.demo.naam
    assert "help" in [command["command"] for command in config["commands"]]


async def test_playground_serves_the_web_channel_too(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    """The page links the demo campaigns in the browser; the links open their landing page."""
    config = await PageUser(http, playground.url, "x").config()
    links = {link["label"]: link["url"] for link in config["web"]}
    assert links == {
        "Jongere in de browser": f"{playground.web_url}/j/{playground.demo.jongeren}",
        "Ouder in de browser": f"{playground.web_url}/j/{playground.demo.ouders}",
    }
    async with http.get(links["Jongere in de browser"]) as response:
        assert response.status == 200
        assert "Beantwoord hier in je browser" in await response.text()


async def test_stale_button_answer_reaches_the_page_as_a_toast(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    """Tapping an old button again gives the bot's short notice, which the page shows as a toast."""
    user = PageUser(http, playground.url, "Ouder")
    await user.send(role_start(await user.config(), "ouder"))
    notice = await user.wait_for(lambda m: "Ik doe mee" in labels(m))
    await user.press(notice, "Nee, liever niet")
    await user.wait_for(lambda m: "geen probleem" in text_of(m))
    query_id = await user.press(notice, "Ik doe mee")
    params = {"query_id": query_id, "wait": "10"}
    async with http.get(f"{playground.url}_play/toast", params=params) as response:
        toast = await response.json()
    assert toast["answered"] is True
    assert toast["text"]


async def test_page_files_are_served_with_a_strict_policy(
    playground: Playground, http: aiohttp.ClientSession
) -> None:
    """The page and its two assets load; anything else under /static is not found."""
    async with http.get(playground.url) as response:
        assert response.status == 200
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert 'id="messages"' in await response.text()
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css")):
        async with http.get(f"{playground.url}static/{name}") as response:
            assert response.status == 200
            assert response.content_type == kind
    for name in ("index.html", "..%2Fserver.py", "demo.py"):
        async with http.get(f"{playground.url}static/{name}") as response:
            assert response.status == 404
