"""Every page type in Chromium: axe-core (WCAG 2.0/2.1 A and AA), a 375-px phone screen, no
request off the machine, and the site without JavaScript.

The pages are ``site_pages`` in conftest: start, form, form with errors, results, summary,
evidence list, one evidence page, methods and a 404. axe-core is the local npm copy, injected as
text (never fetched). ``<details>`` are opened before axe runs so their content is checked too.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

PAGES = ["start", "form", "form-errors", "results", "summary", "evidence-list", "evidence-page",
         "methods", "calibration", "about", "how-to-read", "not-found"]
EXPECTED_STATUS = {"form-errors": 422, "not-found": 404}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

AXE_RUN_JS = """async (tags) => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), summary: (n.failureSummary || '').slice(0, 300),
                                          html: n.html.slice(0, 200)})),
    count: v.nodes.length}));
}"""


@pytest.fixture
def goto(open_page):
    """``goto(page, url, name)``: open a site page as a person reaches it, check its status."""

    def go(page, url: str, name: str):
        scheme, _, host, path = url.split("/", 3)
        response = open_page(page, f"{scheme}//{host}", "/" + path, name)
        assert response is not None
        assert response.status == EXPECTED_STATUS.get(name, 200), f"{name}: {url} -> {response.status}"
        return response

    return go


@pytest.mark.parametrize("name", PAGES)
def test_axe_no_serious_violations(goto, page, live_server, site_pages, axe_source, name):
    goto(page, live_server + site_pages[name], name)
    # evaluated through the DevTools protocol: the page's CSP (no inline script) stays in force
    page.evaluate(axe_source)
    violations = page.evaluate(AXE_RUN_JS, AXE_TAGS)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{name}: axe violations (serious/critical):\n" + "\n".join(
        f"- {v['id']} ({v['impact']}, {v['count']} nodes): {v['help']}; e.g. {v['nodes'][:2]}" for v in blocking)


@pytest.mark.parametrize("name", ["results", "summary", "about", "how-to-read", "form"])
def test_axe_no_serious_violations_on_a_phone(goto, phone, live_server, site_pages, axe_source, name):
    """The same axe-core check at 375 px, with every layer (and its tables) opened."""
    goto(phone, live_server + site_pages[name], name)
    phone.evaluate(axe_source)  # through DevTools: the CSP forbids inline script
    violations = phone.evaluate(AXE_RUN_JS, AXE_TAGS)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"{name} at 375 px: " + "; ".join(f"{v['id']}: {v['nodes'][:2]}" for v in blocking)


@pytest.fixture
def phone(make_context):
    ctx = make_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True,
                       device_scale_factor=2)
    return ctx.new_page()


@pytest.mark.parametrize("name", PAGES)
def test_no_horizontal_scroll_at_375px(goto, phone, live_server, site_pages, name):
    goto(phone, live_server + site_pages[name], name)
    phone.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    if width > 376:
        wide = phone.evaluate("""() => [...document.querySelectorAll('main *, header *, footer *')]
            .filter(e => e.getBoundingClientRect().right > 376 && !e.closest('.table-scroll'))
            .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className
                             + ' right=' + Math.round(e.getBoundingClientRect().right))""")
        pytest.fail(f"{name}: page is {width}px wide at a 375-px screen; too wide: {wide}")


def test_offline_every_page(goto, context, live_server, site_pages):
    """Every page, with its stylesheet and any image or script, comes from 127.0.0.1 only."""
    page = context.new_page()
    for name in PAGES:
        goto(page, live_server + site_pages[name], name)
        page.wait_for_load_state("networkidle")
    log = context.request_log
    hosts = {urlsplit(u).hostname for u in log.urls}
    assert log.urls and any(u.endswith("/static/style.css") for u in log.urls)
    assert not log.external, f"requests to other hosts: {log.external}"
    assert hosts <= {"127.0.0.1"}, hosts


@pytest.fixture
def nojs_page(make_context):
    return make_context(java_script_enabled=False).new_page()


@pytest.mark.parametrize("name", PAGES)
def test_page_works_without_javascript(goto, nojs_page, live_server, site_pages, name):
    goto(nojs_page, live_server + site_pages[name], name)
    assert nojs_page.locator("h1").count() == 1
    assert nojs_page.locator("h1").inner_text().strip()


def test_form_to_results_without_javascript(nojs_page, live_server):
    page = nojs_page
    page.goto(live_server + "/profile")
    page.fill("#input-age", "62")
    page.check("input[name=r_iss][value=II]")
    page.check("input[name=mrd][value=positive]")
    page.get_by_role("button", name="Show my results").click()
    page.wait_for_url(re.compile(r"/results$"))
    assert page.locator("h1").inner_text().startswith("Your results")
    assert page.locator("#answer article.option-card").count() >= 2
    # the time span form is a plain POST form
    page.select_option("#years", "3")
    page.locator("form.horizon button[type=submit]").click()
    page.wait_for_url(re.compile(r"/results$"))
    assert "3 years" in page.locator("h1").inner_text()
    # what-if without JavaScript
    page.select_option("#whatif-change", "mrd:negative")
    page.get_by_role("button", name="Show before and after").click()
    assert page.locator("#before-after").count() == 1
    # and the summary
    page.get_by_role("link", name="Printable summary").click()
    page.wait_for_url(re.compile(r"/summary$"))
    assert page.locator("h1").count() == 1


def test_form_errors_without_javascript(nojs_page, live_server):
    page = nojs_page
    page.goto(live_server + "/profile")
    page.fill("#input-age", "5")
    page.get_by_role("button", name="Show my results").click()
    assert page.locator(".error-summary").count() == 1
    assert page.locator("#input-age").get_attribute("aria-invalid") == "true"
    assert page.locator("#input-age").input_value() == "5"


SVG_TEXT_CONTRAST_JS = """() => {
  const lum = (rgb) => {
    const c = rgb.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const bgOf = (el) => {
    for (let e = el.closest('svg').parentElement; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      if (bg && !bg.startsWith('rgba(0, 0, 0, 0)') && bg !== 'transparent') return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  return [...document.querySelectorAll('svg text')].map(t => {
    const fill = getComputedStyle(t).fill;
    const a = lum(fill), b = lum(bgOf(t));
    return {text: t.textContent.trim().slice(0, 40), fill, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
            size: parseFloat(getComputedStyle(t).fontSize)};
  });
}"""


@pytest.mark.parametrize("name", ["results", "evidence-list", "evidence-page", "calibration"])
def test_chart_text_contrast(goto, page, live_server, site_pages, name):
    """axe cannot judge the contrast of text inside SVG charts (it reports them as 'incomplete'):
    every chart label's fill must have >= 4.5:1 against the page behind the chart."""
    goto(page, live_server + site_pages[name], name)
    labels = page.evaluate(SVG_TEXT_CONTRAST_JS)
    assert labels, f"{name}: no chart text found"
    low = [t for t in labels if t["ratio"] < 4.5]
    assert not low, f"{name}: chart text below 4.5:1: {low[:5]}"
