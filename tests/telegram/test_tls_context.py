"""The bot's two HTTP clients (getUpdates and the other Bot API calls) share one TLS context.

Loading the CA bundle takes 40-80 ms of start-up; shared, it is loaded once. Against a plain-http local Bot API server no handshake happens at all, and the
context holds no CA: if anything did try TLS with it, it would refuse the server.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import pytest

from bot.config import load_settings
from bot.ops.instrument import tls_context
from bot.runtime import Runtime
from bot.telegram.aiohttp_request import AiohttpRequest
from bot.telegram.app import build_application

ROOT = Path(__file__).resolve().parents[2]


def test_an_https_api_gets_a_verifying_context_with_the_ca_bundle() -> None:
    context = tls_context("https://api.telegram.org/bot", "https://api.telegram.org/file/bot")
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 10


def test_one_https_url_is_enough_to_load_the_ca_bundle() -> None:
    context = tls_context("http://127.0.0.1:8081/bot", "https://files.example/file/bot")
    assert context.cert_store_stats()["x509_ca"] > 10


def test_a_plain_http_api_gets_a_context_that_trusts_nobody() -> None:
    context = tls_context("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot")
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0


def _ssl_context_of(request: Any) -> ssl.SSLContext:
    assert isinstance(request, AiohttpRequest)
    context = request.tls
    assert isinstance(context, ssl.SSLContext)
    return context


@pytest.mark.parametrize(("scheme", "loads_cas"), [("https", True), ("http", False)])
def test_the_built_bot_uses_one_context_for_both_clients(
    tmp_path: Path, scheme: str, loads_cas: bool
) -> None:
    settings = load_settings(
        telegram_token="123456:TLS-TEST-abcdefghijklmnop",
        telegram_api_url=f"{scheme}://api.example/bot",
        telegram_file_url=f"{scheme}://api.example/file/bot",
        data_dir=tmp_path / "data",
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        pepper="tls-test-pepper-" + "x" * 32,
        bot_username="samenspraak_test_bot",
        flows_dir=ROOT / "flows",
    )
    application = build_application(Runtime.build(settings))
    updates, calls = application.bot._request
    assert _ssl_context_of(updates) is _ssl_context_of(calls)
    assert (_ssl_context_of(calls).cert_store_stats()["x509_ca"] > 10) is loads_cas
