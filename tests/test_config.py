"""Settings: defaults, parsing, and one clear line for a bad setting."""

from __future__ import annotations

import pytest

from bot.config import load_settings
from bot.errors import ConfigError


def test_defaults(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Without configuration: k=10, Dutch, SQLite under ./data/."""
    monkeypatch.chdir(tmp_path)
    settings = load_settings()
    assert settings.min_group_size == 10
    assert settings.default_locale == "nl"
    assert settings.resolved_database_url == "sqlite+aiosqlite:///data/samenspraak.db"
    assert settings.telegram_api_url == "https://api.telegram.org/bot"


def test_k_below_five_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """SAMENSPRAAK_MIN_GROUP_SIZE=4 stops start-up with a message naming the setting."""
    monkeypatch.setenv("SAMENSPRAAK_MIN_GROUP_SIZE", "4")
    with pytest.raises(
        ConfigError, match=r"SAMENSPRAAK_MIN_GROUP_SIZE: .*greater than or equal to 5"
    ):
        load_settings()


def test_admin_ids_and_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    """Admin ids are a comma-separated list; an unknown locale is refused."""
    monkeypatch.setenv("SAMENSPRAAK_ADMIN_IDS", "12, 34")
    assert load_settings().admin_ids == [12, 34]
    monkeypatch.setenv("SAMENSPRAAK_DEFAULT_LOCALE", "fr")
    with pytest.raises(ConfigError, match="SAMENSPRAAK_DEFAULT_LOCALE"):
        load_settings()


def test_secrets_are_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The token is a SecretStr: its repr does not reveal it."""
    monkeypatch.setenv("SAMENSPRAAK_TELEGRAM_TOKEN", "123:SECRET")
    settings = load_settings()
    assert "SECRET" not in repr(settings)
    assert settings.telegram_token is not None
    assert settings.telegram_token.get_secret_value() == "123:SECRET"
