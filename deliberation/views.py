"""Pages of 三村议事: thin configuration over the core's generic views; every write is an action, every step
a page offers is one its rule allows (deliberation/rules.py)."""
from __future__ import annotations

from django.contrib import messages
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.generic import ActionFormView, ButtonView, ObjectDetailView, ObjectListView
from governance.models import Resident
from governance.scoping import user_roles

from . import actions, forms, rules, selectors
from .filtersets import (CouncilFilterSet, LedgerMonthFilterSet, LedgerQuestionFilterSet, ProposalFilterSet,
                         ResolutionFilterSet, SelfBuildFilterSet, TopicFilterSet)
from .models import ORGANISERS, Channel, LedgerMonth, ProcedureStage, SelfBuildProject, Topic


# --- Topics --------------------------------------------------------------------------------------

class TopicListView(ObjectListView):
    selector = selectors.topic_list
    filterset_class = TopicFilterSet
    template_name = "deliberation/topic_list.html"
    status_tabs = "status"  # tabs with counts, one per state
    title = _("三村议事")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = bool(forms.TopicForm(user=self.request.user).fields["region"].queryset.exists())
        # The office exports the topics with their tallies; villagers read them on the page.
        user = self.request.user
        ctx["can_export"] = user.is_superuser or bool(user_roles(user) & ORGANISERS)
        return ctx


class TopicDetailView(ObjectDetailView):
    selector = selectors.topic_detail_queryset
    template_name = "deliberation/topic_detail.html"
    context_object_name = "topic"
    rules = rules.TOPIC

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, topic = self.request.user, self.object
        staff = rules.runs_it(user, topic)
        resident = rules.resident_of(user)
        ctx.update(
            buttons=[v for v in ctx["verbs"] if v.name in rules.TOPIC_BUTTONS],
            staff=staff,
            resident=resident,
            my_vote=selectors.my_vote(user=user, topic=topic) if resident is not None else None,
            my_channel=(Channel.REMOTE if resident and resident.status == Resident.Status.AWAY else Channel.ONLINE),
            comments=selectors.comment_list(user=user).filter(topic=topic),
            comment_form=forms.CommentForm(),
            events=selectors.topic_events(user=user, topic=topic),
            # Staff follow a public topic's count live; villagers (and everyone on a secret topic) see it once
            # the result is locked.
            tally=selectors.topic_tally(user=user, topic=topic) if rules.may_see_tally(user, topic) else None,
            participation=(selectors.participation(topic=topic)
                           if staff and topic.secret and topic.status == Topic.Status.OPEN else None),
            resolution=selectors.resolution_list(user=user).filter(topic=topic).first(),
        )
        procedure = selectors.procedure_list(user=user).filter(topic=topic).first()
        if procedure is not None:
            steps = {s.stage: s for s in selectors.procedure_steps(user=user, procedure=procedure)}
            ctx.update(procedure=procedure, procedure_verbs=rules.PROCEDURE.allowed(user, procedure),
                       procedure_steps=[(stage, steps.get(stage.value)) for stage in ProcedureStage])
        if ctx["resolution"]:
            r = ctx["resolution"]
            ctx["links"] = selectors.resolution_link_list(user=user).filter(resolution=r)
            ctx["notes"] = selectors.supervision_note_list(user=user).filter(resolution=r).order_by("created_at", "id")
            ctx["resolution_verbs"] = rules.RESOLUTION.allowed(user, r)
        return ctx


class TopicCreateView(ActionFormView):
    form_class = forms.TopicForm
    action = actions.topic_create
    title = _("发起议题")
    submit_label = _("保存草稿")
    success_message = _("议题已保存为草稿，确认后请发布。")


class TopicStepView(ActionFormView):
    """One step on one topic, declared by its rule (deliberation/rules.py TOPIC)."""

    object_selector = selectors.topic_detail_queryset
    object_arg = "topic_id"
    step = ""

    def get_title(self):
        return f"{rules.TOPIC[self.step].label}：{self.object.title}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": rules.TOPIC[self.step].label}


class TopicEditView(TopicStepView):
    step, action, form_class = "edit", actions.topic_update, forms.TopicForm
    object_action, form_object_arg = "change", "instance"
    submit_label = _("保存")
    success_message = _("已保存。")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": self.submit_label}


