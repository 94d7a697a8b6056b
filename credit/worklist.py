"""What waits in village credit: records to verify, reviews for the meeting and for the secretary, objections."""
from django.utils.translation import gettext_lazy as _

from governance.jobs import register_label
from governance.worklist import Task, register

from .models import CreditRecord, Objection, Review

G = _("村级信用")
register(Task("credit.records_to_verify", _("待核实的信用记录"), group=G, order=30, url_name="credit:record_list",
              query="status=pending", since="entered_at",
              queryset=lambda user: CreditRecord.objects.restrict(user, "verify").filter(
                  status=CreditRecord.Status.PENDING).exclude(entered_by=user)))
register(Task("credit.reviews_for_opinion", _("待村评议会评议"), group=G, order=31, url_name="credit:review_list",
              query="status=draft", since="opened_at",
              queryset=lambda user: Review.objects.restrict(user, "opinion").filter(status=Review.Status.DRAFT)))
register(Task("credit.reviews_to_approve", _("待书记审批的评议"), group=G, order=10, url_name="credit:review_list",
              query="status=opinion", since="opened_at",
              queryset=lambda user: Review.objects.restrict(user, "approve").filter(status=Review.Status.OPINION)))
register(Task("credit.objections_to_answer", _("待答复的公示异议"), group=G, order=11, url_name="credit:objection_list",
              query="status=open", since="raised_at",
              queryset=lambda user: Objection.objects.restrict(user, "answer").filter(status=Objection.Status.OPEN)))

register_label("credit.recompute", _("夜间信用等级重算"))
