"""A villager orders from a phone without signal: the order waits in the phone's queue (static/js/offline-
queue.js) with a key made there and is placed once, however often the queue sends it (issue #17)."""
import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from services.models import Order, OrderEvent

from .factories import make_item, make_unit

QUEUED = {"HTTP_X_OFFLINE_QUEUE": "1"}


@pytest.fixture
def item(tree, personas):
    return make_item(tree.A, [make_unit(tree.A, staff=[personas.unit_staff_a], name="县供电公司")])


def test_the_order_form_is_sent_through_the_phones_queue(web, personas, item):
    page = web(personas.resident_a1).get(reverse("services:order_place", args=[item.pk])).content.decode()
    assert "data-offline-queue" in page and 'name="idempotency_key"' in page and "data-outbox" in page


def test_a_queued_order_sent_twice_is_placed_once(web, personas, item):
    client, key = web(personas.resident_a1), str(uuid.uuid4())
    url = reverse("services:order_place", args=[item.pk])
    first = client.post(url, {"note": "厨房插座没电", "idempotency_key": key}, **QUEUED)
    again = client.post(url, {"note": "厨房插座没电", "idempotency_key": key}, **QUEUED)  # the answer was lost
    assert first.status_code == again.status_code == 201, first.content
    order = Order.objects.get()
    assert first.json()["url"] == again.json()["url"] == order.get_absolute_url()
    assert OrderEvent.objects.filter(order=order).count() == 1 and str(order.idempotency_key) == key


def test_a_queued_order_with_bad_input_is_a_400_that_says_why_and_writes_nothing(web, personas, item):
    resp = web(personas.resident_a1).post(reverse("services:order_place", args=[item.pk]),
                                          {"note": "", "idempotency_key": str(uuid.uuid4())}, **QUEUED)
    assert resp.status_code == 400 and "需求说明" in resp.json()["message"]
    assert not Order.objects.exists()


def test_another_persons_key_is_refused(web, neighbours, item):
    personas = neighbours
    key = str(uuid.uuid4())
    url = reverse("services:order_place", args=[item.pk])
    assert web(personas.resident_a1).post(url, {"note": "插座没电", "idempotency_key": key}, **QUEUED).status_code == 201
    resp = web(personas.resident_a1_2).post(url, {"note": "别人的", "idempotency_key": key}, **QUEUED)
    assert resp.status_code == 400 and Order.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_place_one_order(tree, personas, item):
    from services import actions

    key, results, errors = uuid.uuid4(), [], []

    def send():
        try:
            results.append(actions.order_place(actor=personas.resident_a1, item_id=item.pk, note="同时发送",
                                               idempotency_key=key))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and Order.objects.count() == 1
    assert results[0].pk == results[1].pk
