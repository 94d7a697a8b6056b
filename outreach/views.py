from django.utils.translation import gettext_lazy as _

from governance.generic import ObjectDetailView, ObjectListView

from . import selectors


class NoticeListView(ObjectListView):
    selector = selectors.notice_list
    template_name = "outreach/notice_list.html"
    title = _("通知发送情况")


class NoticeDetailView(ObjectDetailView):
    selector = selectors.notice_list
    template_name = "outreach/notice_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["deliveries"] = selectors.delivery_list(user=self.request.user, notice=self.object)
        return ctx


class LocalOutboxView(ObjectListView):
    selector = selectors.local_message_list
    template_name = "outreach/local_outbox.html"
    title = _("本地发件箱（演示：短信与邮件）")
