"""Phone and desktop layout: no page is wider than the viewport, the menu folds behind
a button on a phone, and wide tables scroll inside themselves."""

from __future__ import annotations

import pytest

from tests.e2e.site import open_page, sign_in

PAGES = {
    None: ["/public/register", "/login"],
    "clerk": ["/", "/cases", "/cases/new/repair", "/account/notifications", "/start", "/start/tip"],
    "verifier": ["/", "/tasks/1"],
    "leader": ["/"],
    "officer": ["/register", "/listing/new"],
    "supervisor": ["/supervisor/", "/supervisor/figures", "/supervisor/timers", "/supervisor/incidents"],
    "designer": ["/designer/", "/designer/processes/listing"],
    "admin": [
        "/admin/holidays",
        "/admin/import",
        "/admin/organisations",
        "/admin/users",
        "/admin/bureaus",
        "/admin/roles",
        "/admin/users/import",
    ],
}
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}

OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1 || !el.checkVisibility()) continue;
    // inside a scroll container (a table that scrolls) is fine
    let p = el.parentElement, scrolls = false;
    while (p && p !== document.body) {
      const s = getComputedStyle(p);
      if (['auto', 'scroll', 'hidden'].includes(s.overflowX) && p.getBoundingClientRect().right <= width + 1) { scrolls = true; break; }
      p = p.parentElement;
    }
    if (!scrolls) wide.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
  }
  return {scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5)};
}"""


@pytest.mark.parametrize("user", PAGES, ids=lambda u: u or "public")
def test_no_page_is_wider_than_the_screen(browser, live_server, shot, user):
    with open_page(browser, live_server["url"], *SIZES["phone"]) as page:
        if user:
            sign_in(page, user)
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            for path in PAGES[user]:
                response = page.goto(path)
                assert response.status == 200, path
                found = page.evaluate(OVERFLOW)
                if size == "phone":
                    shot(
                        page,
                        f"layout-{size}-{user or 'public'}-{path.strip('/').replace('/', '_') or 'inbox'}",
                    )
                assert found["scroll"] <= found["width"], (size, path, found)
                assert not found["wide"], (size, path, found)
        assert not page.js_errors


def test_phone_menu_folds_behind_a_button(browser, live_server):
    with open_page(browser, live_server["url"], 390, 844) as page:
        sign_in(page, "admin")
        menu = page.locator("nav.mainnav")
        assert not menu.is_visible()
        page.click("label.nav-toggle-button")
        assert menu.is_visible()
        links = menu.locator("a")
        boxes = [links.nth(i).bounding_box() for i in range(links.count())]
        # one entry a line, each as wide as the screen allows: never a column of single letters
        assert all(b["width"] > 200 and b["height"] < 60 for b in boxes)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_desktop_menu_is_one_row_of_links(browser, live_server):
    with open_page(browser, live_server["url"], 1280, 800) as page:
        sign_in(page, "clerk")
        assert not page.locator("label.nav-toggle-button").is_visible()
        links = page.locator("nav.mainnav a")
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert len(tops) == 1


def test_wide_tables_scroll_inside_themselves_on_a_phone(browser, live_server):
    with open_page(browser, live_server["url"], 390, 844) as page:
        sign_in(page, "supervisor")
        page.goto("/supervisor/")
        table = page.locator("table.grid").first
        style = table.evaluate("t => [getComputedStyle(t).overflowX, t.scrollWidth, t.clientWidth]")
        assert style[0] == "auto"
        assert style[2] <= 390
