"""The web channel's rules at the HTTP level: CSRF, sessions, bad input, replays, safety."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.privacy import crisis
from bot.privacy.crisis import CrisisSignal, help_reply
from bot.privacy.pseudonym import chat_key, participant_pseudonym
from bot.privacy.safety.detector import Detector
from bot.runtime import Runtime
from bot.web.app import create_app
from bot.web.limits import Rate
from bot.web.session import COOKIE_NAME
from storage.db import make_engine, make_sessionmaker
from storage.models import Campaign, ChatSession, Member, Participant, today, utcnow
from tests.web.conftest import GENEROUS, PEPPER, answers_of, counts, create_campaign
from tests.web.pages import Page, Visitor, parse
from tests.web.test_journey import consent

CRISIS = "ik wil dood, ik wil niet meer leven"
# The help reply for a suicide signal leads with this (bot/privacy/helplines.py INTROS).
HELP_LEAD = "Fijn dat je dit vertelt. Denk je aan zelfmoord?"


def cookie_of(visitor: Visitor) -> str:
    for cookie in visitor.client.session.cookie_jar:
        if cookie.key == COOKIE_NAME:
            return cookie.value
    raise AssertionError("no session cookie")


async def first_text_question(visitor: Visitor, page: Page) -> Page:
    for _ in range(10):
        if page.answer_form() is not None:
            return page
        page = await visitor.step(page)
    raise AssertionError("no text question reached")


# --- CSRF and sessions ------------------------------------------------------------------------


async def test_a_post_without_the_csrf_token_is_refused_without_a_write(
    runtime: Runtime, visitor: Visitor
) -> None:
    """A form post lacking the CSRF token gets 403 and changes nothing in the database."""
    token, _, _ = await create_campaign(runtime)
    landing = await visitor.get(f"/j/{token}")
    form, _ = landing.button("Beantwoord hier in je browser")
    before = await counts(runtime)
    fields = {k: v for k, v in form.fields.items() if k != "csrf"}
    refused = await visitor.post(form.action, fields)
    assert refused.status == 403
    assert "Deze pagina is verlopen" in refused.text
    wrong = await visitor.post(form.action, {**fields, "csrf": "0" * 32})
    assert wrong.status == 403
    assert await counts(runtime) == before


async def test_a_forged_session_cookie_is_refused_without_a_write(
    runtime: Runtime, visitor: Visitor
) -> None:
    """A made-up session id (or one with a borrowed signature) is refused with 403."""
    token, _, _ = await create_campaign(runtime)
    page = await consent(visitor, token)
    form, button = page.button(page.options()[0].text)
    before = await counts(runtime)
    genuine = cookie_of(visitor)
    signature = genuine.partition(".")[2]
    forged = f"{'A' * 32}.{signature}"
    visitor.client.session.cookie_jar.clear()
    visitor.client.session.cookie_jar.update_cookies({COOKIE_NAME: forged})
    refused = await visitor.post(form.action, {**form.fields, "b": button.value})
    assert refused.status == 403
    assert await counts(runtime) == before


async def test_cookie_is_httponly_samesite_strict_and_secure_only_on_https(
    runtime: Runtime, tmp_path: Path
) -> None:
    """The session cookie cannot be read by scripts or sent cross-site; Secure behind https."""
    token, _, _ = await create_campaign(runtime)
    for public, secure in (("http://127.0.0.1:8081", False), ("https://praat.example.nl", True)):
        runtime.settings.public_url = public
        async with TestClient(TestServer(create_app(runtime))) as client:
            response = await client.get(f"/j/{token}")
            header = response.headers["Set-Cookie"]
        assert "HttpOnly" in header and "SameSite=Strict" in header
        assert ("Secure" in header) is secure


async def test_pseudonym_is_derived_from_the_session_with_the_pepper(
    runtime: Runtime, visitor: Visitor
) -> None:
    """The database holds keys derived with the pepper from 'web:<session id>' (the chat key,
    and the participant pseudonym scoped to the campaign's werkgroep, step and round), never
    the session id itself."""
    token, _, _ = await create_campaign(runtime)
    await consent(visitor, token)
    session_id = cookie_of(visitor).partition(".")[0]
    principal = f"web:{session_id}"
    async with runtime.sessions() as session:
        participant = await session.scalar(select(Participant))
        chat = await session.scalar(select(ChatSession))
        campaign = await session.scalar(select(Campaign))
    assert campaign is not None
    expected = participant_pseudonym(
        PEPPER.encode(), principal, campaign.werkgroep_id, campaign.step_key, campaign.round
    )
    assert participant is not None and participant.pseudonym == expected
    assert chat is not None and chat.subject == chat_key(PEPPER.encode(), principal)
    assert session_id not in repr(chat.context)


# --- bad input --------------------------------------------------------------------------------


async def test_unknown_closed_and_expired_links_get_friendly_pages(
    runtime: Runtime, visitor: Visitor
) -> None:
    """404 for an unknown or malformed token, 410 for a closed or expired round."""
    unknown = await visitor.get("/j/" + "x" * 32)
    assert unknown.status == 404 and "Deze link werkt niet" in unknown.text
    assert (await visitor.get("/j/not%20a%20token")).status == 404
    closed, _, _ = await create_campaign(runtime, closed_at=utcnow())
    expired, _, _ = await create_campaign(runtime, closes_on=today() - timedelta(days=1))
    for token in (closed, expired):
        page = await visitor.get(f"/j/{token}")
        assert page.status == 410
        assert "Deze ronde is gesloten" in page.text


async def test_a_werkgroep_invite_says_it_works_only_in_telegram(
    runtime: Runtime, visitor: Visitor
) -> None:
    """Opening a member invite in the browser explains; posting it creates no member."""
    _, _, invite = await create_campaign(runtime)
    page = await visitor.get(f"/j/{invite}")
    assert "Werkgroeplinks werken alleen in Telegram" in page.text
    token, _, _ = await create_campaign(runtime)
    form, _ = (await visitor.get(f"/j/{token}")).button("Beantwoord hier in je browser")
    posted = await visitor.post(f"/j/{invite}", form.fields)
    assert "Werkgroeplinks werken alleen in Telegram" in posted.text
    async with runtime.sessions() as session:
        assert (await session.scalars(select(Member))).all() == []


async def test_a_100_kb_post_is_refused_with_413_and_stores_nothing(
    runtime: Runtime, visitor: Visitor
) -> None:
    """An oversized body is refused before it reaches the dialog."""
    token, _, _ = await create_campaign(runtime)
    page = await first_text_question(visitor, await consent(visitor, token))
    before = await counts(runtime)
    form = page.answer_form()
    assert form is not None
    refused = await visitor.post(form.action, {**form.fields, "t": "a" * 100_000})
    assert refused.status == 413
    assert "Dit bericht is te lang" in refused.text
    assert await counts(runtime) == before


async def test_a_replayed_post_is_answered_with_the_current_question(
    runtime: Runtime, visitor: Visitor
) -> None:
    """The same form sent twice stores one answer and shows the question that is open now."""
    token, campaign_id, _ = await create_campaign(runtime)
    first = await consent(visitor, token)
    second = await visitor.press(first, first.options()[0].text)
    assert "Vraag 2 van" in second.text
    replay = await visitor.press(first, first.options()[1].text)
    assert "Vraag 2 van" in replay.text
    assert "Jouw antwoord" not in replay.text
    stored = await answers_of(runtime, campaign_id)
    assert list(stored) == ["leeftijd"]


async def test_an_old_pages_typed_answer_is_not_moved_to_the_next_question(
    runtime: Runtime, visitor: Visitor
) -> None:
    """Text posted from an out-of-date page stores nothing; the open question is shown."""
    token, campaign_id, _ = await create_campaign(runtime)
    question = await first_text_question(visitor, await consent(visitor, token))
    answered = await visitor.type(question, "Meer geld voor de sportclub")
    assert answered.status == 200
    before = await answers_of(runtime, campaign_id)
    form = question.answer_form()
    assert form is not None
    # A new nonce (as a second tab would have) but the old page's question token.
    stale = await visitor.post(form.action, {**form.fields, "n": "12345", "t": "Iets anders"})
    assert await answers_of(runtime, campaign_id) == before
    current = answered.text.split("Vraag ", 1)[1][:8]
    assert current in stale.text
    assert "Iets anders" not in stale.text  # not shown back as if it were taken


async def test_typed_text_is_never_a_command(runtime: Runtime, visitor: Visitor) -> None:
    """'/vergeet' typed as an answer is stored as text; nothing is erased or stopped."""
    token, campaign_id, _ = await create_campaign(runtime)
    question = await first_text_question(visitor, await consent(visitor, token))
    page = await visitor.type(question, "/vergeet")
    assert "wissen" not in page.text.split("Jouw antwoord")[0]
    assert "/vergeet" in (await answers_of(runtime, campaign_id)).values()
    assert (await counts(runtime))["participants"] == 1


# --- safety and erasure -----------------------------------------------------------------------


async def test_a_crisis_text_shows_the_help_lines_first(runtime: Runtime, visitor: Visitor) -> None:
    """At a question and at the privacy notice alike, the help lines lead the page."""
    token, _, _ = await create_campaign(runtime)
    landing = await visitor.get(f"/j/{token}")
    notice = await visitor.press(landing, "Beantwoord hier in je browser")
    form, _ = notice.button("Ik doe mee")
    at_notice = await visitor.post(form.action, {**form.fields, "q": "", "t": CRISIS})
    assert at_notice.text.lstrip().startswith(HELP_LEAD)
    question = await first_text_question(visitor, await visitor.press(at_notice, "Ik doe mee"))
    at_question = await visitor.type(question, CRISIS)
    assert at_question.text.lstrip().startswith(HELP_LEAD)
    assert "113" in at_question.text


async def test_a_crisis_answer_pauses_in_the_browser_too(
    runtime: Runtime, visitor: Visitor
) -> None:
    """After a crisis answer the page shows the help lines, that the answer is saved and the
    two buttons, without the next question; "Verder met de vragen" brings it."""
    token, campaign_id, _ = await create_campaign(runtime)
    question = await first_text_question(visitor, await consent(visitor, token))
    paused = await visitor.type(question, CRISIS)
    assert paused.text.lstrip().startswith(HELP_LEAD)
    assert "Je antwoord is bewaard." in paused.text
    assert {"Verder met de vragen", "Stoppen"} <= set(paused.labels())
    assert paused.answer_form() is None and "Vraag " not in paused.text
    assert CRISIS in (await answers_of(runtime, campaign_id)).values()  # saved, flagged
    going_on = await visitor.press(paused, "Verder met de vragen")
    assert "Vraag " in going_on.text and HELP_LEAD not in going_on.text


async def test_a_typed_crisis_answer_is_judged_once(
    runtime: Runtime, visitor: Visitor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """First aid, the page's help box, the dialog and the stored answer's flag share one
    verdict: the detector runs once for the message (bot/privacy/crisis.py's memo)."""
    token, _, _ = await create_campaign(runtime)
    question = await first_text_question(visitor, await consent(visitor, token))
    judged: list[str] = []
    real = Detector.detect

    def counted(self: Detector, text: str, languages: Sequence[str] = ()) -> CrisisSignal | None:
        judged.append(text)
        return real(self, text, languages)

    monkeypatch.setattr(Detector, "detect", counted)
    monkeypatch.setattr(crisis, "_RECENT", crisis._RecentVerdicts())  # earlier tests' verdicts
    paused = await visitor.type(question, CRISIS)
    assert paused.text.lstrip().startswith(HELP_LEAD)
    assert "Je antwoord is bewaard." in paused.text
    assert judged == [CRISIS]


async def test_help_lines_still_show_when_the_database_is_down(
    runtime: Runtime, visitor: Visitor, tmp_path: Path
) -> None:
    """With the database unreachable a crisis text gets the help lines; other text a 503."""
    token, _, _ = await create_campaign(runtime)
    question = await first_text_question(visitor, await consent(visitor, token))
    broken = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'none.db'}")
    working = runtime.sessions
    runtime.sessions = make_sessionmaker(broken)
    try:
        crisis = await visitor.type(question, CRISIS)
        plain = await visitor.type(question, "Gewoon een antwoord")
    finally:
        runtime.sessions = working
        await broken.dispose()
    assert crisis.status == 503
    assert crisis.text.lstrip().startswith(HELP_LEAD)
    assert "niet bewaard" in crisis.text
    assert plain.status == 503 and HELP_LEAD not in plain.text


async def test_the_503_page_is_in_the_sessions_language(
    runtime: Runtime, visitor: Visitor, tmp_path: Path
) -> None:
    """A session switched to Arabic, the database down: the Arabic help lines lead, on an
    Arabic, right-to-left page with the notice in Arabic (not the browser's Dutch)."""
    token, _, _ = await create_campaign(runtime)
    dutch = await first_text_question(visitor, await consent(visitor, token))
    question = await visitor.press(dutch, "العربية")
    assert question.answer_form() is not None
    broken = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'none.db'}")
    working = runtime.sessions
    runtime.sessions = make_sessionmaker(broken)
    try:
        crisis = await visitor.type(question, "أريد أن أموت")
    finally:
        runtime.sessions = working
        await broken.dispose()
    assert crisis.status == 503
    lead = help_reply("ar", CrisisSignal.of({"suicide"})).split("\n")[0]
    assert crisis.text.lstrip().startswith(lead)
    assert '<html lang="ar" dir="rtl">' in crisis.html
    assert "Er ging iets mis" not in crisis.text


