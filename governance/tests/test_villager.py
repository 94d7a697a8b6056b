"""Villager mode (issue #17): a person who is only a villager has only a villager's pages."""
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from governance import villager
from governance.navigation import menu_for
from governance.scoping import user_roles


def _routes(patterns=None, prefix="", namespace=""):
    """(url name with namespace, a URL for it with sample arguments) for every page route."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}" if namespace and p.namespace else (p.namespace or namespace)
            yield from _routes(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            route = prefix + str(p.pattern)
            if route.startswith(("api/", "admin/", "static/", "open311/")) or route.startswith("^"):
                continue
            url = "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) in (None, "int") else "x", route)
            yield (f"{namespace}:{p.name}" if namespace else p.name), url


ROUTES = sorted(set(_routes()))


def test_every_declared_villager_page_exists():
    names = {name for name, _ in ROUTES}
    missing = sorted(n for n in villager._pages | villager.CORE_PAGES if n not in names and n != "set_language")
    assert not missing, missing


@pytest.mark.django_db
def test_every_staff_page_is_not_found_for_a_villager(client, personas):
    client.force_login(personas.resident_a1)
    wrong = []
    for name, url in ROUTES:
        if villager.allowed(name) or name in ("set_language", "login", "logout"):
            continue
        resp = client.get(url)
        if resp.status_code != 404:
            wrong.append(f"{name} {url} → {resp.status_code}")
    assert not wrong, "staff pages a villager can open:\n" + "\n".join(wrong)
    # the ones the issue named, by address
    for url in ("/audit/", "/centers/queue/", "/credit/reviews/", "/households/add/", "/residents/", "/dashboard/"):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_staff_still_open_staff_pages(client, personas):
    client.force_login(personas.village_secretary_a1)
    assert client.get("/residents/").status_code == 200
    assert client.get("/credit/reviews/").status_code == 200


@pytest.mark.django_db
def test_the_villager_menu_and_home_hold_only_their_own_pages(client, personas):
    user = personas.resident_a1
    items = [url for g in menu_for(user, user_roles(user)) for _label, url in g["items"]]
    assert items and "/residents/" not in items
    client.force_login(user)
    for url in items:
        assert client.get(url).status_code == 200, url
    home = client.get("/").content.decode()
    assert "甲村民" in home and "我要反映" in home and "我的职责" not in home
    for href in re.findall(r'class="card h-100 text-decoration-none villager-tile" href="([^"]+)"', home):
        assert client.get(href).status_code == 200, href


@pytest.mark.django_db
def test_a_villagers_lists_carry_no_staff_controls(client, personas):
    client.force_login(personas.resident_a1)
    page = client.get("/services/orders/mine/").content.decode()
    # the staff's queues are not offered (the state tabs of their own orders are)
    assert "/services/orders/dispatch/" not in page and "全部订单" not in page and "导出 Excel" not in page
    assert 'class="filter-details' not in page
    page = client.get("/grids/issues/").content.decode()
    assert "导出 Excel" not in page and 'class="filter-details' not in page


@pytest.mark.django_db
def test_no_link_on_a_villagers_pages_leads_to_a_page_they_do_not_have(client, personas):
    """Crawl from the home page two links deep: every portal link a villager is shown opens for them."""
    client.force_login(personas.resident_a1)
    seen, frontier, dead = set(), ["/"], []
    for _depth in range(3):
        following = []
        for url in frontier:
            if url in seen:
                continue
            seen.add(url)
            resp = client.get(url)
            if resp.status_code == 404:
                dead.append(url)
                continue
            if resp.status_code != 200 or "text/html" not in resp.get("Content-Type", ""):
                continue
            for href in re.findall(r'href="(/[^"#?]*)', resp.content.decode()):
                if not href.startswith(("/static/", "/api/", "/accounts/logout", "/i18n/", "/exports/")):
                    following.append(href)
        frontier = following
    assert len(seen) > 10
    assert not dead, dead