class TopicOpenView(TopicStepView, ButtonView):
    step, action = "open", actions.topic_open
    success_message = _("议题已发布，已通知本村村民（含外出村民）。")


class TopicCloseView(TopicStepView, ButtonView):
    step, action = "close", actions.topic_close
    success_message = _("表决已结束，结果已锁定。")


class ConfirmBallotMixin:
    """A ballot is cast only once confirmed: the choice comes back on a page that says what it will do
    (secret: never changed; public: changeable until the vote ends) with one button that sends it again
    with `confirmed`."""

    confirm_template = "deliberation/vote_confirm.html"

    def form_valid(self, form):
        confirmed = form.cleaned_data.pop("confirmed", False)
        # Nothing to confirm when the step is refused anyway: the action answers with the reason.
        if not confirmed and rules.TOPIC[self.step].allows(self.request.user, self.object):
            return self.response_class(request=self.request, template=[self.confirm_template], using=self.template_engine,
                                       context=self.get_context_data(form=form, topic=self.object, chosen=form.chosen))
        return super().form_valid(form)


class TopicVoteView(ConfirmBallotMixin, TopicStepView):
    """The villager's ballot (on the topic's page; this page when the form needs saying again)."""

    step, action, form_class, form_object_arg = "vote", actions.vote_cast, forms.VoteForm, "topic"

    @property
    def success_message(self):
        return (gettext("您的无记名投票已放入票箱，结果在表决结束后公布。") if self.object.secret
                else gettext("您的表决已记录，表决结束前可以更改。"))


class TopicVoteChangeView(ConfirmBallotMixin, TopicStepView):
    """A villager changes their remote/online vote on a public topic before it ends (confirmed as well)."""

    step, action, form_class, form_object_arg = "change_vote", actions.vote_change, forms.VoteForm, "topic"
    success_message = _("您的表决已更改。")


class TopicCommentView(TopicStepView):
    step, action, form_class = "comment", actions.comment_add, forms.CommentForm
    success_message = _("发言已发布。")


class SignInView(TopicStepView):
    """The 本地村 meeting's sign-in sheet: tick the villagers present, in bulk."""

    template_name = "deliberation/sign_in.html"
    step, action, form_class, object_action = "sign_in", actions.meeting_sign_in, forms.SignInForm, "change"

    def sheet(self):
        if not hasattr(self, "_sheet"):
            self._sheet = list(selectors.sign_in_sheet(user=self.request.user, topic=self.object))
        return self._sheet

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "sheet": self.sheet()}

    def get_context_data(self, **kwargs):
        sheet = self.sheet()
        return {**super().get_context_data(**kwargs), "topic": self.object, "sheet": sheet,
                "title": gettext("现场签到：%(t)s") % {"t": self.object.title},
                "signed": sum(1 for r in sheet if r.signed_in)}

    def perform(self, form):
        # One action; its message says how many were signed in and who had voted elsewhere.
        result = super().perform(form)
        messages.success(self.request, gettext("签到%(n)d人，现场共%(t)d人。") % {"n": result["signed_in"],
                                                                     "t": result["total_in_person"]})
        if result["voted_elsewhere"]:
            messages.warning(self.request, gettext("以下村民已在外地村/网上村投票，按第一次表决计票，现场举手不再计入：%(n)s")
                             % {"n": "、".join(result["voted_elsewhere"])})
        return reverse("deliberation:topic_sign_in", args=[self.object.pk])


class HandTallyView(TopicStepView):
    """The recorder enters the show-of-hands count and the minutes of the meeting."""

    step, action, form_class, object_action = "tally", actions.meeting_record, forms.HandTallyForm, "change"
    form_object_arg = "topic"
    success_message = _("现场表决和会议纪要已记录。")

    def get_title(self):
        signed = selectors.in_person_count(user=self.request.user, topic=self.object)
        if self.object.secret:
            return gettext("现场无记名投票计票（现场签到%(n)d人）：%(t)s") % {"n": signed, "t": self.object.title}
        return gettext("现场举手表决（现场签到%(n)d人）：%(t)s") % {"n": signed, "t": self.object.title}


