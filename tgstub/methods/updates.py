"""getUpdates and the webhook methods."""

from __future__ import annotations

import re
from typing import Any

from tgstub.errors import bad_request
from tgstub.methods.registry import RawResult, method
from tgstub.objects import Json
from tgstub.params import Params
from tgstub.state import LocalState
from tgstub.webhook import WebhookConfig

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


@method("getUpdates")
async def get_updates(state: LocalState, params: Params) -> RawResult:
    offset = params.integer("offset") or 0
    limit = min(max(params.integer("limit") or 100, 1), 100)
    timeout = max(params.number("timeout", 0.0), 0.0)
    state.queue.set_allowed(_allowed(params))
    batch = await state.queue.get_updates(offset, limit, timeout)
    return RawResult(b"[" + b",".join(entry.body for entry in batch) + b"]")


@method("setWebhook")
async def set_webhook(state: LocalState, params: Params) -> bool:
    url = params.string("url") or ""
    if params.flag("drop_pending_updates"):
        state.queue.drop_all()
    if not url:
        await state.webhook.delete()
        return True
    if not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.string("secret_token")
    if secret is not None and not _SECRET_RE.match(secret):
        raise bad_request("secret token contains unallowed characters")
    max_connections = params.integer("max_connections") or 40
    if not 1 <= max_connections <= 100:
        raise bad_request("invalid max_connections specified")
    allowed = _allowed(params)
    state.queue.set_allowed(allowed)
    await state.webhook.set(
        WebhookConfig(
            url=url,
            secret_token=secret,
            max_connections=max_connections,
            allowed_updates=allowed if allowed else None,
            ip_address=params.string("ip_address"),
        )
    )
    return True


@method("deleteWebhook")
async def delete_webhook(state: LocalState, params: Params) -> bool:
    if params.flag("drop_pending_updates"):
        state.queue.drop_all()
    await state.webhook.delete()
    return True


@method("getWebhookInfo")
async def get_webhook_info(state: LocalState, params: Params) -> Json:
    return state.webhook.info()


def _allowed(params: Params) -> list[str] | None:
    value: Any = params.obj("allowed_updates")
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad_request("can't parse allowed updates")
    return value
