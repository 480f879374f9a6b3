"""Scaling out, proven: two bot processes behind a load balancer share one PostgreSQL database.

One user's updates alternate between the replicas, an update is delivered to both replicas at
the same moment (a redelivery race, made certain with a row lock held by the test), and two
updates of one user arrive on both replicas together. The conversation stays whole: every answer
is stored once, in order, and the user sees every next question exactly once.

The replicas are `samenspraak run --webhook` processes, as in the container. One cluster serves
every test of this module (starting processes is the slow part); each test has its own user and
campaign and looks only at those. PostgreSQL only: skipped without SAMENSPRAAK_TEST_DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiohttp
import pytest
import pytest_asyncio
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.engine import Catalog
from bot.engine.schema import Flow, MultiChoiceStep, Question, ScaleStep, TextStep, options_of
from bot.privacy.pseudonym import chat_key, participant_pseudonym
from storage import repo
from storage.db import make_engine, make_sessionmaker
from storage.models import (
    Answer,
    Campaign,
    ChatSession,
    ConversationRow,
    Participant,
    ProcessedUpdate,
)
from tests.conftest import PG_SKIP_REASON, PG_URL, prepared_database
from tests.deploy.cluster import Balancer, Delivery, Replica, free_port, replica_env, wait_for
from tests.e2e.conftest import press, question_of, say, until_question
from tgstub import BotMessage, LocalBotApi, SimUser

pytestmark = [
    pytest.mark.skipif(not PG_URL, reason=PG_SKIP_REASON),
    pytest.mark.asyncio(loop_scope="module"),
]

TOKEN = "123456:SCALE-OUT-TOKEN-abcdefghij"
USERNAME = "samenspraak_scale_bot"
PEPPER = "scale-out-pepper-" + "x" * 32
SECRET = "scale-out-webhook-secret"
FLOW = "armoede.stap-3.jongeren"
ERROR_NOTICE = "er ging iets mis"
# Free-text answers without digits, names or addresses, so redaction leaves them as typed.
WORDS = ("alfa", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india")
QUESTION_NUMBER = re.compile(r"Vraag (\d+) van (\d+)")


@dataclass
class Cluster:
    api: LocalBotApi
    balancer: Balancer
    replicas: list[Replica]
    database: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    flow: Flow
    werkgroep_id: str = ""  # of the last campaign: participant pseudonyms are scoped to it

    async def campaign(self) -> str:
        """A werkgroep with an open jongeren campaign; returns the /start token."""
        token = repo.new_token()
        async with self.sessions.begin() as session:
            werkgroep, _, _ = await repo.create_werkgroep(session, "IJmond", "armoede")
            self.werkgroep_id = werkgroep.id
            session.add(
                Campaign(
                    werkgroep_id=werkgroep.id,
                    audience="jongeren",
                    step_key="stap-3",
                    flow_id=FLOW,
                    token_hash=repo.hash_token(token),
                )
            )
        return token

    async def waiting_on_locks(self) -> int:
        """How many other sessions of this database wait for a lock right now."""
        async with self.database.connect() as connection:
            count = await connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                )
            )
        return int(count or 0)

    @asynccontextmanager
    async def hold_lock(self, statement: str, **params: object) -> AsyncIterator[None]:
        """Hold a lock (taken by ``statement``) until both replicas wait for it, then let go:
        the replicas really are inside their transactions at the same time."""

        async def both_waiting() -> bool:
            return await self.waiting_on_locks() >= 2

        async with self.database.connect() as connection:
            transaction = await connection.begin()
            await connection.execute(text(statement), params)
            try:
                yield
                await wait_for(both_waiting, "both replicas to wait for the lock")
            finally:
                await transaction.commit()

    def logs(self) -> str:
        return "\n".join(f"--- replica {r.name}\n{r.log()}" for r in self.replicas)

    def deliveries(self, user: SimUser) -> list[Delivery]:
        return [d for d in self.balancer.deliveries if d.user_id == user.id]

    async def processed(self, update_ids: list[int]) -> list[int]:
        async with self.sessions() as session:
            found = await session.scalars(
                select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id.in_(update_ids))
            )
            return sorted(found)


@dataclass
class Jongere:
    """One participant: answers what the bot asks and remembers what was given."""

    cluster: Cluster
    user: SimUser
    given: list[tuple[str, str]] = field(default_factory=list)
    # The update id of every message and button press this user sent, in order.
    updates: list[int] = field(default_factory=list)

    @property
    def subject(self) -> str:
        return chat_key(PEPPER.encode(), str(self.user.id))

    @property
    def pseudonym(self) -> str:
        return participant_pseudonym(
            PEPPER.encode(), str(self.user.id), self.cluster.werkgroep_id, "stap-3", 1
        )

    @property
    def flow(self) -> Flow:
        return self.cluster.flow

    async def join(self, token: str) -> list[BotMessage]:
        (notice,) = await say(self.user, f"/start {token}")
        return await press(self.user, notice, "Ik doe mee")

    async def answer(self, question: BotMessage) -> list[BotMessage]:
        """Answer the question shown (a different option or text each time), remember what was
        given, and wait for the next question or the thanks."""
        user = self.user
        step = self.step_of(question)
        n = len(self.given)
        mark = user.mark()
        if isinstance(step, TextStep):
            value = f"Antwoord {WORDS[n % len(WORDS)]} over meedoen"
            self.updates.append((await user.send(value))["update_id"])
        else:
            buttons = option_buttons(question)
            index = n % len(buttons)
            value = (
                str(step.min + index)
                if isinstance(step, ScaleStep)
                else (options_of(step)[index].value)
            )
            self.updates.append((await user.click(question, buttons[index]))["update_id"])
            if isinstance(step, MultiChoiceStep):
                await user.wait_until(lambda u: u.message(question.message_id).edited)
                edited = user.message(question.message_id)
                (done,) = [t for row in edited.buttons for t, d in row if d and d[0] == "d"]
                self.updates.append((await user.click(edited, done))["update_id"])
        assert step.id is not None
        self.given.append((step.id, value))
        return await until_question(user, mark)

    def step_of(self, question: BotMessage) -> Question:
        body = question.text or ""
        for step in self.flow.steps:
            if step.kind != "info" and step.text in body:
                return step  # type: ignore[return-value]
        raise AssertionError(f"no step of {self.flow.id} matches {body!r}")

    def in_flow_order(self, items: list[tuple[str, str]]) -> list[tuple[str, str]]:
        order = {step.id: index for index, step in enumerate(self.flow.steps)}
        return sorted(items, key=lambda item: (order[item[0]], item[1]))

    async def stored_answers(self) -> list[tuple[str, str]]:
        """This participant's stored answers as (question id, value), in flow order."""
        async with self.cluster.sessions() as session:
            rows = (
                await session.scalars(
                    select(Answer)
                    .join(Participant, Participant.id == Answer.participant_id)
                    .where(Participant.pseudonym == self.pseudonym)
                )
            ).all()
        return self.in_flow_order([(row.question_id, _value(row)) for row in rows])

    async def count(self, model: type, *where: object) -> int:
        """Rows of ``model`` that belong to this user (chat session, participant, conversation)."""
        mine: list[object] = list(where)
        statement = select(func.count()).select_from(model)
        if model is ChatSession:
            mine.append(ChatSession.subject == self.subject)
        elif model is Participant:
            mine.append(Participant.pseudonym == self.pseudonym)
        elif model is ConversationRow:
            statement = statement.join(
                Participant, Participant.id == ConversationRow.participant_id
            )
            mine.append(Participant.pseudonym == self.pseudonym)
        async with self.cluster.sessions() as session:
            return int(await session.scalar(statement.where(*mine)) or 0)  # type: ignore[arg-type]

    def question_numbers(self) -> list[int]:
        """The number of every question the user was shown, in the order shown."""
        numbers = []
        for message in self.user.messages():
            found = QUESTION_NUMBER.search(message.text or "")
            if found:
                numbers.append(int(found[1]))
        return numbers

    def texts(self) -> list[str]:
        return [message.text or "" for message in self.user.messages()]


