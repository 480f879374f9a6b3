"""sendPhoto, sendDocument and getFile."""

from __future__ import annotations

import mimetypes

from tgstub.errors import bad_request
from tgstub.files import StoredFile, image_size
from tgstub.methods.outgoing import caption_fields, post_message
from tgstub.methods.registry import method
from tgstub.objects import Json
from tgstub.params import Params, Upload
from tgstub.state import LocalState

_URL_PHOTO_SIZE = (320, 320)


@method("sendPhoto")
async def send_photo(state: LocalState, params: Params) -> Json:
    chat = state.target_chat(params.chat_id())
    stored = _input_file(state, params, "photo")
    return post_message(
        state, chat, params, {"photo": photo_sizes(stored), **caption_fields(params)}
    )


@method("sendDocument")
async def send_document(state: LocalState, params: Params) -> Json:
    chat = state.target_chat(params.chat_id())
    stored = _input_file(state, params, "document")
    return post_message(
        state, chat, params, {"document": document_json(stored), **caption_fields(params)}
    )


@method("getFile")
async def get_file(state: LocalState, params: Params) -> Json:
    stored = state.files.get(params.string("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
        "file_path": stored.file_path,
    }


def photo_sizes(stored: StoredFile) -> list[Json]:
    width, height = image_size(stored.data) or _URL_PHOTO_SIZE
    return [
        {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "width": width,
            "height": height,
        }
    ]


def document_json(stored: StoredFile) -> Json:
    document: Json = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    if stored.file_name:
        document["file_name"] = stored.file_name
    if stored.mime_type:
        document["mime_type"] = stored.mime_type
    document["file_size"] = stored.size
    return document


def _input_file(state: LocalState, params: Params, field: str) -> StoredFile:
    """An upload (also via `attach://name`), a known file_id, or an HTTP URL."""
    value = params.raw(field)
    if isinstance(value, str) and value.startswith("attach://"):
        value = params.raw(value.removeprefix("attach://"))
    if isinstance(value, Upload):
        return _store_upload(state, value, field)
    if isinstance(value, str) and value:
        known = state.files.get(value)
        if known is not None:
            if field == "photo" and known.kind != "photo":
                raise bad_request(f"can't use file of type {known.kind.title()} as Photo")
            return known
        if value.startswith(("http://", "https://")):
            name = value.rstrip("/").rsplit("/", 1)[-1] or None
            return state.files.add(b"", kind=field, file_name=name, source_url=value)
        raise bad_request("wrong file identifier/HTTP URL specified")
    raise bad_request(f"there is no {field} in the request")


def _store_upload(state: LocalState, upload: Upload, kind: str) -> StoredFile:
    if not upload.data:
        raise bad_request("file must be non-empty")
    if kind == "photo":
        if image_size(upload.data) is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        return state.files.add(upload.data, kind="photo", mime_type="image/jpeg")
    mime = (mimetypes.guess_type(upload.file_name)[0] if upload.file_name else None) or (
        upload.content_type or "application/octet-stream"
    )
    return state.files.add(upload.data, kind=kind, file_name=upload.file_name, mime_type=mime)
