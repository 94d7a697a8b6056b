"""困难群体名册: kept by the village and township with review dates, scoped and masked like residents; a 微心愿
posted for a resident in it carries the group, and the dashboard counts the wishes met per group."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from governance.errors import Conflict
from governance.tests.fixtures import make_resident, valid_id_number
from services import actions
from services.models import HardshipRecord, MicroWish

TODAY = timezone.localdate()
ELDER_ID = valid_id_number()


@pytest.fixture
def elder(tree):
    return make_resident(tree.A1g, name="留守老人甲", id_number=ELDER_ID)


def test_the_village_registers_reviews_and_ends_a_record(elder, personas, web):
    c = web(personas.village_secretary_a1)
    resp = c.post(reverse("services:hardship_add"), {"resident": elder.pk, "group": "left_elder",
                                                     "since": "2025-06-01", "note": "子女在外务工，独居"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    record = HardshipRecord.objects.get(resident=elder)
    assert record.review_due == dt.date(2026, 6, 1) and record.recorded_by == personas.village_secretary_a1
    # Once per group at a time.
    with pytest.raises(Conflict):
        actions.hardship_register(actor=personas.village_secretary_a1, resident=elder, group="left_elder",
                                  since=dt.date(2025, 7, 1))
    # The register lists it as due for review, with the ID number masked.
    page = c.get(reverse("services:hardship_list") + "?state=due").content.decode()
    assert "留守老人甲" in page and ELDER_ID not in page and "应复核" in page
    # Review: the next date must be in the future.
    assert c.post(reverse("services:hardship_review", args=[record.pk]),
                  {"review_due": TODAY.isoformat()}).status_code == 200
    assert c.post(reverse("services:hardship_review", args=[record.pk]),
                  {"review_due": (TODAY + dt.timedelta(days=365)).isoformat()}).status_code == 302
    record.refresh_from_db()
    assert record.review_due == TODAY + dt.timedelta(days=365) and record.reviewed_at
    assert "留守老人甲" not in c.get(reverse("services:hardship_list") + "?state=due").content.decode()
    # End: with a reason; the record stays, out of the working list, and can be registered again later.
    assert c.post(reverse("services:hardship_end", args=[record.pk]), {"reason": "子女返乡照料"}).status_code == 302
    record.refresh_from_db()
    assert record.ended_at and record.end_reason == "子女返乡照料"
    assert "留守老人甲" not in c.get(reverse("services:hardship_list")).content.decode()
    assert "留守老人甲" in c.get(reverse("services:hardship_list") + "?state=ended").content.decode()
    actions.hardship_register(actor=personas.village_secretary_a1, resident=elder, group="left_elder", since=TODAY)


def test_bad_input_writes_nothing(elder, personas):
    for kwargs, field in [(dict(group="rich", since=TODAY), "group"),
                          (dict(group="dibao", since=TODAY + dt.timedelta(days=1)), "since"),
                          (dict(group="dibao", since=TODAY, review_due=TODAY - dt.timedelta(days=1)), "review_due")]:
        with pytest.raises(ValidationError) as exc:
            actions.hardship_register(actor=personas.village_secretary_a1, resident=elder, **kwargs)
        assert field in exc.value.message_dict
    assert not HardshipRecord.objects.exists()


def test_who_may_see_the_register(elder, personas, web):
    record = actions.hardship_register(actor=personas.village_secretary_a1, resident=elder, group="dibao",
                                       since=dt.date(2025, 1, 1))
    url = record.get_absolute_url()
    assert web(personas.township_staff_a).get(url).status_code == 200
    # Another township, a grid member, a unit's staff and a villager: not found.
    for who in (personas.township_staff_b, personas.grid_leader_a1, personas.unit_staff_a, personas.resident_a1):
        assert web(who).get(url).status_code == 404, who
        assert "留守老人甲" not in web(who).get(reverse("services:micro_wish_list")).content.decode()
    with pytest.raises(Exception):
        actions.hardship_register(actor=personas.grid_leader_a1, resident=make_resident(elder.region), group="dibao",
                                  since=TODAY)


def test_a_wish_carries_the_group_and_the_dashboard_counts_wishes_met(elder, tree, personas, web):
    actions.hardship_register(actor=personas.village_secretary_a1, resident=elder, group="left_elder",
                              since=dt.date(2025, 1, 1))
    wish = actions.micro_wish_post(actor=personas.village_secretary_a1, resident=elder, title="一台收音机")
    other = actions.micro_wish_post(actor=personas.village_secretary_a1, resident=make_resident(tree.A1g),
                                    title="一套课本")
    assert wish.group == "left_elder" and other.group == ""
    MicroWish.objects.filter(pk=wish.pk).update(status=MicroWish.Status.CONFIRMED)
    page = web(personas.village_secretary_a1).get(reverse("services:micro_wish_list") + "?group=left_elder")
    assert "一台收音机" in page.content.decode() and "一套课本" not in page.content.decode()

    from governance import dashboard as d
    from services.dashboard import hardship

    from governance.models import Region

    ctx = d.Context(user=personas.county_admin, root=tree.C, children=[], child_len=Region.PATH_LENGTH[2],
                    since=dt.date(2025, 1, 1), until=TODAY)
    rows = hardship(ctx)
    total = {k: sum(r.get(k, 0) or 0 for r in rows.values()) for k in ("in_register", "wishes_left_elder", "wishes_dibao")}
    assert total == {"in_register": 1, "wishes_left_elder": 1, "wishes_dibao": 0}


def test_the_register_list_costs_the_same_for_many(tree, personas, web, django_assert_max_num_queries):
    for i in range(15):
        actions.hardship_register(actor=personas.village_secretary_a1, resident=make_resident(tree.A1g),
                                  group=["dibao", "tekun", "disabled"][i % 3], since=dt.date(2025, 1, 1))
    c = web(personas.village_secretary_a1)
    c.get(reverse("services:hardship_list"))
    with django_assert_max_num_queries(14):
        page = c.get(reverse("services:hardship_list")).content.decode()
    assert page.count('class="masked"') == 15
