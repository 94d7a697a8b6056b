"""The one picker (issue #16): short choices stay a drop-down with 请选择; long ones become a typed search
(and a walk down the region tree) that answers only from the form's own restricted choices, for its user."""
import json
import re

import pytest

from governance.models import Household, Region

from .fixtures import make_resident


def _picker_url(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}"[^>]*>', html).group(0)
    return re.search(r'data-picker="([^"]+)"', select).group(1)


@pytest.fixture
def long_lists(settings):
    settings.PICKER_THRESHOLD = 1  # the test tree is small: every list of two or more is "long"


def test_short_choices_are_a_drop_down_with_a_chinese_empty_choice(client, personas):
    client.force_login(personas.village_secretary_a1)
    html = client.get("/households/add/").content.decode()
    select = re.search(r'<select name="region"[^>]*>.*?</select>', html, re.S).group(0)
    assert "data-picker" not in select
    assert "请选择" in select and "---------" not in html
    assert "甲一村第1组" in select


@pytest.mark.django_db
def test_long_choices_become_a_search_that_answers_from_the_users_scope_only(client, tree, personas, long_lists):
    client.force_login(personas.township_head_a)
    html = client.get("/households/add/").content.decode()
    select = re.search(r'<select name="region"[^>]*>.*?</select>', html, re.S).group(0)
    assert "甲一村第1组" not in select  # only the chosen option (none yet) is in the page
    url = _picker_url(html, "region")
    found = json.loads(client.get(url, {"q": "第1组"}).content)["items"]
    labels = [i["label"] for i in found]
    assert "甲镇 · 甲一村 · 甲一村第1组" in labels and "甲镇 · 甲二村 · 甲二村第1组" in labels
    assert not any("乙" in label for label in labels)  # another township's groups are not offered
    # words for the places above narrow the search: "甲二 第1组"
    labels = [i["label"] for i in json.loads(client.get(url, {"q": "甲二 第1组"}).content)["items"]]
    assert labels == ["甲镇 · 甲二村 · 甲二村第1组"]
    # the tree walk: the township's villages lead to their groups
    top = json.loads(client.get(url).content)
    assert {i["label"] for i in top["items"]} >= {"甲一村", "甲二村"}
    village = next(i for i in top["items"] if i["label"] == "甲一村")
    assert village["more"]
    below = json.loads(client.get(url, {"parent": village["id"]}).content)
    assert [i["label"] for i in below["items"]] == ["甲一村第1组"] and below["items"][0]["selectable"]
    assert [c["name"] for c in below["crumbs"]][-1] == "甲一村"
    # a region outside the scope cannot be walked into
    assert client.get(url, {"parent": tree.B1.pk}).status_code == 404


@pytest.mark.django_db
def test_a_token_answers_only_the_user_it_was_made_for_and_only_as_signed(client, tree, personas, long_lists):
    client.force_login(personas.township_head_a)
    url = _picker_url(client.get("/households/add/").content.decode(), "region")
    client.force_login(personas.township_head_b)
    assert client.get(url).status_code == 404  # another user's token
    client.force_login(personas.township_head_a)
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert client.get(url.replace(token, token[:-3] + "abc")).status_code == 404  # tampered
    client.logout()
    assert client.get(url).status_code in (302, 404)


@pytest.mark.django_db
def test_the_search_never_matches_an_id_number(client, tree, personas, long_lists):
    """A person picker searches names and codes: typing digits of an ID number finds nobody."""
    from governance.pickers import _search_q
    from governance.models import Resident

    r = make_resident(tree.A1g, name="王小二")
    digits = r.id_masked[:6]
    assert not Resident.objects.filter(pk=r.pk).filter(_search_q(Resident, digits)).exists()
    assert Resident.objects.filter(pk=r.pk).filter(_search_q(Resident, "小二")).exists()


@pytest.mark.browser
def test_a_long_region_choice_is_made_by_walking_the_tree_or_typing(page, tree, personas, settings):
    settings.PICKER_THRESHOLD = 1
    page.login("township_head_a")
    page.goto("/households/add/")
    box = page.locator("input[role=combobox]#id_region")
    box.click()
    page.locator(".picker-list li", has_text="甲二村").locator(".bi-chevron-right").click()
    page.locator(".picker-list li", has_text="甲二村第1组").click()
    assert box.input_value() == "甲镇 · 甲二村 · 甲二村第1组"
    page.fill("#id_number", "P-001")
    page.fill("#id_address", "甲二村1号")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert Household.objects.get(number="P-001").region == tree.A2g
    # by keyboard: type, arrow, enter
    page.goto("/households/add/")
    box = page.locator("input[role=combobox]#id_region")
    box.fill("甲一村第")
    page.wait_for_selector(".picker-list li[role=option]:has-text('甲镇 · 甲一村 · 甲一村第1组')")
    box.press("ArrowDown")
    box.press("ArrowUp")
    box.press("Enter")
    assert box.input_value() == "甲镇 · 甲一村 · 甲一村第1组"
    assert page.locator("select[name=region]").input_value() == str(tree.A1g.pk)
    assert not page.console_errors, page.console_errors
