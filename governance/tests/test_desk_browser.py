"""The staff desk (issue #16) and the phone pages (issue #17), as a user sees them in real Chromium.

For each staff role at an office screen (1024×768 and 1366×768, Chinese and English) and for the grid leader
and the villager on a phone (390×844, touch, is_mobile): every page of their menu opens with no horizontal
overflow, no drop-down over 200 options, no bare "---------", no console error, and passes axe-core (the npm
package, injected from node_modules — nothing is fetched) with no serious or critical violation.
One world of objects on both sides of the tree (the matrix's factories) so the lists have rows.
"""
from pathlib import Path

import pytest
from django.conf import settings

from . import matrix
from .fixtures import add_neighbours, build_personas, build_tree

AXE = Path(settings.BASE_DIR, "node_modules", "axe-core", "axe.min.js")
OFFICE = [(1024, 768), (1366, 768)]  # each page is checked at both, in each language
# axe runs at two of the four (one per size and language); the cheap checks at all four
AXE_AT = {(1024, 768, "zh"), (1366, 768, "en")}
PHONE = [(390, 844, "zh")]

CHECKS = """() => {
  const selects = Array.from(document.querySelectorAll('select')).map(s => s.options.length);
  return {width: document.documentElement.scrollWidth, biggest: Math.max(0, ...selects),
          dashes: document.body.innerText.includes('---------') ||
                  Array.from(document.querySelectorAll('option')).some(o => o.textContent.trim() === '---------')};
}"""
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => `${v.id}: ${v.nodes.length}× e.g. ${v.nodes[0].html.slice(0, 140)}`)"""


@pytest.fixture
def desk_world(transactional_db):
    # live_server needs committed rows, and a transactional test before this one may have flushed what the
    # migrations seeded: put the county's default rules back (the migration's own, idempotent function)
    import importlib

    from django.apps import apps

    importlib.import_module("centers.migrations.0004_default_rules").add(apps, None)
    matrix.load_all()
    tree = build_tree()
    people = add_neighbours(tree, build_personas(tree))
    for factory in matrix.FACTORIES.values():
        factory(tree.A1g, "a", tree, people)
        factory(tree.B1g, "b", tree, people)
    return people


def signed_in(browser, live_server, username, width, height, lang="zh", *, phone=False, **context_options):
    """-> (context, page, console errors): a fresh browser context at that size (a phone: touch, is_mobile),
    signed in as `username` through the login form."""
    context = browser.new_context(viewport={"width": width, "height": height}, base_url=live_server.url,
                                  is_mobile=phone, has_touch=phone, bypass_csp=True, locale="zh-CN",
                                  **context_options)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}])
    pg = context.new_page()
    errors = []
    pg.on("console", lambda m: m.type == "error" and errors.append(f"{pg.url}: {m.text}"))
    pg.goto("/accounts/login/")
    pg.fill("#id_username", username)
    pg.fill("#id_password", "pw-test-1234")
    pg.click("main button[type=submit], form button[type=submit]")
    pg.wait_for_load_state()
    return context, pg, errors


def _check(pg, path, width, problems, axe):
    seen = pg.evaluate(CHECKS)
    if seen["width"] > width:
        problems.append(f"{path}: {seen['width']} px wide at {width}")
    if seen["biggest"] > 200:
        problems.append(f"{path}: a drop-down of {seen['biggest']} options")
    if seen["dashes"]:
        problems.append(f"{path}: a bare ---------")
    if axe:
        if not pg.evaluate("() => typeof axe !== 'undefined'"):
            pg.add_script_tag(path=str(AXE))
        problems += [f"{path} at {width}: {v}" for v in pg.evaluate(AXE_RUN)]


def _walk(browser, live_server, username, sizes, lang, *, phone=False, axe_at=None):
    """Every menu page, loaded once and checked at each of `sizes` (the window resized in between, as a user
    resizes it: the page reflows without being fetched again); axe where `axe_at` names the width."""
    (width, height), *_others = sizes
    context, pg, errors = signed_in(browser, live_server, username, width, height, lang, phone=phone)
    links = pg.eval_on_selector_all(".portal-sidenav a.sidenav-link", "els => els.map(e => e.getAttribute('href'))")
    pages = ["/"] + [href for href in dict.fromkeys(links) if href and href != "/"]
    problems = []
    for path in pages:
        if pg.viewport_size != {"width": width, "height": height}:
            pg.set_viewport_size({"width": width, "height": height})
        resp = pg.goto(path)
        pg.wait_for_load_state()
        if resp.status != 200:
            problems.append(f"{path}: {resp.status}")
            continue
        for index, (w, h) in enumerate(sizes):
            if index:
                pg.set_viewport_size({"width": w, "height": h})
            _check(pg, path, w, problems, axe=axe_at is None or (w, h, lang) in axe_at)
    context.close()
    return pages, problems + errors


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("username", ["county_admin", "township_head_a", "township_staff_a", "village_secretary_a1",
                                      "unit_staff_a"])
def test_every_menu_page_of_a_staff_role_fits_the_office_screen_and_passes_axe(username, lang, browser, live_server,
                                                                               desk_world):
    pages, problems = _walk(browser, live_server, username, OFFICE, lang, axe_at=AXE_AT)
    assert len(pages) > 3, pages
    assert not problems, f"{username} at {' and '.join(f'{w}×{h}' for w, h in OFFICE)} {lang}:\n" + "\n".join(problems)


@pytest.mark.browser
@pytest.mark.parametrize("username", ["grid_leader_a1", "resident_a1"])
def test_every_menu_page_of_the_field_and_the_villager_reads_on_a_phone(username, browser, live_server, desk_world):
    for width, height, lang in PHONE:
        pages, problems = _walk(browser, live_server, username, [(width, height)], lang, phone=True)
        assert len(pages) > 3, pages
        assert not problems, f"{username} on a phone:\n" + "\n".join(problems)
