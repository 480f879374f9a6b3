"""Settings from the environment (prefix ``SAMENSPRAAK_``) and ``.env``.

Invalid settings raise :class:`bot.errors.ConfigError` with one line naming the setting.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.datafiles import data_dir
from bot.errors import ConfigError

DEFAULT_DATA_DIR = Path("data")
MIN_K = 5


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SAMENSPRAAK_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_file_url: str = "https://api.telegram.org/file/bot"
    bot_username: str | None = None
    pepper: SecretStr | None = None
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str | None = None
    min_group_size: int = Field(default=10, ge=MIN_K)
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    default_locale: str = "nl"
    flows_dir: Path | None = None
    webhook_secret: SecretStr | None = None
    retention_days: int = Field(default=365, ge=1)
    log_level: str = "INFO"
    # Ops server (/healthz, /metrics); 0 turns it off. The container image binds 0.0.0.0.
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=9090, ge=0, le=65535)
    # Telegram's overall limit for a bot is about 30 messages per second; a bot raised above it
    # by Telegram may set more. 0: no pacing, only 429 retries.
    max_messages_per_second: int = Field(default=30, ge=0)
    # Seconds the process that handled an update keeps its outbox replies to itself before any
    # replica's sender takes them over (after a crash or a failed send).
    outbox_hold_seconds: float = Field(default=30.0, gt=0)
    # Where `samenspraak web` is reachable for participants (campaign web links, QR codes);
    # https:// here also marks the session cookie Secure.
    public_url: str = "http://127.0.0.1:8081"

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("default_locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        from bot.i18n import SUPPORTED_LOCALES

        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'samenspraak.db').as_posix()}"

    @cached_property
    def resolved_flows_dir(self) -> Path:
        # SAMENSPRAAK_FLOWS_DIR points at flows under development; otherwise the shipped ones.
        if self.flows_dir is not None:
            return self.flows_dir
        return data_dir("flows")


def load_settings(**overrides: object) -> Settings:
    """Read the settings; turn pydantic's report into one line per bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = "SAMENSPRAAK_" + str(error["loc"][0]).upper() if error["loc"] else "settings"
            lines.append(f"{name}: {error['msg']}")
        raise ConfigError("; ".join(lines)) from None
