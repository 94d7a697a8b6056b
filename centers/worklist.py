"""What waits in the four centers: the township's open work items, pipeline steps to approve and to file,
villages short of reserve cadres."""
from django.utils.translation import gettext_lazy as _

from governance.scoping import COUNTY, TOWNSHIP
from governance.jobs import register_label
from governance.worklist import Task, register

from .models import PipelineStep, ReserveShortfall, WorkItem

G = _("中心与党建")
register(Task("centers.work_items", _("中心待办事项"), group=G, order=20, roles=TOWNSHIP,
              url_name="centers:work_item_list",
              query="status=open", since="created_at", deadline="deadline",
              queryset=lambda user: WorkItem.objects.restrict(user, "change").filter(
                  status__in=[WorkItem.Status.OPEN, WorkItem.Status.IN_PROGRESS])))
register(Task("centers.steps_to_approve", _("待乡镇审批的党员发展步骤"), group=G, order=21, roles=TOWNSHIP,
              url_name="centers:candidate_list", since="proposed_at",
              queryset=lambda user: PipelineStep.objects.restrict(user, "view").filter(
                  status=PipelineStep.Status.PROPOSED)))
register(Task("centers.steps_to_file", _("待县级备案的党员发展步骤"), group=G, order=22, roles=COUNTY,
              url_name="centers:candidate_list", since="approved_at",
              queryset=lambda user: PipelineStep.objects.restrict(user, "view").filter(
                  status=PipelineStep.Status.APPROVED)))
register(Task("centers.reserve_shortfalls", _("后备力量不足3人的村"), group=G, order=40, roles=COUNTY | TOWNSHIP,
              url_name="centers:reserve_list",
              queryset=lambda user: ReserveShortfall.objects.restrict(user, "view")))

register_label("centers.check_reserves", _("后备力量检查"))