async def test_wis_mijn_antwoorden_asks_then_erases_everything(
    runtime: Runtime, visitor: Visitor
) -> None:
    """'Wis mijn antwoorden' asks first; 'Ja, wis alles' removes answers and participant."""
    token, campaign_id, _ = await create_campaign(runtime)
    page = await consent(visitor, token)
    for _ in range(4):  # two choices, a multiple choice (a toggle, then Klaar)
        page = await visitor.step(page)
    assert len(await answers_of(runtime, campaign_id)) == 3
    asked = await visitor.press(page, "Wis mijn antwoorden")
    assert "Dit kan niet ongedaan worden" in asked.text
    assert len(await answers_of(runtime, campaign_id)) == 3
    done = await visitor.press(asked, "Ja, wis alles")
    assert "Gewist" in done.text
    after = await counts(runtime)
    assert after["answers"] == 0 and after["participants"] == 0 and after["conversations"] == 0


async def test_the_arabic_page_is_right_to_left(runtime: Runtime, visitor: Visitor) -> None:
    """Choosing العربية in the language menu turns the page right-to-left."""
    token, _, _ = await create_campaign(runtime)
    page = await consent(visitor, token)
    arabic = await visitor.press(page, "العربية")
    assert '<html lang="ar" dir="rtl">' in arabic.html
    assert "Vraag 1 van" not in arabic.text  # the question itself is in Arabic now
    assert arabic.options()  # and still answerable


