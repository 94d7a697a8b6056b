"""What waits in 三村议事: topics whose online/remote window has ended and wait for the show-of-hands count
and the closing."""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.jobs import register_label
from governance.worklist import Task, register

from .models import LedgerQuestion, Proposal, SelfBuildProject, Topic

register(Task("deliberation.topics_to_close", _("线上表决已截止、待结束表决的议题"), group=_("三村议事"), order=25,
              url_name="deliberation:topic_list", query="status=open", since="closes_at",
              queryset=lambda user: Topic.objects.restrict(user, "close").filter(
                  status=Topic.Status.OPEN, closes_at__lt=timezone.now())))

register(Task("deliberation.proposals_to_schedule", _("附议人数已达到、须列入议程的村民提议"), group=_("三村议事"),
              order=26, url_name="deliberation:proposal_list", query="status=qualified", since="qualified_at",
              queryset=lambda user: Proposal.objects.restrict(user, "change").filter(status=Proposal.Status.QUALIFIED)))

register(Task("deliberation.ledger_questions_to_answer", _("村民对财务公开的提问，待答复"), group=_("三村议事"),
              order=27, url_name="deliberation:ledger_question_list", query="status=asked", since="asked_at",
              queryset=lambda user: LedgerQuestion.objects.restrict(user, "change").filter(
                  status=LedgerQuestion.Status.ASKED)))

register(Task("deliberation.self_build_to_accept", _("申请验收的自建自管项目"), group=_("三村议事"), order=28,
              url_name="deliberation:self_build_list", query="status=submitted",
              queryset=lambda user: SelfBuildProject.objects.restrict(user, "accept").filter(
                  status=SelfBuildProject.Status.SUBMITTED)))

register_label("deliberation-window-ended", _("议题线上表决截止提醒"))