class ResolutionCreateView(TopicStepView):
    step, action, form_class, object_action = "resolution", actions.resolution_record, forms.ResolutionForm, "change"
    success_message = _("决议已记录并向全村公布。")


# --- Resolutions ---------------------------------------------------------------------------------

class ResolutionListView(ObjectListView):
    selector = selectors.resolution_list
    filterset_class = ResolutionFilterSet
    template_name = "deliberation/resolution_list.html"
    title = _("决议档案")


class ResolutionStepView(ActionFormView):
    """One step on one resolution, declared by its rule (deliberation/rules.py RESOLUTION)."""

    object_selector = selectors.resolution_list
    object_arg = "resolution_id"
    step = ""

    def get_title(self):
        return f"{rules.RESOLUTION[self.step].label}：{self.object.topic.title}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": rules.RESOLUTION[self.step].label}


class ResolutionLinkView(ResolutionStepView):
    step, action, form_class, object_action = "link", actions.resolution_link, forms.ResolutionLinkForm, "change"
    success_message = _("已关联落实事项。")


class ResolutionNoteView(ResolutionStepView):
    step, action, form_class = "note", actions.supervision_note_add, forms.SupervisionNoteForm
    success_message = _("监督记录已保存。")


class ResolutionCompleteView(ResolutionStepView, ButtonView):
    step, action = "complete", actions.resolution_complete
    success_message = _("决议已办结。")


# --- Councils ------------------------------------------------------------------------------------

class CouncilListView(ObjectListView):
    selector = selectors.council_list
    filterset_class = CouncilFilterSet
    template_name = "deliberation/council_list.html"
    title = _("理事会")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = bool(forms.CouncilForm(user=self.request.user).fields["region"].queryset.exists())
        return ctx


class CouncilDetailView(ObjectDetailView):
    selector = selectors.council_list
    template_name = "deliberation/council_detail.html"
    context_object_name = "council"
    rules = rules.COUNCIL

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, council = self.request.user, self.object
        ctx["members"] = selectors.council_member_list(user=user).filter(council=council).select_related(
            "resident__region").order_by(F("term_end").desc(nulls_first=True), "role", "term_start")
        ctx["notes"] = selectors.supervision_note_list(user=user).filter(council=council).order_by("-created_at")[:50]
        ctx["open_resolutions"] = selectors.resolution_list(user=user).filter(
            topic__region=council.region, status="in_progress")
        return ctx


class CouncilCreateView(ActionFormView):
    form_class = forms.CouncilForm
    action = actions.council_create
    title = _("成立理事会")
    submit_label = _("成立")
    success_message = _("理事会已成立。")


class CouncilMemberAddView(ActionFormView):
    object_selector = selectors.council_list
    object_action = "change"
    object_arg = "council_id"
    form_class = forms.CouncilMemberForm
    form_object_arg = "council"
    action = actions.council_member_add
    title = _("添加成员：%(object)s")
    submit_label = rules.COUNCIL["add_member"].label
    success_message = _("已添加成员。")


class CouncilMemberEndView(ButtonView):
    object_selector = selectors.council_member_list
    object_arg = "member_id"
    action = actions.council_member_end
    title = _("结束任期：%(object)s")
    submit_label = rules.MEMBER["end"].label
    success_message = _("该成员任期已结束。")


# --- Villagers' proposals ------------------------------------------------------------------------

class ProposalListView(ObjectListView):
    selector = selectors.proposal_list
    filterset_class = ProposalFilterSet
    template_name = "deliberation/proposal_list.html"
    status_tabs = "status"
    title = _("村民提议")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_propose"] = rules.resident_of(self.request.user) is not None
        ctx["can_set_rules"] = bool(forms.VillageCharterForm(user=self.request.user).fields["region"].queryset.exists())
        return ctx


class ProposalDetailView(ObjectDetailView):
    selector = selectors.proposal_list
    template_name = "deliberation/proposal_detail.html"
    context_object_name = "proposal"
    rules = rules.PROPOSAL

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, proposal = self.request.user, self.object
        supporters = selectors.proposal_supporters(user=user, proposal=proposal)
        ctx.update(
            supporters=supporters.order_by("at", "id")[:200] if rules.runs_it(user, proposal) else None,
            i_support=supporters.filter(resident__user=user).exists(),
            support_refusal=rules.support_refusal(user, proposal) if rules.resident_of(user) else None,
            remaining=max(0, proposal.support_needed - proposal.n_support),
        )
        return ctx


