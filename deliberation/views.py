"""Pages of 三村议事: thin configuration over the core's generic views; every write is an action."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from governance.errors import Conflict
from governance.generic import ActionFormView, ObjectDetailView, ObjectListView
from governance.models import Resident
from governance.scoping import can, user_roles

from . import actions, selectors
from .filtersets import CouncilFilterSet, ResolutionFilterSet, TopicFilterSet
from .forms import (
    CommentForm,
    CouncilForm,
    CouncilMemberForm,
    HandTallyForm,
    ResolutionForm,
    ResolutionLinkForm,
    SignInForm,
    SupervisionNoteForm,
    TopicForm,
)
from .models import ORGANISERS, Channel, CouncilMember, HandTally, Resolution, Topic, Vote


def _post_action(request, fn, success: str, url: str):
    """Run a one-button action; a refusal becomes a message on the page it came from."""
    try:
        fn()
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    except Conflict as exc:
        messages.warning(request, str(exc.message))
    else:
        messages.success(request, success)
    return HttpResponseRedirect(url)


# --- Topics --------------------------------------------------------------------------------------

class TopicListView(ObjectListView):
    selector = selectors.topic_list
    filterset_class = TopicFilterSet
    template_name = "deliberation/topic_list.html"
    title = _("三村议事")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = bool(TopicForm(user=self.request.user).fields["region"].queryset.exists())
        # The office exports the topics with their tallies; villagers read them on the page.
        user = self.request.user
        ctx["can_export"] = user.is_superuser or bool(user_roles(user) & ORGANISERS)
        return ctx


class TopicDetailView(ObjectDetailView):
    selector = selectors.topic_detail_queryset
    template_name = "deliberation/topic_detail.html"
    context_object_name = "topic"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, topic = self.request.user, self.object
        staff = can(user, topic, "change")
        resident = getattr(user, "resident", None) if hasattr(user, "resident") else None
        my_vote = None
        eligible = False
        if resident is not None:
            my_vote = Vote.objects.filter(topic=topic, resident=resident).select_related("option").first()
            eligible = selectors.is_eligible(topic, resident)
        ctx.update(
            staff=staff,
            can_close=can(user, topic, "close"),
            resident=resident,
            my_vote=my_vote,
            my_channel=(Channel.REMOTE if resident and resident.status == Resident.Status.AWAY else Channel.ONLINE),
            can_vote=bool(resident and eligible and not my_vote and topic.window_open()),
            can_comment=topic.status == Topic.Status.OPEN and (staff or (eligible and topic.window_open())),
            comments=selectors.comment_list(user=user).filter(topic=topic),
            comment_form=CommentForm(),
            events=selectors.topic_events(user=user, topic=topic),
            # Staff follow the count live; villagers see it once the result is locked.
            tally=selectors.topic_tally(user=user, topic=topic) if staff or topic.status == Topic.Status.CLOSED else None,
            resolution=selectors.resolution_list(user=user).filter(topic=topic).first(),
        )
        if ctx["resolution"]:
            r = ctx["resolution"]
            ctx["links"] = selectors.resolution_link_list(user=user).filter(resolution=r)
            ctx["notes"] = selectors.supervision_note_list(user=user).filter(resolution=r).order_by("created_at", "id")
            ctx["note_form"] = SupervisionNoteForm()
            ctx["can_note"] = r.status == Resolution.Status.IN_PROGRESS and (
                staff or actions._supervising_council(user, r) is not None)
        return ctx


class TopicCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = TopicForm
    success_message = _("议题已保存为草稿，确认后请发布。")
    extra_context = {"title": _("发起议题")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return actions.topic_create(
            actor=self.request.user, region=d["region"], title=d["title"], background=d["background"], kind=d["kind"],
            options=form.option_labels(), opens_at=d["opens_at"], closes_at=d["closes_at"], meeting_at=d["meeting_at"],
            meeting_place=d["meeting_place"], quorum_percent=d["quorum_percent"],
            majority_percent=d["majority_percent"], eligible_groups=d["eligible_groups"])


class TopicEditView(TopicCreateView):
    success_message = _("已保存。")
    extra_context = {"title": _("修改议题")}

    def load(self, pk):
        self.topic = get_object_or_404(Topic.objects.restrict(self.request.user, "change"), pk=pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.topic}

    def perform(self, form):
        d = form.cleaned_data
        return actions.topic_update(
            actor=self.request.user, topic_id=self.topic.pk, title=d["title"], background=d["background"],
            kind=d["kind"], options=form.option_labels(), opens_at=d["opens_at"], closes_at=d["closes_at"],
            meeting_at=d["meeting_at"], meeting_place=d["meeting_place"], quorum_percent=d["quorum_percent"],
            majority_percent=d["majority_percent"], eligible_groups=d["eligible_groups"])


def _topic_for(request, pk, action="view") -> Topic:
    if action == "view":
        return get_object_or_404(selectors.topic_detail_queryset(user=request.user), pk=pk)
    return get_object_or_404(Topic.objects.restrict(request.user, action), pk=pk)


@login_required
@require_POST
def topic_open(request, pk):
    topic = _topic_for(request, pk, "change")
    return _post_action(request, lambda: actions.topic_open(actor=request.user, topic_id=topic.pk),
                        gettext("议题已发布，已通知本村村民（含外出村民）。"), topic.get_absolute_url())


@login_required
@require_POST
def topic_close(request, pk):
    topic = _topic_for(request, pk, "close")
    return _post_action(request, lambda: actions.topic_close(actor=request.user, topic_id=topic.pk),
                        gettext("表决已结束，结果已锁定。"), topic.get_absolute_url() + "#tally")


@login_required
@require_POST
def topic_vote(request, pk):
    topic = _topic_for(request, pk)
    option = request.POST.get("option") or ""
    if not option.isdigit():
        messages.error(request, gettext("请选择一个选项。"))
        return HttpResponseRedirect(topic.get_absolute_url())
    return _post_action(request, lambda: actions.vote_cast(actor=request.user, topic_id=topic.pk, option_id=int(option)),
                        gettext("您的表决已记录。"), topic.get_absolute_url())


@login_required
@require_POST
def topic_comment(request, pk):
    topic = _topic_for(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请填写发言内容（不超过2000字）。"))
        return HttpResponseRedirect(topic.get_absolute_url() + "#discussion")
    return _post_action(request, lambda: actions.comment_add(actor=request.user, topic_id=topic.pk,
                                                             body=form.cleaned_data["body"]),
                        gettext("发言已发布。"), topic.get_absolute_url() + "#discussion")


class SignInView(ActionFormView):
    """The 本地村 meeting's sign-in sheet: tick the villagers present, in bulk."""

    template_name = "deliberation/sign_in.html"
    form_class = SignInForm

    def load(self, pk):
        self.topic = _topic_for(self.request, pk, "change")
        self.sheet = list(selectors.sign_in_sheet(user=self.request.user, topic=self.topic))

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "sheet": self.sheet}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "topic": self.topic, "sheet": self.sheet,
                "title": gettext("现场签到：%(t)s") % {"t": self.topic.title},
                "signed": sum(1 for r in self.sheet if r.signed_in)}

    def perform(self, form):
        result = actions.meeting_sign_in(actor=self.request.user, topic_id=self.topic.pk,
                                         resident_ids=form.cleaned_data["residents"])
        messages.success(self.request, gettext("签到%(n)d人，现场共%(t)d人。") % {"n": result["signed_in"],
                                                                     "t": result["total_in_person"]})
        if result["voted_elsewhere"]:
            messages.warning(self.request, gettext("以下村民已在外地村/网上村投票，按第一次表决计票，现场举手不再计入：%(n)s")
                             % {"n": "、".join(result["voted_elsewhere"])})
        return reverse("deliberation:topic_sign_in", args=[self.topic.pk])


