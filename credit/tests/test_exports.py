"""The credit grades export holds exactly what the grade list shows the user, with masked ID numbers."""
import io

from django.utils import timezone
from openpyxl import load_workbook

from credit.models import ResidentCredit
from governance.tests.fixtures import make_resident, valid_id_number

from .factories import v1


def graded(region, grade, name, **kw):
    resident = make_resident(region, name=name, **kw)
    ResidentCredit.objects.create(resident=resident, total=82, grade=grade, standard=v1(), computed_at=timezone.now(),
                                  effective_grade=grade, effective_standard=v1(), effective_since=timezone.localdate(),
                                  score_law=15)
    return resident


def rows_of(response):
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_it_exports_a_township_only_its_own_residents_grades_with_masked_id_numbers(tree, personas, web):
    number = valid_id_number()
    graded(tree.A1g, "AA", "甲镇守信户", id_number=number)
    graded(tree.B1b, "C", "乙街道居民")
    rows = rows_of(web(personas.township_staff_a).get("/exports/credit_grades/"))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["姓名", "身份证号", "所属区域", "统计代码", "生效等级"] and "遵纪守法" in header
    assert [r[0] for r in body] == ["甲镇守信户"]
    row = dict(zip(header, body[0]))
    assert row["生效等级"] == "AA（诚信）" and row["总分"] == 82 and row["遵纪守法"] == 15
    assert row["所属区域"] == "甲一村第1组" and row["生效等级所用标准版本"] == 1
    flat = " ".join(str(c) for r in rows for c in r)
    assert number not in flat and row["身份证号"] == number[:4] + "*" * 10 + number[-4:]
    assert "13800138000" not in flat


def test_it_exports_what_the_grade_list_shows_under_the_same_filters(tree, personas, web):
    graded(tree.A1g, "C", "失信甲")
    graded(tree.A2g, "C", "失信乙")
    graded(tree.A2g, "AAA", "模范丙")
    client = web(personas.county_admin)
    params = {"effective_grade": "C", "region": tree.A2.pk}
    listed = client.get("/credit/grades/", params)
    assert [c.resident.name for c in listed.context["object_list"]] == ["失信乙"]
    page = listed.content.decode()
    assert "/exports/credit_grades/?" in page and "effective_grade=C" in page  # the button carries the filters
    assert [r[0] for r in rows_of(client.get("/exports/credit_grades/", params))[1:]] == ["失信乙"]


def test_it_does_not_give_a_villager_the_grades_export(tree, personas, web):
    graded(tree.A1g, "A", "甲某")
    resp = web(personas.resident_a1).get("/exports/credit_grades/")
    names = [r[0] for r in rows_of(resp)[1:]] if resp.status_code == 200 else []
    assert "甲某" not in names
