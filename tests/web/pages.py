"""Read the web channel's pages the way a browser without JavaScript uses them: forms, hidden
fields, submit buttons and the answer box; and a visitor that posts them back."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from aiohttp.test_utils import TestClient


@dataclass
class Button:
    name: str
    value: str
    text: str = ""
    pressed: str | None = None


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    buttons: list[Button] = field(default_factory=list)
    text_box: str | None = None  # the textarea's name


@dataclass
class Page:
    status: int
    html: str
    forms: list[Form]
    text: str  # the visible text of <main>

    def button(self, label: str) -> tuple[Form, Button]:
        for form in self.forms:
            for button in form.buttons:
                if button.text == label or button.text.startswith(label):
                    return form, button
        raise AssertionError(f"no button {label!r} on the page: {self.labels()}")

    def labels(self) -> list[str]:
        return [button.text for form in self.forms for button in form.buttons]

    def options(self) -> list[Button]:
        return [b for form in self.forms for b in form.buttons if b.value.startswith("o:")]

    def answer_form(self) -> Form | None:
        return next((form for form in self.forms if form.text_box), None)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.text: list[str] = []
        self._in_main = False
        self._button: Button | None = None
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "main":
            self._in_main = True
        elif tag in ("script", "style"):
            self._skip += 1
        elif tag == "form":
            self.forms.append(Form(a.get("action", "")))
        elif tag == "input" and self.forms and a.get("type") == "hidden":
            self.forms[-1].fields[a["name"]] = a.get("value", "")
        elif tag == "textarea" and self.forms:
            self.forms[-1].text_box = a["name"]
        elif tag == "button" and self.forms:
            self._button = Button(a.get("name", ""), a.get("value", ""), "", a.get("aria-pressed"))
        elif tag == "br" and self._in_main:
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._in_main = False
        elif tag in ("script", "style"):
            self._skip -= 1
        elif tag == "button" and self._button is not None:
            self._button.text = self._button.text.strip()
            self.forms[-1].buttons.append(self._button)
            self._button = None

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button.text += data
        if self._in_main and not self._skip:
            self.text.append(data)


def parse(status: int, html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    return Page(status, html, parser.forms, "".join(parser.text))


class Visitor:
    """One browser: its own cookie jar, so its own anonymous session."""

    def __init__(self, client: TestClient) -> None:
        self.client = client

    async def get(self, path: str) -> Page:
        response = await self.client.get(path)
        return parse(response.status, await response.text())

    async def post(self, action: str, data: dict[str, str]) -> Page:
        response = await self.client.post(action, data=data)
        return parse(response.status, await response.text())

    async def press(self, page: Page, label: str) -> Page:
        form, button = page.button(label)
        data = dict(form.fields)
        if button.name:
            data[button.name] = button.value
        return await self.post(form.action, data)

    async def type(self, page: Page, text: str) -> Page:
        form = page.answer_form()
        assert form is not None and form.text_box, f"no answer box on the page: {page.text}"
        return await self.post(form.action, {**form.fields, form.text_box: text})

    async def step(self, page: Page, text: str = "Meer plekken om te sporten") -> Page:
        """Answer the open question: the first option, a multi-choice's first option then
        Klaar, or ``text`` in the answer box."""
        options = page.options()
        if options:
            multiple = options[0].pressed is not None
            if multiple and any(option.pressed == "true" for option in options):
                return await self.press(page, "Klaar")
            return await self.press(page, options[0].text)
        return await self.type(page, text)