class HandTallyView(ActionFormView):
    """The recorder enters the show-of-hands count and the minutes of the meeting."""

    template_name = "governance/form.html"
    form_class = HandTallyForm
    success_message = _("现场表决和会议纪要已记录。")

    def load(self, pk):
        self.topic = _topic_for(self.request, pk, "change")

    def get_form_kwargs(self):
        current = dict(HandTally.objects.filter(topic=self.topic).values_list("option_id", "count"))
        return {**super().get_form_kwargs(), "topic": self.topic, "current": current}

    def get_context_data(self, **kwargs):
        signed = Vote.objects.filter(topic=self.topic, channel=Channel.IN_PERSON).count()
        return {**super().get_context_data(**kwargs),
                "title": gettext("现场举手表决（现场签到%(n)d人）：%(t)s") % {"n": signed, "t": self.topic.title}}

    def perform(self, form):
        from django.db import transaction

        with transaction.atomic():
            actions.hand_tally_record(actor=self.request.user, topic_id=self.topic.pk, counts=form.counts())
            if form.cleaned_data["minutes"] != self.topic.minutes:
                actions.topic_record_minutes(actor=self.request.user, topic_id=self.topic.pk,
                                             minutes=form.cleaned_data["minutes"])
        return self.topic.get_absolute_url() + "#tally"


class ResolutionCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = ResolutionForm
    success_message = _("决议已记录并向全村公布。")

    def load(self, pk):
        self.topic = _topic_for(self.request, pk, "change")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": gettext("记录决议：%(t)s") % {"t": self.topic.title}}

    def perform(self, form):
        return actions.resolution_record(actor=self.request.user, topic_id=self.topic.pk, text=form.cleaned_data["text"])