@pytest.mark.parametrize(
    ("language", "sport", "question"),
    [
        ("العربية", "رياضة أو نادٍ", "ما الذي لا يستطيع الشباب حولك فعله"),
        ("Türkçe", "Spor veya bir kulüp", "Spor"),
        ("Polski", "Sport albo klub", "Sport"),
    ],
)
async def test_a_young_person_gets_the_questions_and_options_in_their_language(
    runtime: Runtime, visitor: Visitor, language: str, sport: str, question: str
) -> None:
    """A jongere who chooses Arabic, Turkish or Polish gets the consultation itself in it, the
    options of a multiple choice included, not the Dutch flow under a translated frame."""
    token, _, _ = await create_campaign(runtime)
    page = await visitor.press(await consent(visitor, token), language)
    for _ in range(2):  # the age, then how often
        page = await visitor.press(page, page.options()[0].text)
    labels = [option.text for option in page.options()]
    assert sport in labels and "Sport of een club" not in labels
    assert question in page.text
    assert "Wat kunnen jongeren" not in page.text


# --- headers, limits, logs --------------------------------------------------------------------


async def test_pages_have_a_strict_csp_and_no_third_party_assets(
    runtime: Runtime, visitor: Visitor
) -> None:
    """Only same-origin scripts and styles; no CDN, font or analytics URL in the page."""
    token, _, _ = await create_campaign(runtime)
    response = await visitor.client.get(f"/j/{token}")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = await response.text()
    assert 'src="/static/app.js"' in html and 'href="/static/app.css"' in html
    assert "https://" not in html.replace(f"https://t.me/samenspraak_test_bot?start={token}", "")


