"""Tests that behave like a person: read the form a page renders and submit it as a browser
would (HTML's "constructing the form data set"), instead of posting hand-made dictionaries.

    page = client.get(url)
    form = rendered_form(page, action="/projects/1/edit/")
    response = form.submit(client, {"name": "新名字"})

Only what a browser sends is sent: enabled controls with a name; a checkbox or radio only
when checked; a select's selected options (a single select with none selected sends its
first option); a textarea's text without the newline after its start tag; no file unless
given; line breaks of a textarea as CR LF. Changes name fields that must exist in the form, so a renamed field fails the test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class _Select:
    name: str
    multiple: bool
    disabled: bool
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)


@dataclass
class RenderedForm:
    action: str
    method: str
    enctype: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # in document order
    names: set[str] = field(default_factory=set)  # every control's name, sent or not
    submitters: dict[str, list[str]] = field(default_factory=dict)  # buttons by name
    id: str = ""

    def data(self, changes: dict | None = None) -> dict[str, list]:
        """What the browser sends, with the user's changes (a value, a list, or None to clear
        a checkbox/select)."""
        sent: dict[str, list] = {}
        for name, value in self.fields:
            sent.setdefault(name, []).append(value)
        for name, value in (changes or {}).items():
            if name not in self.names:
                raise AssertionError(f"the form has no field {name!r}: {sorted(self.names)}")
            if value is None:
                sent.pop(name, None)
            else:
                sent[name] = list(value) if isinstance(value, list | tuple) else [value]
        return sent

    def submit(
        self, client, changes: dict | None = None, *, button: str | None = None, value=None, **kw
    ):
        """Submit as the browser does; ``button`` (and ``value``, among buttons of one
        name) is the submit button clicked."""
        data = self.data(changes)
        if button is not None:
            values = self.submitters[button]
            if value is not None and value not in values:
                raise AssertionError(f"no button {button}={value!r}: {values}")
            data[button] = [value if value is not None else values[0]]
        if self.method == "get":
            return client.get(self.action, data, **kw)
        return client.post(self.action, data, **kw)


class _FormParser(HTMLParser):
    def __init__(self, base_url: str):
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.forms: list[RenderedForm] = []
        self.form: RenderedForm | None = None
        self.select: _Select | None = None
        self.option: list | None = None  # [value or None, selected, text]
        self.textarea: list | None = None  # [name, text, disabled]

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.form = RenderedForm(
                action=urljoin(self.base_url, a.get("action") or self.base_url),
                method=a.get("method", "get").lower(),
                enctype=a.get("enctype", ""),
                id=a.get("id", ""),
            )
            self.forms.append(self.form)
            return
        name = a.get("name")
        disabled = "disabled" in a
        # An input or button with a form attribute belongs to that form wherever it stands.
        owner = self.form
        if a.get("form") and tag in ("input", "button"):
            owner = next((f for f in self.forms if f.id == a["form"]), None)
        if owner is None:
            return
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            owner.names.add(name)
            if disabled or kind in ("file", "image", "reset", "button"):
                return
            if kind == "submit":
                owner.submitters.setdefault(name, []).append(a.get("value", ""))
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    owner.fields.append((name, a.get("value", "on")))
            else:
                owner.fields.append((name, a.get("value", "")))
        elif tag == "button" and name:
            if a.get("type", "submit").lower() == "submit":
                owner.submitters.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self.form.names.add(name)
            self.select = _Select(name, "multiple" in a, disabled)
        elif tag == "option" and self.select is not None:
            self.option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea" and name:
            self.form.names.add(name)
            self.textarea = [name, "", disabled]

    def handle_data(self, data):
        if self.option is not None:
            self.option[2] += data
        if self.textarea is not None:
            self.textarea[1] += data

    def _close_option(self):
        if self.option is not None and self.select is not None:
            value, selected, text = self.option
            self.select.options.append((value if value is not None else text.strip(), selected))
        self.option = None

    def handle_endtag(self, tag):
        if tag == "option":
            self._close_option()
        elif tag == "select" and self.select is not None:
            self._close_option()
            s = self.select
            chosen = [v for v, selected in s.options if selected]
            if not s.multiple and not chosen and s.options:
                chosen = [s.options[0][0]]
            if not s.multiple:
                chosen = chosen[-1:]
            if not s.disabled:
                self.form.fields.extend((s.name, v) for v in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text, disabled = self.textarea
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            if not disabled:  # browsers send a textarea's line breaks as CR LF
                self.form.fields.append((name, text.replace("\r\n", "\n").replace("\n", "\r\n")))
            self.textarea = None
        elif tag == "form":
            self.form = None


def rendered_forms(response, url: str | None = None) -> list[RenderedForm]:
    """Every form of a rendered page."""
    base = url or response.request["PATH_INFO"]
    query = response.request.get("QUERY_STRING")
    if url is None and query:
        base += "?" + query
    parser = _FormParser("http://testserver" + base if base.startswith("/") else base)
    parser.feed(response.content.decode())
    for form in parser.forms:
        form.action = form.action.removeprefix("http://testserver")
    return parser.forms


def rendered_form(response, *, action: str | None = None, id: str | None = None, method="post"):
    """The one form of the page posting to ``action`` (default: the page itself); a page
    with none or several such forms fails the test."""
    path = response.request["PATH_INFO"]
    forms = [f for f in rendered_forms(response) if f.method == method]
    if id is not None:
        forms = [f for f in forms if f.id == id]
    else:
        target = action or path
        forms = [f for f in forms if f.action.split("?")[0] == target]
    if len(forms) != 1:
        raise AssertionError(f"{len(forms)} {method} forms to {action or id or path} on {path}")
    return forms[0]