def _value(row: Answer) -> str:
    if row.value_option is not None:
        return row.value_option
    if row.value_number is not None:
        return str(row.value_number)
    return row.value_text or ""


def option_buttons(message: BotMessage) -> list[str]:
    return [t for row in message.buttons for t, data in row if data and data.startswith("o:")]


def finished(messages: list[BotMessage]) -> bool:
    return any("Klaar! Dank je wel" in (m.text or "") for m in messages)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cluster(
    tmp_path_factory: pytest.TempPathFactory, catalog: Catalog
) -> AsyncIterator[Cluster]:
    tmp_path = tmp_path_factory.mktemp("cluster")
    url = await prepared_database("postgresql", tmp_path)
    database = make_engine(url)
    async with (
        LocalBotApi(token=TOKEN, bot_username=USERNAME, webhook_retry_delay=0.05) as api,
        aiohttp.ClientSession() as http,
    ):
        balancer = Balancer(targets=[])
        await balancer.start()
        replicas: list[Replica] = []
        try:
            for name in ("A", "B"):
                env = replica_env(
                    {
                        "SAMENSPRAAK_TELEGRAM_TOKEN": TOKEN,
                        "SAMENSPRAAK_TELEGRAM_API_URL": api.base_url,
                        "SAMENSPRAAK_TELEGRAM_FILE_URL": api.base_file_url,
                        "SAMENSPRAAK_BOT_USERNAME": USERNAME,
                        "SAMENSPRAAK_DATABASE_URL": url,
                        "SAMENSPRAAK_PEPPER": PEPPER,
                        "SAMENSPRAAK_WEBHOOK_SECRET": SECRET,
                        "SAMENSPRAAK_DATA_DIR": str(tmp_path / name / "data"),
                        "SAMENSPRAAK_METRICS_HOST": "127.0.0.1",
                        "SAMENSPRAAK_METRICS_PORT": str(free_port()),
                        "SAMENSPRAAK_LOG_LEVEL": "INFO",
                        "PTB_TIMEDELTA": "true",
                    }
                )
                replicas.append(await Replica.start(name, tmp_path / name, env, balancer.url))
            for replica in replicas:
                await replica.wait_ready(http)
                balancer.targets.append(replica.url)

            async def registered() -> bool:
                return api.calls.get("setwebhook", 0) >= len(replicas)

            await wait_for(registered, "both replicas to set the webhook")
            assert api.webhook_info()["url"] == balancer.url + "/telegram"
            yield Cluster(
                api, balancer, replicas, database, make_sessionmaker(database), flow_of(catalog)
            )
        finally:
            for replica in replicas:
                await replica.stop()
            print("\n".join(f"--- replica {r.name}\n{r.log()}" for r in replicas))
            await balancer.stop()
            await database.dispose()


