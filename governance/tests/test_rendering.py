"""The list pages' fast paths render exactly what Django's slow paths did (found by the 500,000-resident
bench: the resident list was 5× its SQL, mostly template work)."""
import pytest
from django import forms
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from governance.api.serializers import ResidentSerializer
from governance.filtersets import FastSelect
from governance.links import object_url
from governance.models import Resident
from governance.navigation import menu_for
from governance.scoping import Role

from .fixtures import make_resident


@pytest.mark.parametrize("value", ["", "2", "x&y", None])
def test_fast_select_writes_the_markup_of_djangos_select(value):
    choices = [("", "全部"), (1, "甲镇"), (2, "\u3000甲一村 <b>"), ("x&y", "A & B")]
    attrs = {"class": "form-select", "id": "id_region"}
    fast = FastSelect(choices=choices).render("region", value, attrs=attrs)
    slow = forms.Select(choices=choices).render("region", value, attrs=attrs)
    assert "".join(fast.split()) == "".join(slow.split())
    assert "&lt;b&gt;" in fast and "<b>" not in fast
    chosen = "" if value is None else value
    assert fast.count(" selected") == 1 and f'value="{chosen.replace("&", "&amp;")}" selected' in fast


def test_the_region_filter_reads_its_regions_once_per_page(tree, personas, web):
    """Rendering iterates a Select's choices twice (the `required` check, then the options)."""
    client = web(personas.township_staff_a)
    client.get("/residents/")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/residents/").content.decode()
    region_reads = [q for q in ctx.captured_queries if q["sql"].startswith('SELECT "governance_region"."id" AS "pk"')]
    assert len(region_reads) == 1, [q["sql"][:120] for q in region_reads]
    assert "甲一村" in page and "乙一社区" not in page  # the drop-down holds the township's own villages


def test_the_menu_is_built_once_per_roles_and_language_and_follows_both(personas):
    head_zh = menu_for(personas.township_head_a, {Role.TOWNSHIP_HEAD})
    assert menu_for(personas.township_head_a, {Role.TOWNSHIP_HEAD}) is head_zh  # built once
    resident_zh = menu_for(personas.resident_a1, {Role.RESIDENT})
    assert len(sum((g["items"] for g in resident_zh), [])) < len(sum((g["items"] for g in head_zh), []))
    with translation.override("en"):
        head_en = menu_for(personas.township_head_a, {Role.TOWNSHIP_HEAD})
    assert head_en is not head_zh
    assert [len(g["items"]) for g in head_en] == [len(g["items"]) for g in head_zh]
    assert [u for g in head_en for _l, u in g["items"]] == [u for g in head_zh for _l, u in g["items"]]
    assert {g["group"] for g in head_en}.isdisjoint({g["group"] for g in head_zh})  # translated labels


def test_the_choice_filter_and_object_urls_equal_djangos(tree):
    r = make_resident(tree.A1g, status=Resident.Status.AWAY, away_location="苏州")
    tpl = engines["django"].from_string('{% load portal %}{{ r|choice:"gender" }}|{{ r|choice:"status" }}')
    assert tpl.render({"r": r}) == f"{r.get_gender_display()}|{r.get_status_display()}"
    with translation.override("en"):
        assert tpl.render({"r": r}) == f"{r.get_gender_display()}|{r.get_status_display()}"
    assert r.get_absolute_url() == object_url("resident_detail", r.pk) == reverse("resident_detail", args=[r.pk])


def test_the_resident_list_costs_eight_queries(tree, personas, web):
    """Session, user, roles, the count (bounded: it reads at most 20,001 rows, and replaces the planner's
    estimate, which counted beyond the viewer's scope), unread notifications, the region drop-down (once),
    the page, the names of the rows' townships and villages (乡镇 · 村 · 组). The same 8 at 500,000 rows."""
    for _ in range(3):
        make_resident(tree.A1g)
    client = web(personas.township_staff_a)
    client.get("/residents/")
    with CaptureQueriesContext(connection) as ctx:
        resp = client.get("/residents/")
    assert resp.status_code == 200
    assert len(ctx.captured_queries) == 8, "\n".join(q["sql"][:100] for q in ctx.captured_queries)
    assert "<td>甲镇 · 甲一村 · 甲一村第1组</td>" in resp.content.decode()


def test_serializer_instances_never_share_their_fields(tree):
    """The fields are built once per class and copied per instance: binding one never touches another."""
    a, b = ResidentSerializer(), ResidentSerializer()
    assert a.fields.keys() == b.fields.keys()
    assert all(a.fields[name] is not b.fields[name] and a.fields[name].parent is a for name in a.fields)
    r = make_resident(tree.A1g)
    assert ResidentSerializer(r).data["id_number"] == r.id_masked


def test_the_resident_rows_show_masked_numbers_and_escape_names(tree, personas, web):
    from .fixtures import valid_id_number

    number = valid_id_number()
    make_resident(tree.A1g, name="<script>x</script>", id_number=number, status=Resident.Status.AWAY,
                  away_location="苏州", is_party_member=True)
    page = web(personas.village_secretary_a1).get("/residents/").content.decode()
    row = next(line for line in page.splitlines() if "&lt;script&gt;x&lt;/script&gt;" in line)
    r = Resident.objects.get(name="<script>x</script>")
    assert "<script>x</script>" not in page
    assert f'href="/residents/{r.pk}/"' in row and r.id_masked in row and "138****8000" in row
    assert "外出（苏州）" in row and 'title="党员"' in row and f"<td>{r.age}</td>" in row and r.birth_date.isoformat() not in row
    assert number not in page and "13800138000" not in page


def test_hidden_filters_carry_their_value_without_a_label(tree, personas, web):
    """`?household=` narrows the resident list from a household's page: kept in the form, not shown."""
    r = make_resident(tree.A1g)
    page = web(personas.village_secretary_a1).get("/residents/", {"household": r.household_id}).content.decode()
    assert f'type="hidden" name="household" value="{r.household_id}"' in page
    assert 'for="id_household"' not in page
