"""The community in real Chromium: sign-up, consent, recording a lab value, the timeline, an
aggregate with suppression, export and account deletion; axe-core on the community pages."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from mmdecide.community.config import CommunityConfig
from mmdecide.community.service import Community
from mmdecide.community.synthetic import generate

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN_JS = """async (tags) => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ': ' + v.help + ' ' + v.nodes.slice(0, 2).map(n => n.html.slice(0, 120)).join(' | '));
}"""
PW = "correct horse battery"


@pytest.fixture(scope="module")
def community_store(app, tmp_path_factory):
    """The live app's community on a fresh SQLite file with 40 synthetic members (k = 10)."""
    path = tmp_path_factory.mktemp("community") / "c.sqlite3"
    store = Community(CommunityConfig(database_url=f"sqlite:///{path}", argon2_time_cost=1,
                                      argon2_memory_kib=1024, aggregate_cache_seconds=0))
    generate(store.db, members=40, labs_per_member=5, seed=3, today=date.today(), profiles=2)
    before = app.state.community
    app.state.community = store
    yield store
    app.state.community = before
    store.close()


def axe(page, axe_source) -> list[str]:
    page.evaluate(axe_source)  # through DevTools: the CSP forbids inline script
    return page.evaluate(AXE_RUN_JS, AXE_TAGS)


def test_member_journey_in_chromium(page, live_server, community_store, axe_source):
    page.goto(live_server + "/community")
    page.get_by_role("link", name="Join the community").click()
    assert axe(page, axe_source) == []
    page.get_by_label("Nickname").fill("browser-ana")
    page.get_by_label("Password", exact=True).fill(PW)
    page.get_by_label("Repeat the password").fill(PW)
    page.get_by_role("button", name="Join").click()

    page.wait_for_url("**/community/consent")
    assert axe(page, axe_source) == []
    page.get_by_label("I have read this and I agree").check()
    page.get_by_role("button", name="Agree and continue").click()

    page.wait_for_url("**/community/me")
    page.locator("#lab-kind").select_option("hemoglobin")
    page.locator("#lab-value").fill("96")
    page.locator("#lab-unit").select_option("g/L")
    page.locator("#lab-day").fill("2024-03-01")
    page.get_by_role("button", name="Add lab value").click()
    page.wait_for_url("**/community/me")
    assert page.locator("svg[role=img] title").first.text_content() == "Hemoglobin over time"
    row = page.locator("table").first.locator("tbody tr").first
    assert "2024-03-01" in row.inner_text() and "9.6" in row.inner_text()
    assert axe(page, axe_source) == []
    page.get_by_role("button", name="Change Hemoglobin of 2024-03-01").click()  # the edit form
    assert page.locator("#e-value").input_value() == "96" and axe(page, axe_source) == []
    page.locator("#e-value").fill("97")
    page.get_by_role("button", name="Save the change").click()
    page.wait_for_url("**/community/me")
    assert "9.7" in page.locator("table").first.inner_text()

    page.get_by_role("link", name="Stories").click()
    assert axe(page, axe_source) == []
    page.get_by_role("link", name="Members like you").click()
    assert "40 members" in page.locator("[role=status]").inner_text()  # the synthetic members
    assert page.locator(".suppressed").count() > 0  # some cells are hidden, and say so
    assert "Reported by members, not from trials." in page.inner_text("main")
    assert axe(page, axe_source) == []
    page.locator("#f-risk").select_option("high")
    page.locator("#f-age_band").select_option("under 50")
    page.get_by_role("button", name="Show").click()
    assert "fewer than 10 members match" in page.locator(".suppressed-group").inner_text()

    page.get_by_role("link", name="Your account").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert data["member"][0]["handle"] == "browser-ana" and data["lab"][0]["value"] == pytest.approx(9.7)
    assert axe(page, axe_source) == []

    page.locator("#delete-password").fill(PW)
    page.get_by_role("button", name="Delete my account and all my entries").click()
    assert "Your account was deleted" in page.inner_text("h1")
    with community_store.db.reading() as s:
        assert s.execute(text("select count(*) from member where handle = 'browser-ana'")).scalar() == 0
    page.goto(live_server + "/community/me")
    assert page.url.endswith("/community/login")
