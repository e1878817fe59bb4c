"""The community pages: the member journey, cookies, CSRF on every form, rate limits, escaping of
member text, another member's ids, no inline script or style, nothing personal in logs or URLs."""

from __future__ import annotations

import json
import logging
import warnings

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from mmdecide.community.models import LabValue, Member
from mmdecide.web import create_app

with warnings.catch_warnings():  # starlette.testclient warns at import that it prefers httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PW = "correct horse battery"
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def app():
    return create_app()  # one app per module (it loads the evidence base); each test sets its store


@pytest.fixture
def client(app, community):
    app.state.community = community
    with TestClient(app, follow_redirects=False) as c:
        yield c


def csrf(client, path: str) -> str:
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    return BeautifulSoup(r.text, "html.parser").find("input", {"name": "csrf"})["value"]


def join(client, handle="ana", consent=True) -> None:
    token = csrf(client, "/community/signup")
    r = client.post("/community/signup", data={"csrf": token, "handle": handle, "password": PW,
                                                "password2": PW})
    assert r.status_code == 303 and r.headers["location"] == "/community/consent", r.text
    if consent:
        token = csrf(client, "/community/consent")
        soup = BeautifulSoup(client.get("/community/consent").text, "html.parser")
        version = soup.find("input", {"name": "version"})["value"]
        r = client.post("/community/consent", data={"csrf": token, "version": version, "agree": "yes"})
        assert r.status_code == 303 and r.headers["location"] == "/community/me"


def add(client, entry: str, **fields):
    return client.post("/community/entries/add", data={"csrf": csrf(client, "/community/me"),
                                                       "entry": entry, **fields})


def count(community, model) -> int:
    with community.db.transaction() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_member_journey(client, community):
    join(client)
    assert add(client, "lab", kind="hemoglobin", value="6.4", unit="g/dL", day="2024-01-05").status_code == 303
    assert add(client, "lab", kind="hemoglobin", value="96", unit="g/L", day="2024-03-05").status_code == 303
    assert add(client, "period", regimen="lenalidomide", dose_mg="10", schedule="days-1-21-of-28",
               start="2024-01-10", stop="").status_code == 303
    page = BeautifulSoup(client.get("/community/me").text, "html.parser")
    svg = page.find("svg", {"role": "img"})
    assert svg is not None and "Hemoglobin" in svg.find("title").text
    cells = [td.text for td in page.find("table").find_all("td")]
    assert "2024-03-05" in cells and "9.6" in cells and "96 g/L" in cells
    assert "Reported by members, not from trials." in page.text

    data = client.get("/community/export.json")
    assert data.headers["content-disposition"].startswith("attachment")
    assert [x["value"] for x in json.loads(data.text)["lab"]] == [6.4, pytest.approx(9.6)]
    assert "record,id,field,value" in client.get("/community/export.csv").text

    agg = client.get("/community/aggregates")
    assert agg.status_code == 200 and "fewer than 3 members match" in agg.text  # k = 3 in tests

    r = client.post("/community/delete", data={"csrf": csrf(client, "/community/account"), "password": PW})
    assert r.status_code == 200 and "was deleted" in r.text
    assert count(community, Member) == 0 and count(community, LabValue) == 0
    assert client.get("/community/me").headers["location"] == "/community/login"


def test_session_cookie_flags(client, community):
    join(client, consent=False)
    client.cookies.clear()  # a new browser: log in from scratch
    token = csrf(client, "/community/login")
    r = client.post("/community/login", data={"csrf": token, "handle": "ana", "password": PW})
    assert r.status_code == 303 and r.headers["location"] == "/community/consent"
    cookie = r.headers["set-cookie"].lower()
    assert "mmdecide_member=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    assert "path=/community" in cookie and "secure" not in cookie  # plain http in the test client
    assert r.headers["cache-control"] == "no-store"


def test_secure_cookie_over_https(app, community):
    app.state.community = community
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        join(c, consent=False)
        r = c.get("/community/signup")
        assert r.status_code == 200
        c.cookies.clear()
        token = csrf(c, "/community/login")
        r = c.post("/community/login", data={"csrf": token, "handle": "ana", "password": PW})
        assert "secure" in r.headers["set-cookie"].lower()