# --- Resolutions ---------------------------------------------------------------------------------

class ResolutionListView(ObjectListView):
    selector = selectors.resolution_list
    filterset_class = ResolutionFilterSet
    template_name = "deliberation/resolution_list.html"
    title = _("决议档案")


class ResolutionLinkView(ActionFormView):
    template_name = "governance/form.html"
    form_class = ResolutionLinkForm
    success_message = _("已关联落实事项。")

    def load(self, pk):
        self.resolution = get_object_or_404(Resolution.objects.restrict(self.request.user, "change")
                                            .select_related("topic"), pk=pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "title": gettext("关联落实事项：%(t)s") % {"t": self.resolution.topic.title}}

    def perform(self, form):
        ct, obj = form.parsed()
        actions.resolution_link(actor=self.request.user, resolution_id=self.resolution.pk, content_type_id=ct,
                                object_id=obj)
        return self.resolution.get_absolute_url()


@login_required
@require_POST
def resolution_note(request, pk):
    resolution = get_object_or_404(selectors.resolution_list(user=request.user), pk=pk)
    form = SupervisionNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("请填写监督记录（不超过2000字）。"))
        return HttpResponseRedirect(resolution.get_absolute_url())
    return _post_action(request, lambda: actions.supervision_note_add(actor=request.user, resolution_id=resolution.pk,
                                                                      body=form.cleaned_data["body"]),
                        gettext("监督记录已保存。"), resolution.get_absolute_url())


@login_required
@require_POST
def resolution_complete(request, pk):
    resolution = get_object_or_404(Resolution.objects.restrict(request.user, "change"), pk=pk)
    return _post_action(request, lambda: actions.resolution_complete(actor=request.user, resolution_id=resolution.pk,
                                                                     note=request.POST.get("note", "")),
                        gettext("决议已办结。"), resolution.get_absolute_url())


# --- Councils ------------------------------------------------------------------------------------

class CouncilListView(ObjectListView):
    selector = selectors.council_list
    filterset_class = CouncilFilterSet
    template_name = "deliberation/council_list.html"
    title = _("理事会")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["can_add"] = bool(CouncilForm(user=self.request.user).fields["region"].queryset.exists())
        return ctx


class CouncilDetailView(ObjectDetailView):
    selector = selectors.council_list
    template_name = "deliberation/council_detail.html"
    context_object_name = "council"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user, council = self.request.user, self.object
        ctx["members"] = selectors.council_member_list(user=user).filter(council=council).select_related(
            "resident__region").order_by(F("term_end").desc(nulls_first=True), "role", "term_start")
        ctx["notes"] = selectors.supervision_note_list(user=user).filter(council=council).order_by("-created_at")[:50]
        ctx["open_resolutions"] = selectors.resolution_list(user=user).filter(
            topic__region=council.region, status=Resolution.Status.IN_PROGRESS)
        ctx["can_change"] = can(user, council, "change")
        return ctx


class CouncilCreateView(ActionFormView):
    template_name = "governance/form.html"
    form_class = CouncilForm
    success_message = _("理事会已成立。")
    extra_context = {"title": _("成立理事会")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form):
        d = form.cleaned_data
        return actions.council_create(actor=self.request.user, region=d["region"], name=d["name"], kind=d["kind"],
                                      duties=d["duties"], founded_on=d["founded_on"])


class CouncilMemberAddView(ActionFormView):
    template_name = "governance/form.html"
    form_class = CouncilMemberForm
    success_message = _("已添加成员。")

    def load(self, pk):
        from .models import Council

        self.council = get_object_or_404(Council.objects.restrict(self.request.user, "change")
                                         .select_related("region"), pk=pk)

    def get_form_kwargs(self):
        residents = Resident.objects.restrict(self.request.user, "view").filter(
            region__path__startswith=self.council.region.path).select_related("region").order_by("region__path", "name")
        return {**super().get_form_kwargs(), "residents": residents}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "title": gettext("添加成员：%(c)s") % {"c": self.council.name}}

    def perform(self, form):
        d = form.cleaned_data
        actions.council_member_add(actor=self.request.user, council_id=self.council.pk, resident_id=d["resident"].pk,
                                   role=d["role"], term_start=d["term_start"], term_end=d["term_end"])
        return self.council.get_absolute_url()


@login_required
@require_POST
def council_member_end(request, pk):
    member = get_object_or_404(CouncilMember.objects.restrict(request.user, "change").select_related("council"), pk=pk)
    from django.utils import timezone

    return _post_action(request, lambda: actions.council_member_end(actor=request.user, member_id=member.pk,
                                                                    term_end=timezone.localdate()),
                        gettext("该成员任期已结束。"), member.council.get_absolute_url())
