"""Importing party members and training attendance from the portal's templates."""
import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from centers.imports import ATTENDANCE_COLUMNS, MEMBER_COLUMNS
from centers.models import Attendance, Course, PartyMember, TrainingLevel, TrainingSession
from governance.models import ImportJob, Resident
from governance.tests.fixtures import make_resident, valid_id_number

from .factories import village_branch


def xlsx(columns, rows):
    wb = Workbook()
    ws = wb.active
    ws.append([h for h, _k, _r in columns])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("导入.xlsx", buf.getvalue())


def upload_and_confirm(client, kind, columns, rows, **confirm):
    client.post(f"/imports/{kind}/", {"file": xlsx(columns, rows)})
    job = ImportJob.objects.filter(kind=kind).latest("pk")
    client.post(f"/imports/jobs/{job.pk}/confirm/", confirm)
    job.refresh_from_db()
    return job


def test_a_township_imports_party_members_of_its_village_branch(tree, personas, web):
    org = village_branch(tree.A1)
    number = valid_id_number()
    make_resident(tree.A1g, id_number=number, name="新党员")
    job = upload_and_confirm(web(personas.township_staff_a), "party-members", MEMBER_COLUMNS,
                             [[number, tree.A1.code, org.name, "预备", "2025-07-01", "是", "县供电公司"]])
    assert job.status == "done" and not job.errors
    member = PartyMember.objects.get(resident__name="新党员")
    assert member.membership == "probationary" and member.work_unit == "县供电公司"
    assert Resident.objects.get(name="新党员").is_party_member


def test_a_member_file_with_one_bad_row_writes_nothing_and_names_the_row(tree, personas, web):
    org = village_branch(tree.A1)
    good, unknown = valid_id_number(), valid_id_number()
    make_resident(tree.A1g, id_number=good, name="甲")
    job = upload_and_confirm(web(personas.township_staff_a), "party-members", MEMBER_COLUMNS, [
        [good, tree.A1.code, org.name, "正式", "2010-07-01", "否", ""],
        [unknown, tree.A1.code, org.name, "正式", "2030-07-01", "是", ""],
    ])
    assert job.status == "validated" and not PartyMember.objects.exists()
    problems = {(e["row"], e["column"]) for e in job.errors}
    assert (3, "身份证号") in problems and (3, "入党日期") in problems and (3, "工作单位") in problems


def test_another_townships_branch_is_out_of_scope(tree, personas, web):
    org = village_branch(tree.B1)
    number = valid_id_number()
    make_resident(tree.A1g, id_number=number)
    web(personas.township_staff_a).post("/imports/party-members/", {"file": xlsx(MEMBER_COLUMNS, [
        [number, tree.B1.code, org.name, "正式", "2010-07-01", "否", ""]])})
    assert "未找到党组织" in ImportJob.objects.get().errors[0]["message"]


def test_a_township_imports_attendance_for_its_session_once(tree, personas, web):
    course = Course.objects.create(title="乡村治理专题", level=TrainingLevel.NIGHT_SCHOOL, region=tree.A)
    session = TrainingSession.objects.create(course=course, region=tree.A, date=dt.date(2026, 3, 1), hours=Decimal("3"))
    a, b = valid_id_number(), valid_id_number()
    make_resident(tree.A1g, id_number=a)
    make_resident(tree.A2g, id_number=b)
    client = web(personas.township_staff_a)
    job = upload_and_confirm(client, "training-attendance", ATTENDANCE_COLUMNS, [[session.pk, a, ""], [session.pk, b, "2"]])
    assert job.status == "done" and Attendance.objects.filter(session=session).count() == 2
    assert Attendance.objects.get(resident__id_hash__isnull=False, hours=Decimal("2")).year == 2026
    again = upload_and_confirm(client, "training-attendance", ATTENDANCE_COLUMNS, [[session.pk, a, ""]])
    assert "已登记" in again.errors[0]["message"] and Attendance.objects.filter(session=session).count() == 2


def test_a_village_secretary_may_not_import_attendance(personas, web):
    assert web(personas.village_secretary_a1).get("/imports/training-attendance/").status_code == 403