def flow_of(catalog: Catalog) -> Flow:
    return catalog.flows[FLOW].flow


async def test_one_users_updates_alternate_between_replicas(cluster: Cluster) -> None:
    """Consecutive updates of one jongere land on A, B, A, …: the whole questionnaire is
    answered, every answer is stored once and in order, every question is shown once."""
    jongere = Jongere(cluster, cluster.api.user(6100001, "Noor"))
    messages = await jongere.join(await cluster.campaign())
    while not finished(messages):
        messages = await jongere.answer(question_of(messages))
        assert len(jongere.given) < 40

    await cluster.balancer.delivered(jongere.updates[-1])  # the last replica has answered
    deliveries = cluster.deliveries(jongere.user)
    replicas = [d.replicas for d in deliveries]
    assert all(len(r) == 1 for r in replicas)
    assert all(a != b for a, b in itertools.pairwise(replicas)), replicas
    assert all(d.statuses == (200,) for d in deliveries), deliveries
    assert len(deliveries) >= len(jongere.given) + 2  # /start, "Ik doe mee", the answers
    assert jongere.question_numbers() == list(range(1, len(jongere.given) + 1)), jongere.texts()
    assert jongere.given == jongere.in_flow_order(jongere.given), "asked out of flow order"
    assert await jongere.stored_answers() == jongere.given
    assert await jongere.count(Participant, Participant.completed.is_(True)) == 1
    assert await jongere.count(ConversationRow, ConversationRow.finished.is_(True)) == 1
    ids = [d.update_id for d in deliveries]
    assert await cluster.processed(ids) == sorted(ids)
    assert not any(ERROR_NOTICE in t for t in jongere.texts()), cluster.logs()


async def test_an_update_delivered_to_both_replicas_at_once_is_processed_once(
    cluster: Cluster,
) -> None:
    """The same update reaches A and B together (first contact, typed answers, buttons): one
    replica handles it, the other sees the claimed update id and does nothing."""
    jongere = Jongere(cluster, cluster.api.user(6100002, "Sem"))
    user = jongere.user
    token = await cluster.campaign()

    # 1. First contact: no chat session row exists yet, so nothing can be locked in advance.
    cluster.balancer.race_next()
    start = await user.send(f"/start {token}")
    raced = await cluster.balancer.delivered(start["update_id"])
    assert raced.replicas == (0, 1) and raced.statuses == (200, 200)
    (notice,) = user.messages()
    messages = await press(user, notice, "Ik doe mee")

    # 2. Answers, raced while the test holds the user's row lock, so both replicas are inside
    #    their transactions at the same time; released once both wait.
    for _ in range(4):
        question = question_of(messages)
        before = user.mark()
        sent_before = len(jongere.updates)
        cluster.balancer.race_next()
        async with cluster.hold_lock(
            "SELECT subject FROM chat_sessions WHERE subject = :subject FOR UPDATE",
            subject=jongere.subject,
        ):
            answering = asyncio.create_task(jongere.answer(question))
        messages = await answering
        # The losing replica may answer the balancer just after the user saw the reply.
        delivery = await cluster.balancer.delivered(jongere.updates[sent_before])
        assert delivery.replicas == (0, 1) and delivery.statuses == (200, 200)
        assert [m.message_id for m in user.messages()[before:]] == [m.message_id for m in messages]
        shown = [QUESTION_NUMBER.search(m.text or "") is not None for m in messages]
        assert shown.count(True) == 1, jongere.texts()

    assert jongere.question_numbers() == list(range(1, len(jongere.given) + 2)), jongere.texts()
    assert await jongere.stored_answers() == jongere.given
    raced_ids = [d.update_id for d in cluster.deliveries(user) if len(d.replicas) == 2]
    assert len(raced_ids) == 5, cluster.deliveries(user)
    assert await cluster.processed(raced_ids) == sorted(raced_ids)
    assert await jongere.count(ChatSession) == 1
    assert not any(ERROR_NOTICE in t for t in jongere.texts()), cluster.logs()


