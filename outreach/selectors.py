from django.db.models import Count, Q

from .models import Delivery, LocalMessage, Notice


def notice_list(*, user):
    """The notices this user sent or that reached their region's people, with a count per delivery state."""
    return Notice.objects.restrict(user, "view").select_related("sender", "region").annotate(
        n_total=Count("deliveries"),
        n_sent=Count("deliveries", filter=Q(deliveries__state=Delivery.State.SENT)),
        n_waiting=Count("deliveries", filter=Q(deliveries__state__in=[Delivery.State.QUEUED, Delivery.State.SENDING])),
        n_failed=Count("deliveries", filter=Q(deliveries__state__in=[Delivery.State.FAILED,
                                                                      Delivery.State.UNDELIVERABLE]))
    ).order_by("-created_at", "-id")


def delivery_list(*, user, notice):
    return (Delivery.objects.restrict(user, "view").filter(notice=notice)
            .select_related("resident", "user").order_by("channel", "pk"))


def local_message_list(*, user):
    return LocalMessage.objects.restrict(user, "view")
