from credit import actions as credit_actions
from credit.tests.factories import make_review
from governance.tests.fixtures import make_resident
from outreach import actions
from outreach.models import Notice


def test_the_sender_sees_each_delivery_and_its_state_an_outsider_gets_404(tree, personas, web, settings):
    settings.SMS_GATEWAY_URL, settings.SMS_RATE_PER_SECOND = "", 0
    resident = make_resident(tree.A1g, phone="", name="无号村民")
    review = make_review(resident, status="opinion")
    credit_actions.reviews_approve(actor=personas.village_secretary_a1, review_ids=[review.pk])
    actions.deliveries_run()
    notice = Notice.objects.get()
    page = web(personas.village_secretary_a1).get(f"/outreach/notices/{notice.pk}/").content.decode()
    assert "无号村民" in page and "无法投递" in page and "未登记手机号" in page
    assert "通知发送情况" in web(personas.village_secretary_a1).get("/outreach/").content.decode()
    assert web(personas.village_secretary_b1).get(f"/outreach/notices/{notice.pk}/").status_code == 404
    assert web(personas.resident_a1).get(f"/outreach/notices/{notice.pk}/").status_code == 404


def test_the_local_outbox_is_for_the_county_admin(tree, personas, web, settings):
    settings.SMS_GATEWAY_URL, settings.SMS_RATE_PER_SECOND = "", 0
    resident = make_resident(tree.A1g, phone="13900000010")
    review = make_review(resident, status="opinion")
    credit_actions.reviews_approve(actor=personas.village_secretary_a1, review_ids=[review.pk])
    actions.deliveries_run()
    assert "139****0010" in web(personas.county_admin).get("/outreach/local-outbox/").content.decode()
    assert "139****0010" not in web(personas.village_secretary_a1).get("/outreach/local-outbox/").content.decode()
