import os
import subprocess
import time

import pytest

from governance.tests.fixtures import _database_url, make_resident
from outreach.models import Delivery
from outreach.tasks import deliver_due


@pytest.fixture
def short_lease(monkeypatch, settings):
    # read by the worker processes started after this fixture
    monkeypatch.setenv("OUTREACH_BATCH", "5")
    monkeypatch.setenv("OUTREACH_LEASE_SECONDS", "2")


@pytest.mark.worker
def test_a_grade_on_notice_reaches_each_resident_once_even_when_the_worker_is_killed_mid_batch(
        short_lease, sms_gateway, celery_worker_process, tree, personas):
    from django.db import connection

    from credit import actions as credit_actions
    from credit.defaults import ensure_defaults
    from credit.tests.factories import make_review

    ensure_defaults()
    residents = [make_resident(tree.A1g, phone=f"1390000{i:04d}") for i in range(20)]
    reviews = [make_review(r, status="opinion") for r in residents]
    credit_actions.reviews_approve(actor=personas.village_secretary_a1, review_ids=[r.pk for r in reviews])
    sms_gateway.delay = 0.1

    celery_worker_process.enqueue(deliver_due)
    assert celery_worker_process.wait_for(lambda: len(sms_gateway.posts) >= 7)
    celery_worker_process.stop(kill=True)  # SIGKILL in the middle of its second batch
    assert Delivery.objects.filter(channel="sms", state="sending").exists()

    args = celery_worker_process.process.args
    queue = args[args.index("-Q") + 1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "governance.settings_test",
           "DATABASE_URL": _database_url(connection.settings_dict), "CELERY_QUEUE": queue}
    restarted = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(2.5)  # the dead worker's lease runs out
        deliver_due.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and Delivery.objects.filter(
                channel="sms", state__in=["queued", "sending"]).exists():
            time.sleep(0.3)
    finally:
        restarted.kill()
        restarted.wait(timeout=20)
    assert set(Delivery.objects.filter(channel="sms").values_list("state", flat=True)) == {"sent"}
    for r in residents:
        phone = f"1390000{residents.index(r):04d}"
        assert len(sms_gateway.sms_to(phone)) == 1, phone
    assert len(sms_gateway.accepted) == 20