class ProposalCreateView(ActionFormView):
    form_class = forms.ProposalForm
    action = actions.proposal_create
    title = _("我要提议")
    submit_label = _("提交提议")
    success_message = _("提议已提交，本村村民可以附议；达到附议人数后理事会必须列入议程。")


class ProposalSupportView(ButtonView):
    object_selector = selectors.proposal_list
    object_arg = "proposal_id"
    action = actions.proposal_support
    title = _("附议：%(object)s")
    submit_label = rules.PROPOSAL["support"].label
    success_message = _("您已附议。")


class ProposalScheduleView(ActionFormView):
    object_selector = selectors.proposal_list
    object_action = "change"
    object_arg = "proposal_id"
    form_class = forms.ProposalScheduleForm
    action = actions.proposal_schedule
    title = _("列入议程：%(object)s")
    submit_label = rules.PROPOSAL["schedule"].label
    success_message = _("已列入议程，决定和理由已向全村公布；议题草稿已生成，请补充后发布。")


class VillageCharterView(ActionFormView):
    form_class = forms.VillageCharterForm
    action = actions.village_charter_set
    title = _("村民提议规则")
    submit_label = _("保存")
    success_message = _("村民提议规则已保存，对此后提出的提议生效。")
    success_url = "deliberation:proposal_list"


class TopicProcedureView(TopicStepView, ButtonView):
    step, action = "procedure", actions.procedure_start
    object_action = "change"
    success_message = _("该议题按四议两公开办理，请按顺序记录每一步。")


# --- 四议两公开 ----------------------------------------------------------------------------------------

class ProcedureStepView(ActionFormView):
    """One step of 四议两公开 (deliberation/rules.py PROCEDURE): the form asks what that step records."""

    object_selector = selectors.procedure_list
    object_action = "change"
    object_arg = "procedure_id"
    form_class = forms.ProcedureStepForm
    action = actions.procedure_record_step
    stage = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "stage": self.stage}

    def get_title(self):
        return f"{ProcedureStage(self.stage).label}：{self.object.topic.title}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": gettext("记录%(s)s") % {
            "s": ProcedureStage(self.stage).label}}

    def action_kwargs(self, form):
        return {**super().action_kwargs(form), "stage": self.stage}

    @property
    def success_message(self):
        return gettext("已记录：%(s)s。") % {"s": ProcedureStage(self.stage).label}


PROCEDURE_STEP_VIEWS = {stage.value: type(f"Procedure{stage.value.title()}View", (ProcedureStepView,),
                                          {"stage": stage.value}) for stage in ProcedureStage}


# --- 村级三资 and 财务公开 -------------------------------------------------------------------------------

class LedgerMonthListView(ObjectListView):
    selector = selectors.ledger_month_list
    filterset_class = LedgerMonthFilterSet
    template_name = "deliberation/ledger_month_list.html"
    title = _("财务公开")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = bool(forms.LedgerLineForm(user=self.request.user).fields["region"].queryset.exists())
        return ctx


class LedgerMonthDetailView(ObjectDetailView):
    selector = selectors.ledger_month_list
    template_name = "deliberation/ledger_month_detail.html"
    context_object_name = "month"
    rules = rules.LEDGER_MONTH

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, month = self.request.user, self.object
        lines = list(selectors.ledger_lines(user=user, month=month))
        questions = {}
        for q in selectors.ledger_question_list(user=user).filter(line__month=month).order_by("asked_at", "id"):
            questions.setdefault(q.line_id, []).append(q)
        for line in lines:
            line.question_rows = questions.get(line.pk, [])
            for q in line.question_rows:
                q.verbs = rules.LEDGER_QUESTION.allowed(user, q)
        ctx.update(
            income_lines=[line for line in lines if line.kind == "income"],
            expense_lines=[line for line in lines if line.kind == "expense"],
            categories=selectors.ledger_category_totals(user=user, month=month),
            balance=month.income - month.expense,
            can_ask=month.status == LedgerMonth.Status.PUBLISHED and rules.resident_of(user) is not None,
            question_form=forms.LedgerQuestionForm(),
        )
        return ctx


