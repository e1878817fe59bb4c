"""Fixtures of the browser tests: one live server and one Chromium for the whole session.

* ``live_server``: ``create_app()`` served by uvicorn in a background thread on a free
  127.0.0.1 port (started once, stopped at the end of the session).
* ``browser``: Debian's Chromium (``/usr/bin/chromium``) driven by Playwright's sync API. A
  downloaded browser is never used (``playwright install`` is not run anywhere).
* ``page`` / ``context`` / ``make_context``: fresh contexts whose route handler records every
  request and aborts any that does not go to 127.0.0.1, so every browser test also checks the app
  works offline; the test fails at teardown if a request left the machine (or, for ``page``, if
  the page raised a JavaScript error).

Without Chromium or axe-core the browser tests fail with a message saying how to get them
(``make test`` installs both): a missing browser must never turn into silently skipped checks.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from mmdecide.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
LOCAL_HOSTS = {"127.0.0.1"}

#: A profile that is neither average nor extreme (R-ISS II, MRD positive), as the form posts it.
PROFILE_FORM = {"age": "62", "sex": "female", "r_iss": "II", "mrd": "positive", "response": "VGPR"}
#: Pages that show a person's own answers: the profile is entered (POST) before they are opened.
PERSONAL_PAGES = {"results", "summary"}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app():
    """The app the live server serves (one per session)."""
    return create_app()


@pytest.fixture(scope="session")
def live_server(app):
    """Base URL of the app served by a threaded uvicorn (``http://127.0.0.1:PORT``)."""
    import uvicorn

    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none",
                            http="h11", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-uvicorn", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if server.started and httpx.get(base + "/", timeout=5).status_code < 500:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            server.should_exit = True
            pytest.fail(f"the live server did not answer at {base}")
        time.sleep(0.05)
    yield base
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright_instance():
    if not CHROMIUM.exists():
        pytest.fail(f"Debian Chromium not found at {CHROMIUM}: run the tests with `make test`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                                  headless=True)
    yield browser
    browser.close()


@dataclass
class RequestLog:
    """Every URL the browser asked for in one context, and those that left 127.0.0.1."""

    urls: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def handler(self, route) -> None:
        url = route.request.url
        self.urls.append(url)
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:", "about:")) or host in LOCAL_HOSTS:
            route.continue_()
        else:
            self.external.append(url)
            route.abort()


@pytest.fixture
def make_context(browser):
    """A factory of recorded contexts (``make_context(java_script_enabled=False, ...)``): each has
    ``request_log``, is closed at teardown, and the test fails if any sent a request off 127.0.0.1."""
    made = []

    def make(**kwargs):
        kwargs.setdefault("viewport", {"width": 1280, "height": 900})
        log = RequestLog()
        ctx = browser.new_context(**kwargs)
        ctx.set_default_timeout(15_000)
        ctx.route("**/*", log.handler)
        ctx.request_log = log
        made.append(ctx)
        return ctx

    yield make
    external = [url for ctx in made for url in ctx.request_log.external]
    for ctx in made:
        ctx.close()
    assert not external, f"requests left 127.0.0.1: {external}"


@pytest.fixture
def context(make_context):
    return make_context()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    yield page
    assert not page.js_errors, f"JavaScript errors: {page.js_errors}"


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(f"axe-core not found at {AXE_JS}: run the tests with `make test`, which runs npm ci in tests/web")
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def profile_form() -> dict:
    return PROFILE_FORM


@pytest.fixture(scope="session")
def enter():
    """``enter(page, base, form=None)``: post the answers, as the form does."""
    return enter_profile


@pytest.fixture(scope="session")
def open_page():
    """``open_page(page, base, path, name)``: open one of ``site_pages`` as a person would."""
    return open_site_page


def enter_profile(page, base: str, form: dict | None = None) -> None:
    """Post the answers as the form does: the session cookie lands in the page's context."""
    r = page.request.post(base + "/profile", form=form or PROFILE_FORM, max_redirects=0)
    assert r.status == 303, r.status


def open_site_page(page, base: str, path: str, name: str):
    """Open one of ``site_pages`` as a person would reach it; returns the navigation response.
    Personal pages get the profile first; the form with errors is the form posted with an age
    of 300."""
    if name in PERSONAL_PAGES:
        enter_profile(page, base)
    if name == "form-errors":
        page.goto(base + "/profile")
        page.fill("#input-age", "300")
        with page.expect_navigation() as nav:
            page.get_by_role("button", name="Show my results").click()
        return nav.value
    return page.goto(base + path)


@pytest.fixture(scope="session")
def evidence_id(app) -> str:
    """The evidence file most numbers come from (McCarthy 2017's meta-analysis), or the first."""
    files = app.state.services.corpus.files
    return "mccarthy-2017-meta" if "mccarthy-2017-meta" in files else sorted(files)[0]


@pytest.fixture(scope="session")
def site_pages(evidence_id) -> dict[str, str]:
    """Every page type, by name: path (GET). The form with errors is reached by posting the form
    (see ``open_site_page``); the personal pages show the answers posted first."""
    return {
        "start": "/",
        "form": "/profile",
        "form-errors": "/profile",
        "results": "/results",
        "summary": "/summary",
        "about": "/about",
        "how-to-read": "/how-to-read",
        "evidence-list": "/evidence",
        "evidence-page": f"/evidence/{evidence_id}",
        "methods": "/methods",
        "calibration": "/calibration",
        "not-found": "/no-such-page",
    }
