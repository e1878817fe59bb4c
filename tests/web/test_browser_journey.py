"""A patient's journey in Debian's Chromium, with the server's log captured.

* privacy: no answer in any address the browser visits, in any line the server logs (even for an
  old link that carries answers), and the answers survive every page (Evidence -> Your results);
* the first layer of the results (the answer) fits 2 screens at 1280 px and 4 at 375 px, and the
  summary button is reached in few Tab presses;
* options on and off, and what-if with before and after.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from urllib.parse import urlsplit

import httpx
import pytest

from mmdecide.web import create_app

#: a frightened patient's answers (74, R-ISS III, del(17p) + t(4;14), PR, MRD positive)
ANSWERS = {"age": "74", "r_iss": "III", "response": "PR", "mrd": "positive"}
CYTO = ("del17p", "t4-14")
#: words that would betray an answer in an address or a log line
TELLTALES = ("age=", "r_iss", "cytogenetics", "del17p", "t4-14", "mrd=", "response=", "positive")


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture(scope="module")
def logged_server():
    """(base URL, captured log lines) of a server with uvicorn's access log on."""
    import uvicorn

    capture = _Capture()
    names = ("uvicorn.access", "uvicorn.error", "mmdecide", "mmdecide.web")
    for name in names:
        logging.getLogger(name).addHandler(capture)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="info", log_config=None,
                            access_log=True, ws="none", http="h11", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the logged server did not start"
        time.sleep(0.05)
    yield base, capture.lines
    server.should_exit = True
    thread.join(timeout=10)
    for name in names:
        logging.getLogger(name).removeHandler(capture)


def fill(page) -> None:
    page.fill("#input-age", ANSWERS["age"])
    page.check("input[name=r_iss][value=III]")
    page.check("input[name=response][value=PR]")
    page.check("input[name=mrd][value=positive]")
    for c in CYTO:
        page.check(f"input[name=cytogenetics][value='{c}']")


def _request_line(line: str) -> str:
    m = re.search(r'"([A-Z]+ [^"]*)"', line)
    return m.group(1) if m else line


