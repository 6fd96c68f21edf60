"""Browser tests: Debian's Chromium driven by Playwright against a live portal."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, Page, expect

from members.models import Branch, PoliticalStatus, User
from tests.factories import PASSWORD, UserFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SIGN_IN = {"zh-hans": "登录", "en": "Sign in"}
LANGUAGE_BUTTON = {"zh-hans": "中文", "en": "English"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


class PortalServer:
    """The whole portal, WhiteNoise serving the collected static files as in production."""

    def __init__(self) -> None:
        self.thread = LiveServerThread("127.0.0.1", static_handler=lambda handler: handler)
        self.thread.daemon = True
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            raise self.thread.error
        self.url = f"http://127.0.0.1:{self.thread.port}"

    def stop(self) -> None:
        self.thread.terminate()


@pytest.fixture
def portal(transactional_db) -> Iterator[PortalServer]:
    server = PortalServer()
    yield server
    server.stop()


class Visit:
    """A fresh browser context on a viewport, collecting the console's errors."""

    def __init__(self, browser: Browser, viewport: dict) -> None:
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.page: Page = self.context.new_page()
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )
        self.page.on(
            "response",
            lambda r: self.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )

    def open_home(self, portal: PortalServer, language: str) -> Page:
        """The landing page, switched to `language` the way a person does it (if it is not
        shown in that language already)."""
        self.page.goto(portal.url + "/")
        if self.page.locator("html").get_attribute("lang") != language:
            self.page.get_by_role("button", name=LANGUAGE_BUTTON[language]).click()
        expect(self.page.locator("html")).to_have_attribute("lang", language)
        return self.page

    def sign_in(
        self,
        portal: PortalServer,
        login: str,
        language: str,
        *,
        next_url: str | None = None,
        screenshot: Path | None = None,
    ) -> Page:
        """Sign in through the sign-in form in `language`: from the landing page's link, or with
        `next_url` from the form a protected page sends one to. `screenshot` keeps a picture of
        the filled form before it is sent."""
        page = self.open_home(portal, language)
        if next_url is None:
            page.locator("main").get_by_role("link", name=SIGN_IN[language]).click()
        else:
            page.goto(f"{portal.url}/accounts/login/?next={next_url}")
        page.get_by_label(re.compile("E-mail or student number|邮箱或学号")).fill(login)
        page.locator("input[name=password]").fill(PASSWORD)
        if screenshot is not None:
            page.screenshot(path=screenshot, full_page=True)
        page.locator("form").get_by_role("button", name=SIGN_IN[language]).click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        return page

    def wait_for_chart(self, canvas_id: str) -> None:
        """Wait until Chart.js has drawn on the canvas (it sizes the canvas itself when it runs;
        the CSP allows only the static script files)."""
        self.page.wait_for_function(
            "id => { const c = document.getElementById(id);"
            " return c && c.width > 0 && window.Chart && Chart.getChart(c) !== undefined; }",
            arg=canvas_id,
        )

    def close(self) -> None:
        """Close, asserting that nothing on the way failed to load or was refused by the CSP."""
        self.context.close()
        refused = [e for e in self.errors if "Content Security Policy" in e or "Refused" in e]
        assert refused == []
        assert self.failed == []


def secretary_of(branch: Branch, *, student_number: str, language: str) -> User:
    """A full Party member who is the secretary of `branch`, and so reviews its members."""
    secretary = UserFactory(
        name="李书记",
        student_number=student_number,
        political_status=PoliticalStatus.FULL,
        branch=branch,
        language=language,
    )
    branch.secretary = secretary
    branch.save(update_fields=["secretary"])
    return secretary
