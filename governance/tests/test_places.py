"""Full place names: a bare "第1组" or "1号楼" does not say where to go; lists and exports say 乡镇 · 村 · 组."""
import io

from openpyxl import load_workbook

from governance.places import place_name, place_names

from .fixtures import make_resident


def test_place_names_go_from_the_township_down_in_one_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = place_names([tree.A1g, tree.B1b, tree.A1, tree.A])
    assert names[tree.A1g.pk] == "甲镇 · 甲一村 · 甲一村第1组"
    assert names[tree.B1b.pk] == "乙街道 · 乙一社区 · 乙一社区锦绣小区 · 1号楼"
    assert names[tree.A1.pk] == "甲镇 · 甲一村" and names[tree.A.pk] == "甲镇"
    assert place_name(None) == ""


def test_the_county_export_says_the_township_and_village_of_every_resident(tree, personas, web):
    make_resident(tree.A1g, name="甲的人")
    make_resident(tree.B1b, name="乙的人")
    resp = web(personas.county_admin).get("/exports/residents/")
    sheet = load_workbook(io.BytesIO(b"".join(resp.streaming_content)), read_only=True).worksheets[0]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    header = rows[0]
    t, v = header.index("乡镇（街道）"), header.index("村（社区）")
    by_name = {row[0]: row for row in rows[1:]}
    assert (by_name["甲的人"][t], by_name["甲的人"][v]) == ("甲镇", "甲一村")
    assert (by_name["乙的人"][t], by_name["乙的人"][v]) == ("乙街道", "乙一社区")