def test_journey_keeps_answers_private_and_kept(make_context, logged_server):
    base, log = logged_server
    ctx = make_context()
    page = ctx.new_page()
    page.goto(base + "/")
    page.get_by_role("link", name=re.compile(r"^Start: tell us about you")).click()
    fill(page)
    page.get_by_role("button", name="Show my results").click()
    page.wait_for_url(re.compile(r"/results$"))
    assert "74 years" in page.locator(".based-on").inner_text()
    # Evidence -> Your results: still this person's results
    page.get_by_role("link", name="Evidence", exact=True).click()
    page.wait_for_url(re.compile(r"/evidence$"))
    page.get_by_role("link", name="Your results", exact=True).click()
    page.wait_for_url(re.compile(r"/results$"))
    based = page.locator(".based-on").inner_text()
    assert "74 years" in based and "del(17p)" in based
    # change the time span, what-if, summary and the PDF: all without an answer in an address
    page.select_option("#years", "3")
    page.locator("form.horizon button[type=submit]").click()
    page.wait_for_url(re.compile(r"/results$"))
    page.select_option("#whatif-change", "r_iss:II")  # (MRD-negative would contradict a partial response)
    page.get_by_role("button", name="Show before and after").click()
    page.wait_for_url(re.compile(r"/results(#before-after)?$"))
    page.get_by_role("link", name="Printable summary").first.click()
    page.wait_for_url(re.compile(r"/summary$"))
    assert "74" in page.locator("#summary-profile").inner_text()
    page.goto(base + "/about")
    page.goto(base + "/results")
    assert page.evaluate("() => document.cookie") == "", "the session cookie is readable by scripts"
    cookie = next(c for c in ctx.cookies() if c["name"] == "mmdecide_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    # an old link with answers: redirected to the form, and nothing of it in the log
    r = httpx.get(base + "/results?age=74&r_iss=III&cytogenetics=del17p&mrd=positive", follow_redirects=False)
    assert r.status_code == 303 and "age" not in r.headers["location"]
    time.sleep(0.2)  # the access log line is written after the response

    visited = [u for u in ctx.request_log.urls if u.startswith(base)]
    assert len(visited) > 8
    for url in visited:
        parts = urlsplit(url)
        where = parts.path + "?" + parts.query
        assert not any(t in where for t in TELLTALES), url
        assert "74" not in where, url
    access = [line for line in log if '"GET ' in line or '"POST ' in line]
    assert any("/results" in line for line in access), "the access log was not captured"
    for line in log:
        assert not any(t in line for t in TELLTALES), line
        # the age as a number of its own (a process id such as 24774 is not the age)
        assert not re.search(r"(?<!\d)74(?!\d)", _request_line(line)), line


def test_results_change_with_the_session_and_clear(make_context, live_server, enter, profile_form):
    page = make_context().new_page()
    enter(page, live_server)
    page.goto(live_server + "/results")
    assert "62 years" in page.locator(".based-on").inner_text()
    page.locator("#answer").get_by_role("button", name="Clear my details").click()
    page.wait_for_url(re.compile(r"/\?cleared=1$"))
    page.goto(live_server + "/results")
    assert "average person" in page.locator(".based-on").inner_text()


@pytest.mark.parametrize(("width", "height", "screens"), [(1280, 900, 2), (375, 812, 4)])
def test_first_layer_fits_the_screen_budget(make_context, live_server, enter, width, height, screens):
    ctx = make_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    enter(page, live_server)
    page.goto(live_server + "/results")
    bottom = page.evaluate("() => { const a = document.querySelector('#answer');"
                           " return a.getBoundingClientRect().bottom + window.scrollY; }")
    own = page.evaluate("() => document.querySelector('#answer').scrollHeight")
    assert own > 200
    assert bottom <= screens * height, f"the answer ends at {bottom:.0f} px: more than {screens} screens of {height}"
    # the harms are in the first layer, beside the benefits
    assert page.locator("#answer dt", has_text="Serious side effects").count() >= 2
    assert page.locator("#answer dt", has_text="Second cancer").count() >= 2


def test_summary_button_is_near_in_tab_order(page, live_server, enter):
    enter(page, live_server)
    page.goto(live_server + "/results")
    for presses in range(1, 41):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => (document.activeElement.innerText || '').trim()")
        if focused == "Printable summary":
            break
    else:
        pytest.fail("the summary button was not reached in 40 Tab presses")
    assert presses <= 25, presses


def test_options_toggle_in_the_browser(make_context, live_server, enter):
    page = make_context().new_page()
    enter(page, live_server)
    page.goto(live_server + "/results")
    before = page.locator("#answer article.option-card").count()
    box = page.locator("#choose input[name=option][value=daratumumab]")
    assert not box.is_checked()
    box.check()
    page.locator("form.horizon button[type=submit]").click()
    page.wait_for_url(re.compile(r"/results$"))
    assert page.locator("#answer article.option-card").count() == before + 1
    assert page.locator("#glance-daratumumab").count() == 1
    page.locator("#choose input[name=option][value=daratumumab]").uncheck()
    page.locator("form.horizon button[type=submit]").click()
    page.wait_for_url(re.compile(r"/results$"))
    assert page.locator("#glance-daratumumab").count() == 0


def test_what_if_before_and_after_in_the_browser(make_context, live_server, enter):
    page = make_context().new_page()
    enter(page, live_server, {"age": "62", "r_iss": "II"})
    page.goto(live_server + "/results")
    now = page.locator("#glance-pfs-lenalidomide .value").inner_text()
    page.select_option("#whatif-change", "mrd:negative")
    page.get_by_role("button", name="Show before and after").click()
    box = page.locator("#before-after")
    box.wait_for()
    assert "MRD after transplant" in box.inner_text()
    row = box.locator("tbody tr", has_text="Lenalidomide")
    cells = [c.strip() for c in row.locator("td .value").all_inner_texts()]
    assert cells[0] == now and cells[1] != now
    assert page.locator("#glance-pfs-lenalidomide .value").inner_text() == cells[1]
