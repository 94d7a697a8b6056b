"""驻村干部: stationing (the county or the village's township), no overlapping terms of one person in a village,
ending a term (kept as history), logging the work of a day inside the term; who sees what (out of scope = 404);
the list's pinned query count, the API and the dashboard figures."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from departments import actions
from departments.dashboard import stationed_compute
from departments.models import StationedCadre, StationedVisit
from governance import dashboard as d
from governance.errors import Conflict
from governance.models import AuditEntry, Region
from governance.scoping import Role
from governance.tests.fixtures import make_user

from .factories import department

TODAY = timezone.localdate()


def days(n):
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def transport(personas):
    return department("transport", "县交通运输局", staff=[personas.department_staff_a])


def station(actor, village, transport, user=None, **kw):
    kw.setdefault("start_date", days(60))
    return actions.stationed_cadre_station(actor=actor, village=village, user=user, department=transport,
                                           post=kw.pop("post", StationedCadre.Post.FIRST_SECRETARY),
                                           tasks=kw.pop("tasks", "建强村党组织，修好进村路"), **kw)


def test_the_county_stations_a_first_secretary_and_the_same_person_twice_is_refused(tree, personas, transport):
    cadre = station(personas.county_admin, tree.A1, transport, user=personas.department_staff_a)
    assert (cadre.state, cadre.village, cadre.department, cadre.name) == ("active", tree.A1, transport,
                                                                           "department_staff_a")
    assert AuditEntry.objects.filter(action="stationed_cadre.station", object_id=str(cadre.pk)).exists()
    with pytest.raises(ValidationError) as err:
        station(personas.township_head_a, tree.A1, transport, user=personas.department_staff_a, start_date=days(5))
    assert "已有在岗的驻村任期" in str(err.value.message_dict["start_date"])
    # the same person in another village is another term; a person without an account is told apart by name
    station(personas.county_admin, tree.A2, transport, user=personas.department_staff_a)
    station(personas.county_admin, tree.A1, None, name="孙丽", unit_name="甲镇机关", post="team_member")
    with pytest.raises(ValidationError):
        station(personas.county_admin, tree.A1, None, name="孙丽", unit_name="甲镇机关", post="team_member")
    assert StationedCadre.objects.count() == 3


def test_a_township_stations_only_in_its_own_villages_and_bad_input_writes_nothing(tree, personas, transport):
    with pytest.raises(PermissionDenied):
        station(personas.township_head_b, tree.A1, transport, name="王五")
    with pytest.raises(PermissionDenied):
        station(personas.village_secretary_a1, tree.A1, transport, name="王五")
    with pytest.raises(ValidationError) as err:
        station(personas.township_head_a, tree.A1, None, tasks=" ", end_date=days(90))
    assert set(err.value.message_dict) == {"name", "unit_name", "tasks", "end_date"}
    with pytest.raises(ValidationError) as err:  # a villager's account is no cadre
        station(personas.township_head_a, tree.A1, transport, user=personas.resident_a1)
    assert "user" in err.value.message_dict
    with pytest.raises(ValidationError):  # a group is not a village
        station(personas.township_head_a, tree.A1g, transport, name="王五")
    assert not StationedCadre.objects.exists()
    assert station(personas.township_head_a, tree.A1, None, name="王五", unit_name="甲镇机关").village == tree.A1


def test_ending_a_term_keeps_it_as_history_once_and_a_new_term_may_follow(tree, personas, transport):
    cadre = station(personas.county_admin, tree.A1, transport, user=personas.department_staff_a, start_date=days(400))
    with pytest.raises(PermissionDenied):  # the village sees the term, it does not end it
        actions.stationed_cadre_end(actor=personas.village_secretary_a1, cadre_id=cadre.pk, reason="x")
    with pytest.raises(Http404):  # another township does not even see it
        actions.stationed_cadre_end(actor=personas.township_head_b, cadre_id=cadre.pk, reason="x")
    with pytest.raises(ValidationError):
        actions.stationed_cadre_end(actor=personas.township_head_a, cadre_id=cadre.pk, reason=" ")
    with pytest.raises(ValidationError):
        actions.stationed_cadre_end(actor=personas.township_head_a, cadre_id=cadre.pk, reason="调动",
                                    end_date=TODAY + dt.timedelta(days=1))
    ended = actions.stationed_cadre_end(actor=personas.township_head_a, cadre_id=cadre.pk, reason="任期届满",
                                        end_date=days(10))
    cadre.refresh_from_db()
    assert (cadre.state, cadre.end_date, cadre.end_reason, cadre.ended_by) == ("ended", days(10), "任期届满",
                                                                              personas.township_head_a)
    assert ended.pk == cadre.pk
    entry = AuditEntry.objects.get(action="stationed_cadre.end", object_id=str(cadre.pk))
    assert (entry.from_state, entry.to_state, entry.reason) == ("active", "ended", "任期届满")
    with pytest.raises(Conflict):  # pressed twice
        actions.stationed_cadre_end(actor=personas.county_admin, cadre_id=cadre.pk, reason="再次")
    # a new term overlapping the one served is refused; one after it is fine
    with pytest.raises(ValidationError) as err:
        station(personas.county_admin, tree.A1, transport, user=personas.department_staff_a, start_date=days(20))
    assert "历史任期" in str(err.value.message_dict["start_date"])
    again = station(personas.county_admin, tree.A1, transport, user=personas.department_staff_a, start_date=days(5))
    assert StationedCadre.objects.filter(village=tree.A1, state="active").get() == again


def test_visits_are_logged_by_the_cadre_or_the_township_inside_the_term_never_in_the_future(tree, personas, transport):
    cadre = station(personas.county_admin, tree.A1, transport, user=personas.department_staff_a, start_date=days(30))
    log = actions.stationed_visit_log
    visit = log(actor=personas.department_staff_a, cadre_id=cadre.pk, date=days(1), work="走访脱贫户", households_visited=8)
    assert (visit.cadre, visit.logged_by, visit.households_visited) == (cadre, personas.department_staff_a, 8)
    log(actor=personas.township_staff_a, cadre_id=cadre.pk, date=days(2), work="村两委会议")
    for bad_day in (TODAY + dt.timedelta(days=1), days(31)):
        with pytest.raises(ValidationError) as err:
            log(actor=personas.department_staff_a, cadre_id=cadre.pk, date=bad_day, work="走访")
        assert "date" in err.value.message_dict
    with pytest.raises(ValidationError):
        log(actor=personas.department_staff_a, cadre_id=cadre.pk, date=days(1), work="走访", households_visited=5000)
    with pytest.raises(PermissionDenied):  # the village secretary reads the log, the cadre writes it
        log(actor=personas.village_secretary_a1, cadre_id=cadre.pk, date=days(1), work="走访")
    with pytest.raises(Http404):
        log(actor=personas.department_staff_b, cadre_id=cadre.pk, date=days(1), work="走访")
    with pytest.raises(ValidationError):  # the term cannot end before work already logged
        actions.stationed_cadre_end(actor=personas.county_admin, cadre_id=cadre.pk, reason="调动", end_date=days(3))
    actions.stationed_cadre_end(actor=personas.county_admin, cadre_id=cadre.pk, reason="调动")
    with pytest.raises(Conflict):  # an ended term takes no more work
        log(actor=personas.department_staff_a, cadre_id=cadre.pk, date=days(1), work="走访")
    assert StationedVisit.objects.filter(cadre=cadre).count() == 2


def test_who_sees_the_stationed_cadres(tree, personas, transport, web):
    mine = station(personas.county_admin, tree.A1, transport, user=personas.department_staff_a)
    other = station(personas.county_admin, tree.B1, None, name="赵六", unit_name="乙镇机关")
    actions.stationed_visit_log(actor=personas.department_staff_a, cadre_id=mine.pk, date=days(1), work="走访脱贫户")
    url = mine.get_absolute_url()
    for user in (personas.village_secretary_a1, personas.township_head_a, personas.county_admin,
                 personas.department_staff_a):
        page = web(user).get(url)
        assert page.status_code == 200 and "走访脱贫户" in page.content.decode(), user
    for user in (personas.township_head_b, personas.village_secretary_b1, make_user("village_secretary_a2", Role.VILLAGE_SECRETARY, tree.A2),
                 personas.department_staff_b, personas.grid_leader_a1):
        assert web(user).get(url).status_code == 404, user
        assert web(user).post(reverse("departments:stationed_end", args=[mine.pk]), {"reason": "x"}).status_code == 404
        assert web(user).post(reverse("departments:stationed_visit", args=[mine.pk]),
                              {"date": days(1), "work": "x", "households_visited": 1}).status_code == 404
    listing = web(personas.village_secretary_a1).get(reverse("departments:stationed_list")).content.decode()
    assert mine.name in listing and "赵六" not in listing
    assert web(personas.township_head_b).get(other.get_absolute_url()).status_code == 200
    # the detail offers the cadre the visit form, not the end of the term; the township both
    cadre_page = web(personas.department_staff_a).get(url).content.decode()
    assert "记录驻村工作" in cadre_page and "结束任期" not in cadre_page
    assert "结束任期" in web(personas.township_head_a).get(url).content.decode()


def test_the_three_forms_perform_their_actions(tree, personas, transport, web):
    client = web(personas.township_head_a)
    assert client.get(reverse("departments:stationed_add")).status_code == 200
    resp = client.post(reverse("departments:stationed_add"), {
        "village": tree.A1.pk, "user": personas.department_staff_a.pk, "department": transport.pk,
        "post": "first_secretary", "tasks": "修好进村路", "start_date": days(30).isoformat()}, follow=True)
    assert "已选派驻村干部" in resp.content.decode()
    cadre = StationedCadre.objects.get()
    resp = client.post(reverse("departments:stationed_add"), {
        "village": tree.A1.pk, "user": personas.department_staff_a.pk, "department": transport.pk,
        "post": "first_secretary", "tasks": "再派一次", "start_date": days(3).isoformat()})
    assert resp.status_code == 200 and "已有在岗的驻村任期" in resp.content.decode()
    resp = web(personas.department_staff_a).post(reverse("departments:stationed_visit", args=[cadre.pk]), {
        "date": (TODAY + dt.timedelta(days=2)).isoformat(), "work": "走访", "households_visited": 3})
    assert resp.status_code == 200 and "不能记录今天以后的驻村工作" in resp.content.decode()
    resp = web(personas.department_staff_a).post(reverse("departments:stationed_visit", args=[cadre.pk]), {
        "date": days(1).isoformat(), "work": "走访", "households_visited": 3}, follow=True)
    assert "已记录驻村工作" in resp.content.decode()
    resp = client.post(reverse("departments:stationed_end", args=[cadre.pk]), {"reason": "任期届满"}, follow=True)
    assert "驻村任期已结束" in resp.content.decode()
    cadre.refresh_from_db()
    assert cadre.state == "ended" and cadre.visits.count() == 1
    ended = web(personas.township_head_a).get(reverse("departments:stationed_list"), {"state": "ended"})
    assert list(ended.context["object_list"]) == [cadre]
    assert list(web(personas.township_head_a).get(reverse("departments:stationed_list"),
                                                  {"state": "active"}).context["object_list"]) == []


def _fill(tree, personas, n):
    for i in range(n):
        cadre = StationedCadre.objects.create(name=f"干部{i}", village=[tree.A1, tree.A2, tree.B1][i % 3],
                                              unit_name="乡镇机关", tasks="驻村", start_date=days(100 + i),
                                              stationed_by=personas.county_admin)
        StationedVisit.objects.bulk_create([StationedVisit(cadre=cadre, date=days(j + 1), work="走访",
                                                           logged_by=personas.county_admin) for j in range(3)])


def test_the_list_costs_the_same_at_3_or_12_cadres(tree, personas, web, django_assert_max_num_queries):
    client = web(personas.county_admin)
    _fill(tree, personas, 3)
    client.get(reverse("departments:stationed_list"))
    with django_assert_max_num_queries(9):
        small = client.get(reverse("departments:stationed_list"))
    _fill(tree, personas, 9)
    with django_assert_max_num_queries(9):
        big = client.get(reverse("departments:stationed_list"))
    assert len(small.context["object_list"]) == 3 and len(big.context["object_list"]) == 12
    assert big.context["object_list"][0].visit_count == 3


def test_the_api_stations_ends_and_logs_through_its_verbs(tree, personas, transport, api):
    client = api(personas.township_head_a)
    resp = client.post("/api/v1/departments/stationed-cadres/", {
        "village": tree.A1.pk, "user": personas.department_staff_a.pk, "department": transport.pk,
        "post": "first_secretary", "tasks": "修路", "start_date": days(30).isoformat()}, format="json")
    assert resp.status_code == 201, resp.content
    pk = resp.json()["id"]
    assert resp.json()["sending_unit"] == "县交通运输局"
    resp = client.post("/api/v1/departments/stationed-cadres/", {
        "village": tree.B1.pk, "name": "王五", "unit_name": "甲镇机关", "post": "team_member", "tasks": "x",
        "start_date": days(3).isoformat()}, format="json")
    assert resp.status_code == 400 and "village" in resp.json()
    resp = api(personas.department_staff_a).post(f"/api/v1/departments/stationed-cadres/{pk}/visit/", {
        "date": days(1).isoformat(), "work": "走访", "households_visited": 4}, format="json")
    assert resp.status_code == 201 and resp.json()["households_visited"] == 4
    assert api(personas.township_head_b).post(f"/api/v1/departments/stationed-cadres/{pk}/end/", {"reason": "x"},
                                              format="json").status_code == 404
    resp = client.post(f"/api/v1/departments/stationed-cadres/{pk}/end/", {"reason": "调动"}, format="json")
    assert resp.status_code == 200 and resp.json()["state"] == "ended" and resp.json()["visit_count"] == 1
    rows = api(personas.village_secretary_a1).get("/api/v1/departments/stationed-visits/").json()
    assert [r["work"] for r in rows.get("results", rows)] == ["走访"]


def test_the_dashboard_counts_current_cadres_and_this_months_visits_per_township(tree, personas):
    current = StationedCadre.objects.create(name="甲", village=tree.A1, unit_name="甲镇机关", tasks="驻村",
                                            start_date=days(100), stationed_by=personas.county_admin)
    StationedCadre.objects.create(name="乙", village=tree.A2, unit_name="甲镇机关", tasks="驻村", start_date=days(300),
                                  end_date=days(50), state="ended", end_reason="届满", stationed_by=personas.county_admin)
    StationedCadre.objects.create(name="丙", village=tree.B1, unit_name="乙镇机关", tasks="驻村", start_date=days(10),
                                  stationed_by=personas.county_admin)
    month_start = TODAY.replace(day=1)
    StationedVisit.objects.create(cadre=current, date=month_start, work="走访", logged_by=personas.county_admin)
    StationedVisit.objects.create(cadre=current, date=month_start - dt.timedelta(days=1), work="走访",
                                  logged_by=personas.county_admin)
    ctx = d.Context(user=personas.county_admin, root=tree.C, children=[], child_len=Region.PATH_LENGTH[2],
                    since=None, until=None)
    rows = stationed_compute(ctx)
    assert rows[tree.A.path] == {"stationed_current": 1, "stationed_visits_month": 1}
    assert rows[tree.B.path] == {"stationed_current": 1}
