"""Browser tests: Debian's Chromium driven by Playwright against a live portal."""

from collections.abc import Iterator

import pytest
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, Page

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

    def open_home(self, portal: PortalServer, language: str) -> None:
        """The landing page, switched to `language` the way a person does it."""
        self.page.goto(portal.url + "/")
        if language == "en":
            self.page.get_by_role("button", name="English").click()

    def close(self) -> None:
        """Close, asserting that nothing on the way failed to load or was refused by the CSP."""
        self.context.close()
        refused = [e for e in self.errors if "Content Security Policy" in e or "Refused" in e]
        assert refused == []
        assert self.failed == []
