"""Excel exports of the party-member register and training attendance: scoped, masked, filtered like the list."""
import io
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from centers.models import Attendance, Course, TrainingLevel, TrainingSession
from governance.tests.fixtures import make_resident, valid_id_number

from . import factories as f


def rows_of(response):
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    content = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def attend(region, resident, hours="3", title="基层党建专题"):
    course = Course.objects.create(title=title, level=TrainingLevel.NIGHT_SCHOOL, region=region)
    session = TrainingSession.objects.create(course=course, region=region, date=timezone.localdate(), hours=Decimal(hours))
    Attendance.objects.create(session=session, resident=resident, region=region, hours=Decimal(hours),
                              year=timezone.localdate().year)
    return session


def test_it_exports_a_townships_party_members_only_with_masked_numbers(tree, personas, web):
    number = valid_id_number()
    f.member(tree.A1g, resident=make_resident(tree.A1g, name="甲镇党员", id_number=number))
    f.member(tree.B1g, resident=make_resident(tree.B1g, name="乙街道党员"))
    rows = rows_of(web(personas.township_staff_a).get("/exports/party_members/"))
    assert rows[0][:4] == ["姓名", "身份证号", "手机号", "所在支部"]
    names = [r[0] for r in rows[1:]]
    assert "甲镇党员" in names and "乙街道党员" not in names
    flat = " ".join(str(c) for r in rows for c in r)
    assert number not in flat and number[:4] + "*" * 10 + number[-4:] in flat
    assert "138****8000" in flat and "13800138000" not in flat


def test_it_exports_the_members_the_list_filter_shows(tree, personas, web):
    f.member(tree.A1g, resident=make_resident(tree.A1g, name="在职党员"), in_service=True,
             work_unit="县农业农村局")
    f.member(tree.A2g, resident=make_resident(tree.A2g, name="农村党员"))
    client = web(personas.township_staff_a)
    rows = rows_of(client.get("/exports/party_members/", {"in_service": "true"}))
    assert [r[0] for r in rows[1:]] == ["在职党员"]
    rows = rows_of(client.get("/exports/party_members/", {"region": tree.A2.pk}))
    assert [r[0] for r in rows[1:]] == ["农村党员"]
    page = client.get(reverse("centers:member_list"), {"in_service": "true"}).content.decode()
    assert "/exports/party_members/?in_service=true" in page


def test_it_exports_training_attendance_of_a_township_or_one_session_masked(tree, personas, web):
    number = valid_id_number()
    a = attend(tree.A1, make_resident(tree.A1, name="甲学员", id_number=number), hours="2.5")
    attend(tree.A2, make_resident(tree.A2, name="甲二学员"), title="产业发展")
    attend(tree.B1, make_resident(tree.B1, name="乙学员"))
    client = web(personas.township_staff_a)
    rows = rows_of(client.get("/exports/training_attendance/"))
    assert rows[0][:3] == ["课程", "培训层级", "日期"]
    names = sorted(r[5] for r in rows[1:])
    assert names == ["甲二学员", "甲学员"]
    flat = " ".join(str(c) for r in rows for c in r)
    assert number not in flat and number[:4] + "*" * 10 + number[-4:] in flat and "农民夜校" in flat
    one = rows_of(client.get("/exports/training_attendance/", {"session": a.pk}))
    assert [(r[0], r[5], r[8]) for r in one[1:]] == [("基层党建专题", "甲学员", 2.5)]
    detail = client.get(reverse("centers:session_detail", args=[a.pk])).content.decode()
    assert f"/exports/training_attendance/?session={a.pk}" in detail
    assert "/exports/training_attendance/" in client.get(reverse("centers:session_list")).content.decode()


def test_it_keeps_another_townships_attendance_out_of_a_session_export(tree, personas, web):
    b = attend(tree.B1, make_resident(tree.B1, name="乙学员"))
    rows = rows_of(web(personas.township_staff_a).get("/exports/training_attendance/", {"session": b.pk}))
    assert rows[1:] == []
