"""Hostile values in every form field and query parameter of every page, as every role: never a
server error, and input that is refused changes nothing.

The pages are those of the access table (`test_url_access.py`); their forms are read from the
pages themselves, so a new form is fuzzed without a change here. The examples are derandomised
and bounded, so the run is the same every time and takes a minute or so.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .fingerprint import changed_tables, fingerprint
from .test_url_access import EXPECTED, ROLES, url_kwargs  # noqa: F401

EXAMPLES_PER_ROLE = 150
# Parameters any page might read, tried on every page besides its own forms' fields.
COMMON_PARAMETERS = ("q", "page", "next", "status", "show", "sort", "stage", "category", "code")
# Following this would end the role's session for the rest of the run.
SKIPPED_PATHS = {reverse("account_logout")}

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "\x00",
            "a\x00b",
            "甲乙丙丁戊己",
            "-1",
            "0",
            "99999999999999999999999",
            "1e309",
            "NaN",
            "2026-02-30",
            "../../etc/passwd",
            "queue",
            "javascript:alert(1)",
            "//evil.example/",
            "https://evil.example/",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%00",
            "\u202e\ufeff",
            "x" * 5000,
            "on",
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@dataclass(frozen=True)
class Target:
    method: str
    path: str
    fields: tuple[tuple[str, tuple[str, ...]], ...]  # name, the options a select offers


class FormParser(HTMLParser):
    """The forms of a page: method, action, and each field with the options it offers."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "method": (attributes.get("method") or "get").upper(),
                    "action": attributes.get("action") or "",
                    "fields": {},
                }
            )
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = attributes.get("name")
        if tag in ("input", "textarea", "button") and name:
            if attributes.get("type") != "file":
                options = fields.setdefault(name, [])
                if attributes.get("value"):
                    options.append(attributes["value"])
        elif tag == "select" and name:
            self._select = name
            fields.setdefault(name, [])
        elif tag == "option" and self._select and attributes.get("value"):
            fields[self._select].append(attributes["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def targets_of(client, url_kwargs) -> list[Target]:  # noqa: F811
    """Every page the client may open with its forms, and every POST-only address."""
    targets: set[Target] = set()
    posted: set[str] = set()
    field_names: set[str] = set()
    for name in EXPECTED:
        path = reverse(name, kwargs=url_kwargs.get(name))
        if path in SKIPPED_PATHS:
            continue
        response = client.get(path)
        if response.status_code == 405:
            posted.add(path)
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        common = tuple((parameter, ()) for parameter in COMMON_PARAMETERS)
        targets.add(Target("GET", path, common))
        parser = FormParser()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = urlsplit(urljoin(path, form["action"])).path
            if action in SKIPPED_PATHS or not action.startswith("/"):
                continue
            fields = tuple((field, tuple(options)) for field, options in form["fields"].items())
            field_names.update(form["fields"])
            targets.add(Target(form["method"], action, fields))
    generic = tuple((field, ()) for field in sorted(field_names - {"csrfmiddlewaretoken"}))
    targets.update(Target("POST", path, generic) for path in posted)
    return sorted(targets, key=lambda target: (target.method, target.path))


REFUSED = re.compile(r"is-invalid|errorlist|alert-danger")


def refused(response) -> bool:
    if response.status_code in (400, 403, 404, 405):
        return True
    content_type = response.get("Content-Type", "")
    return (
        response.request["REQUEST_METHOD"] == "POST"
        and response.status_code == 200
        and "html" in content_type
        and bool(REFUSED.search(response.content.decode()))
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_input_gives_a_server_error_and_refused_input_changes_nothing(
    role,
    request,
    url_kwargs,  # noqa: F811
):
    client = request.getfixturevalue(f"{role}_client")
    targets = targets_of(client, url_kwargs)
    assert targets

    @settings(
        max_examples=EXAMPLES_PER_ROLE,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def fuzz(data) -> None:
        target = data.draw(st.sampled_from(targets), label="target")
        values = {}
        for name, options in target.fields:
            if name == "csrfmiddlewaretoken" or not data.draw(st.booleans()):
                continue
            choices = HOSTILE_TEXT | st.sampled_from(options) if options else HOSTILE_TEXT
            values[name] = data.draw(choices, label=name)
        before = fingerprint()
        if target.method == "GET":
            response = client.get(target.path, values)
        else:
            response = client.post(target.path, values)
        assert response.status_code != 500, (target, values)
        if refused(response):
            changed = changed_tables(before, fingerprint())
            assert changed == [], (response.status_code, target, values)

    fuzz()