async def test_a_flood_gets_a_polite_429(runtime: Runtime) -> None:
    """Past the per-session limit the page asks to slow down; nothing more is handled."""
    token, campaign_id, _ = await create_campaign(runtime)
    app = create_app(runtime, session_rate=Rate(per_second=0.001, burst=3), address_rate=GENEROUS)
    async with TestClient(TestServer(app)) as client:
        visitor = Visitor(client)
        page = await consent(visitor, token)  # two posts
        assert "Vraag 1 van" in page.text
        page = await visitor.step(page)  # the third
        refused = await visitor.step(page)
    assert refused.status == 429
    assert "Rustig aan" in refused.text
    assert len(await answers_of(runtime, campaign_id)) == 1


async def test_no_address_or_user_agent_is_logged(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    """The server as `samenspraak web` runs it logs neither the client address nor its user
    agent during a whole visit."""
    import aiohttp

    from bot.web.serve import running

    token, _, _ = await create_campaign(runtime)
    caplog.set_level(logging.DEBUG)
    async with (
        running(runtime, port=0) as base,
        aiohttp.ClientSession(base, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http,
    ):

        async def fetch(method: str, path: str, data: dict[str, str] | None = None) -> Page:
            async with http.request(method, path, data=data) as response:
                return parse(response.status, await response.text())

        landing = await fetch("GET", f"/j/{token}")
        form, _ = landing.button("Beantwoord hier in je browser")
        notice = await fetch("POST", form.action, form.fields)
        form, button = notice.button("Ik doe mee")
        first = await fetch("POST", form.action, {**form.fields, "b": button.value})
    assert "Vraag 1 van" in first.text
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "127.0.0.1" not in logged
    assert "aiohttp/" not in logged  # the client's user agent


async def test_healthz(runtime: Runtime, visitor: Visitor) -> None:
    """/healthz answers 200 on a reachable, migrated database, 503 when it is unreachable."""
    response = await visitor.client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"database": "ok", "migrations": "current"}
    working = runtime.database
    runtime.database = make_engine("sqlite+aiosqlite:////nonexistent/dir/x.db")
    try:
        down = await visitor.client.get("/healthz")
    finally:
        await runtime.database.dispose()
        runtime.database = working
    assert down.status == 503


async def test_two_replicas_serve_one_participant(runtime: Runtime, tmp_path: Path) -> None:
    """State is only in the database: a participant moves between replicas mid-way."""
    from tests.web.conftest import make_runtime

    token, campaign_id, _ = await create_campaign(runtime)
    other = await make_runtime(runtime.settings.resolved_database_url, tmp_path / "replica")
    try:
        async with (
            TestClient(TestServer(create_app(runtime))) as a,
            TestClient(TestServer(create_app(other))) as b,
        ):
            one = Visitor(a)
            page = await consent(one, token)
            page = await one.step(page)
            b.session.cookie_jar.update_cookies({COOKIE_NAME: cookie_of(one)})
            two = Visitor(b)
            resumed = await two.get("/s")
            assert "Vraag 2 van" in resumed.text
            await two.step(resumed)
    finally:
        await other.close()
    assert len(await answers_of(runtime, campaign_id)) == 2