class LedgerLineAddView(ActionFormView):
    """The village office enters a line (into an open month: the one named in the URL, or the date's)."""

    object_selector = selectors.ledger_month_list
    object_action = "change"
    form_class = forms.LedgerLineForm
    form_object_arg = "month"
    action = actions.ledger_line_add
    title = _("录入收支")
    submit_label = _("保存")
    success_message = _("收支记录已保存，本月公开前可继续录入。")

    def get_success_url_for(self, result):
        return result.month.get_absolute_url()


class LedgerMonthPublishView(ButtonView):
    object_selector = selectors.ledger_month_list
    object_arg = "month_id"
    action = actions.ledger_month_publish
    title = _("公开财务：%(object)s")
    submit_label = rules.LEDGER_MONTH["publish"].label
    success_message = _("本月财务已公开，明细已冻结，已通知本村村民。")


class LedgerQuestionAskView(ActionFormView):
    object_selector = selectors.ledger_line_list
    object_arg = "line_id"
    form_class = forms.LedgerQuestionForm
    action = actions.ledger_question_ask
    title = _("对收支明细提问：%(object)s")
    submit_label = _("提交问题")
    success_message = _("问题已提交，村干部答复后会通知您。")


class LedgerQuestionListView(ObjectListView):
    selector = selectors.ledger_question_list
    filterset_class = LedgerQuestionFilterSet
    template_name = "deliberation/ledger_question_list.html"
    status_tabs = "status"
    title = _("财务公开问答")


class LedgerQuestionAnswerView(ActionFormView):
    object_selector = selectors.ledger_question_list
    object_action = "change"
    object_arg = "question_id"
    form_class = forms.LedgerAnswerForm
    action = actions.ledger_question_answer
    title = _("答复：%(object)s")
    submit_label = rules.LEDGER_QUESTION["answer"].label
    success_message = _("已答复，并通知提问的村民。")


# --- 自建自管 -------------------------------------------------------------------------------------------

class SelfBuildListView(ObjectListView):
    selector = selectors.self_build_list
    filterset_class = SelfBuildFilterSet
    template_name = "deliberation/self_build_list.html"
    status_tabs = "status"
    title = _("自建自管项目")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = bool(forms.SelfBuildForm(user=self.request.user).fields["region"].queryset.exists())
        return ctx


class SelfBuildDetailView(ObjectDetailView):
    selector = selectors.self_build_list
    template_name = "deliberation/self_build_detail.html"
    context_object_name = "project"
    rules = rules.SELF_BUILD

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, project = self.request.user, self.object
        ctx.update(works=selectors.self_build_works(user=user, project=project),
                   events=selectors.self_build_events(user=user, project=project))
        return ctx


class SelfBuildCreateView(ActionFormView):
    form_class = forms.SelfBuildForm
    action = actions.self_build_create
    title = _("登记自建自管项目")
    submit_label = _("登记")
    success_message = _("项目已登记，施工中请记录用工和材料。")


class SelfBuildStepView(ActionFormView):
    object_selector = selectors.self_build_list
    object_arg = "project_id"
    step = ""

    def get_title(self):
        return f"{rules.SELF_BUILD[self.step].label}：{self.object.name}"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": rules.SELF_BUILD[self.step].label}


class SelfBuildWorkView(SelfBuildStepView):
    step, action, form_class, object_action = "work", actions.self_build_work_add, forms.SelfBuildWorkForm, "change"
    success_message = _("施工记录已保存。")

    def get_success_url_for(self, result):
        return result.project.get_absolute_url()


class SelfBuildSubmitView(SelfBuildStepView, ButtonView):
    step, action, object_action = "submit", actions.self_build_submit, "change"
    success_message = _("已申请验收，已通知乡镇。")


class SelfBuildAcceptView(SelfBuildStepView):
    step, action, form_class, object_action = "accept", actions.self_build_accept, forms.AcceptForm, "accept"
    success_message = _("验收合格。")


class SelfBuildReturnView(SelfBuildStepView):
    step, action, form_class, object_action = "return", actions.self_build_return, forms.ReturnForm, "accept"
    success_message = _("已退回整改，并通知村里。")