def test_every_form_needs_the_csrf_token(client, community):
    join(client)
    forms = ["/community/entries/add", "/community/entries/delete", "/community/entries/edit",
             "/community/entries/save", "/community/about", "/community/moderate", "/community/stories/report",
             "/community/story", "/community/aggregates", "/community/password", "/community/delete",
             "/community/consent", "/community/logout"]
    for path in forms:
        for token in (None, "forged"):
            data = {"entry": "lab", "kind": "platelets", "value": "100", "unit": "x10^9/L",
                    "day": "2024-01-01", "password": PW}
            if token:
                data["csrf"] = token
            assert client.post(path, data=data).status_code == 403, path
    # the list is every POST route of the community, so a new form cannot be left out of it
    from mmdecide.community.web import account_pages, record_pages, story_pages

    posts = {r.path for m in (account_pages, record_pages, story_pages) for r in m.router.routes
             if "POST" in r.methods}
    assert posts == {*forms, "/community/signup", "/community/login"}
    client.cookies.clear()
    for path in ("/community/signup", "/community/login"):
        assert client.post(path, data={"handle": "bea", "password": PW, "password2": PW}).status_code == 403
    assert count(community, LabValue) == 0 and count(community, Member) == 1
    # every form on every page carries the token
    join(client, "bea")
    for path in ("/community/me", "/community/account", "/community/aggregates", "/community/consent"):
        for form in BeautifulSoup(client.get(path).text, "html.parser").find_all("form"):
            assert form["method"] == "post" and form.find("input", {"name": "csrf"}), (path, form)


def test_member_text_is_escaped(client):
    join(client)
    r = client.post("/community/story", data={"csrf": csrf(client, "/community/me"), "text": XSS})
    assert r.status_code == 303
    r = add(client, "lab", kind="hemoglobin", value="10", unit=XSS, day="2024-01-01")
    assert r.status_code == 422 and "unit: Hemoglobin is entered in g/dL or g/L" in r.text
    for html in (r.text, client.get("/community/me").text):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert" in html


def test_another_members_entry_cannot_be_deleted(client, community):
    join(client, "ana")
    add(client, "lab", kind="platelets", value="150", unit="x10^9/L", day="2024-01-01")
    with community.db.transaction() as s:
        lab_id = s.scalar(select(LabValue.id))
    client.cookies.clear()
    join(client, "bea")
    r = client.post("/community/entries/delete", data={"csrf": csrf(client, "/community/me"),
                                                       "entry": "lab", "id": str(lab_id)})
    assert r.status_code == 404 and count(community, LabValue) == 1


def test_sign_up_rate_limit_and_honeypot(client, community):
    limit = community.config.signup_attempts
    token = csrf(client, "/community/signup")
    r = client.post("/community/signup", data={"csrf": token, "handle": "bot", "password": PW,
                                               "password2": PW, "website": "http://spam"})
    assert r.status_code == 429 and count(community, Member) == 0
    for i in range(limit):
        client.post("/community/signup", data={"csrf": token, "handle": f"user{i}", "password": "short",
                                                "password2": "short"})
    r = client.post("/community/signup", data={"csrf": token, "handle": "late", "password": PW,
                                               "password2": PW})
    assert r.status_code == 429 and "too many attempts" in r.text and count(community, Member) == 0


def test_bad_input_is_one_clear_message_and_stores_nothing(client, community):
    join(client)
    r = add(client, "lab", kind="platelets", value="150", unit="x10^9/L", day="31.01.2024")
    assert r.status_code == 422 and "date of the test: must be a date written as YYYY-MM-DD" in r.text
    r = client.post("/community/story", data={"csrf": csrf(client, "/community/me"), "text": "x" * 2001})
    assert r.status_code == 422 and "story: must be at most 2000 characters" in r.text
    assert count(community, LabValue) == 0


def test_no_inline_script_or_style_and_no_data_in_urls(client):
    join(client)
    add(client, "lab", kind="platelets", value="150", unit="x10^9/L", day="2024-01-01")
    for path in ("/community", "/community/me", "/community/aggregates", "/community/account",
                 "/community/consent"):
        soup = BeautifulSoup(client.get(path).text, "html.parser")
        assert soup.find("script") is None and soup.find("style") is None, path
        assert not soup.find_all(attrs={"style": True}), path
        for form in soup.find_all("form"):
            assert form["method"] == "post"


