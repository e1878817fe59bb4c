"""Keyboard only: Tab reaches every link, button, input and select, and shows where focus is.

All ``<details>`` are opened first so the links inside them are tested too. A radio group is one
Tab stop (arrow keys move inside it), so a group counts as reached when one of its radios gets
focus. The focused element must have a size and a visible focus style (an outline or a ring).
"""

from __future__ import annotations

import pytest

MARK_JS = """() => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  const els = [...document.querySelectorAll(sel)].filter(e => !e.disabled && e.checkVisibility({visibilityProperty: true}));
  els.forEach((e, i) => e.setAttribute('data-kb', String(i)));
  return els.map(e => ({i: Number(e.dataset.kb), tag: e.tagName.toLowerCase(), type: e.type || '',
                        name: e.name || '', text: (e.innerText || e.value || e.name || '').trim().slice(0, 60)}));
}"""

FOCUSED_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const r = e.getBoundingClientRect();
  const cs = getComputedStyle(e);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const ring = cs.boxShadow && cs.boxShadow !== 'none';
  return {i: e.dataset.kb === undefined ? -1 : Number(e.dataset.kb), tag: e.tagName.toLowerCase(),
          text: (e.innerText || e.value || e.name || '').trim().slice(0, 60),
          w: r.width, h: r.height, outline, ring};
}"""


def tab_through(page) -> tuple[list[dict], list[dict]]:
    """(the elements marked as interactive, what Tab focused, in order) for the loaded page."""
    elements = page.evaluate(MARK_JS)
    page.locator("body").click(position={"x": 1, "y": 1})  # start from the top of the document
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    focused: list[dict] = []
    seen_first = False
    for _ in range(len(elements) + 30):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUSED_JS)
        if info is None:
            if focused:
                break  # off the end of the page
            continue
        if info["i"] == 0 and seen_first:
            break  # wrapped around
        seen_first = seen_first or info["i"] == 0
        focused.append(info)
    return elements, focused


def check_keyboard(page) -> None:
    elements, focused = tab_through(page)
    assert elements, "no interactive elements found"
    reached = {f["i"] for f in focused}
    radio_groups_reached = {elements[i]["name"] for i in reached if i >= 0 and elements[i]["type"] == "radio"}
    missing = [e for e in elements if e["i"] not in reached
               and not (e["type"] == "radio" and e["name"] in radio_groups_reached)]
    assert not missing, f"{len(missing)} elements Tab never reaches, e.g. {missing[:5]}"
    invisible = [f for f in focused if f["w"] <= 0 or f["h"] <= 0 or not (f["outline"] or f["ring"])]
    assert not invisible, f"focused without a visible focus style: {invisible[:5]}"


def test_keyboard_results_page(page, live_server, enter):
    enter(page, live_server)
    page.goto(f"{live_server}/results")
    check_keyboard(page)


def test_keyboard_form(page, live_server):
    page.goto(live_server + "/profile")
    check_keyboard(page)


def test_keyboard_form_fill_and_submit(page, live_server):
    """The form can be filled and sent with the keyboard alone."""
    page.goto(live_server + "/profile")
    page.locator("#input-age").focus()
    page.keyboard.type("62")
    page.locator("input[name=r_iss]").first.focus()  # the R-ISS group's first radio
    page.keyboard.press("ArrowDown")  # Stage I -> Stage II
    assert page.locator("input[name=r_iss]:checked").get_attribute("value") == "II"
    page.get_by_role("button", name="Show my results").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/results")
    assert "age" not in page.url
    based = page.locator(".based-on").inner_text()
    assert "62 years" in based and "Stage II" in based


@pytest.mark.parametrize("name", ["start", "evidence-list", "methods"])
def test_skip_link_is_first_and_visible(page, live_server, site_pages, name):
    page.goto(live_server + site_pages[name])
    page.keyboard.press("Tab")
    info = page.evaluate(FOCUSED_JS)
    assert info is not None and info["text"].startswith("Skip to main content")
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