async def test_a_double_tap_on_two_replicas_stores_one_answer(cluster: Cluster) -> None:
    """Two different options of one question, tapped together, reach A and B at the same time:
    the first stores its answer and shows the next question, the second is told it is stale."""
    jongere = Jongere(cluster, cluster.api.user(6100003, "Lina"))
    user = jongere.user
    messages = await jongere.join(await cluster.campaign())
    question = question_of(messages)
    step = jongere.step_of(question)
    first, second = option_buttons(question)[:2]
    mark = user.mark()
    async with cluster.hold_lock(
        "SELECT subject FROM chat_sessions WHERE subject = :subject FOR UPDATE",
        subject=jongere.subject,
    ):
        cluster.balancer.hold_next(2)
        one = await user.click(question, first)
        two = await user.click(question, second)
    await cluster.balancer.batches_done()
    answers = [await user.wait_answer(one), await user.wait_answer(two)]
    await until_question(user, mark)
    stale = [a for a in answers if a.text and "oude vraag" in a.text]
    assert len(stale) == 1, answers
    stored = await jongere.stored_answers()
    labels = {o.label: o.value for o in options_of(step)}
    assert len(stored) == 1 and stored[0][0] == step.id
    assert stored[0][1] in (labels[first], labels[second])
    assert jongere.question_numbers() == [1, 2], jongere.texts()
    assert not any(ERROR_NOTICE in t for t in jongere.texts()), cluster.logs()


async def test_a_new_users_first_two_updates_on_two_replicas_at_once(cluster: Cluster) -> None:
    """A brand-new user's first two messages reach A and B at the same moment: both are
    answered, no error notice, one chat session row."""
    jongere = Jongere(cluster, cluster.api.user(6100004, "Daan"))
    user = jongere.user
    token = await cluster.campaign()
    mark = user.mark()
    async with cluster.hold_lock("LOCK TABLE chat_sessions IN EXCLUSIVE MODE"):
        cluster.balancer.hold_next(2)
        await user.send(f"/start {token}")
        await user.send("/help")
    await cluster.balancer.batches_done()
    await user.wait_new(mark, 2)
    assert await jongere.count(ChatSession) == 1
    assert not any(ERROR_NOTICE in t for t in jongere.texts()), jongere.texts()
    assert any("Ik doe mee" in t for m in user.messages() for row in m.buttons for t, _ in row)


async def test_each_replica_reports_health_and_counts_its_own_updates(cluster: Cluster) -> None:
    """Every replica's ops port answers /healthz 200 and counts the updates it handled."""
    if "metrics_port" not in Settings.model_fields:
        pytest.skip("the ops server is not wired into `samenspraak run` yet (metrics_port)")
    user = cluster.api.user(6100005, "Mila")
    for _ in cluster.replicas:  # alternating: one update for each replica
        mark = user.mark()
        await user.send("/help")
        await user.wait_new(mark, 1)
    async with aiohttp.ClientSession() as http:
        for replica in cluster.replicas:
            base = f"http://127.0.0.1:{replica.metrics_port}"
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200, replica.log()
                assert await response.json() == {"database": "ok", "migrations": "current"}
            async with http.get(f"{base}/metrics") as response:
                page = await response.text()
            handled = re.search(r"^samenspraak_updates_handled_total (\S+)$", page, re.M)
            sent = re.search(
                r'^samenspraak_messages_sent_total\{method="sendMessage"\} (\S+)$', page, re.M
            )
            assert handled is not None and float(handled[1]) >= 1, page
            assert sent is not None and float(sent[1]) >= 1, page