def test_no_member_data_in_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    join(client, "secret-handle")
    add(client, "lab", kind="platelets", value="123.456", unit="x10^9/L", day="2024-01-01")
    client.post("/community/story", data={"csrf": csrf(client, "/community/me"), "text": "my private words"})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("secret-handle", PW, "123.456", "my private words"):
        assert secret not in logged


def test_stories_need_a_moderator_and_can_be_reported(client, community):
    join(client, "ana")
    r = client.post("/community/story", data={"csrf": csrf(client, "/community/me"), "text": XSS + " my story",
                                              "share": "yes"})
    assert r.status_code == 303
    assert "my story" not in client.get("/community/stories").text  # not shown before approval
    assert client.get("/community/moderate").status_code == 404  # members cannot see the queue
    client.cookies.clear()
    join(client, "mod")
    with community.db.transaction() as s:
        s.execute(Member.__table__.update().where(Member.handle == "mod").values(role="moderator"))
    queue = client.get("/community/moderate")
    assert queue.status_code == 200 and "my story" in queue.text and "<script>alert" not in queue.text
    story_id = BeautifulSoup(queue.text, "html.parser").select_one("form[action='/community/moderate'] input[name=id]")["value"]
    r = client.post("/community/moderate", data={"csrf": csrf(client, "/community/moderate"), "id": story_id,
                                                 "decision": "approve"})
    assert r.status_code == 303
    shown = client.get("/community/stories").text
    assert "my story" in shown and "&lt;script&gt;" in shown and "ana" not in shown  # no author shown
    r = client.post("/community/stories/report", data={"csrf": csrf(client, "/community/stories"), "id": story_id})
    assert r.status_code == 200 and "hidden until a moderator" in r.text
    assert "my story" not in client.get("/community/stories").text
    assert "my story" in client.get("/community/moderate").text  # back in the queue


def test_edit_an_entry(client, community):
    join(client, "ana")
    add(client, "lab", kind="hemoglobin", value="96", unit="g/L", day="2024-03-05")
    with community.db.transaction() as s:
        lab_id = s.scalar(select(LabValue.id))
    token = csrf(client, "/community/me")
    form = client.post("/community/entries/edit", data={"csrf": token, "entry": "lab", "id": str(lab_id)})
    assert form.status_code == 200
    soup = BeautifulSoup(form.text, "html.parser")
    assert soup.find("input", {"name": "value"})["value"] == "96"  # as entered, in the unit entered
    assert soup.find("select", {"name": "unit"}).find("option", selected=True)["value"] == "g/L"
    fields = {"csrf": token, "entry": "lab", "id": str(lab_id), "kind": "hemoglobin", "unit": "g/dL",
              "day": "2024-03-05"}
    r = client.post("/community/entries/save", data={**fields, "value": "99"})
    assert r.status_code == 422 and "outside 1 to 25 g/dL" in r.text
    assert client.post("/community/entries/save", data={**fields, "value": "10.2"}).status_code == 303
    with community.db.transaction() as s:
        assert s.scalar(select(LabValue.value)) == 10.2
    client.cookies.clear()
    join(client, "bea")  # another member cannot open or save ana's entry
    token = csrf(client, "/community/me")
    assert client.post("/community/entries/edit", data={"csrf": token, "entry": "lab", "id": str(lab_id)}).status_code == 404
    assert client.post("/community/entries/save", data={**fields, "csrf": token, "value": "8"}).status_code == 404


def test_aggregates_being_prepared_is_a_plain_page_with_retry_after(client, community, monkeypatch):
    from mmdecide.community.errors import NotReady

    join(client)

    def not_yet(filters, today=None):
        raise NotReady("the figures are being prepared")

    monkeypatch.setattr(community, "aggregate", not_yet)
    r = client.get("/community/aggregates")
    assert r.status_code == 503 and r.headers["retry-after"] == "10"
    assert "The figures are being prepared" in r.text and "Traceback" not in r.text
