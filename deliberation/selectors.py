"""Reads of 三村议事: every one starts from the restricted queryset and preloads what is shown."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance.models import Region, Resident

from .models import (
    Attendance,
    BallotCount,
    Channel,
    Comment,
    Council,
    CouncilMember,
    HandTally,
    LedgerLine,
    LedgerMonth,
    LedgerQuestion,
    Procedure,
    ProcedureStep,
    Proposal,
    ProposalSupport,
    VillageCharter,
    Resolution,
    ResolutionLink,
    SelfBuildEvent,
    SelfBuildProject,
    SelfBuildWork,
    SupervisionNote,
    Topic,
    TopicEvent,
    TopicOption,
    Vote,
)

ADULT_YEARS = 18


def topic_list(*, user) -> QuerySet[Topic]:
    """Drafts are seen only by those who may edit them; everyone in the village sees the rest."""
    qs = Topic.objects.restrict(user, "view")
    editable = Topic.objects.restrict(user, "change").values("pk")
    return (
        qs.filter(~Q(status=Topic.Status.DRAFT) | Q(pk__in=editable))
        .select_related("region", "created_by", "winning_option", "resolution")
        .annotate(n_votes=Count("votes", distinct=True), n_comments=Count("comments", distinct=True))
        .order_by("-opens_at", "-id")
    )


def topic_detail_queryset(*, user) -> QuerySet[Topic]:
    qs = Topic.objects.restrict(user, "view")
    editable = Topic.objects.restrict(user, "change").values("pk")
    return qs.filter(~Q(status=Topic.Status.DRAFT) | Q(pk__in=editable)).select_related(
        "region", "created_by", "winning_option"
    ).prefetch_related(Prefetch("options", queryset=TopicOption.objects.order_by("position", "id")), "eligible_groups")


def comment_list(*, user) -> QuerySet[Comment]:
    return Comment.objects.restrict(user, "view").select_related("author", "resident", "topic").order_by("created_at", "id")


def vote_list(*, user) -> QuerySet[Vote]:
    return Vote.objects.restrict(user, "view").select_related("resident", "option", "topic").order_by("-cast_at", "-id")


def attendance_list(*, user) -> QuerySet[Attendance]:
    return Attendance.objects.restrict(user, "view").select_related("resident", "topic")


def council_list(*, user) -> QuerySet[Council]:
    today = timezone.localdate()
    current = Q(members__term_start__lte=today) & (Q(members__term_end__isnull=True) | Q(members__term_end__gte=today))
    return (
        Council.objects.restrict(user, "view")
        .select_related("region")
        .annotate(n_members=Count("members", filter=current, distinct=True))
        .order_by("region__path", "kind", "id")
    )


def council_member_list(*, user) -> QuerySet[CouncilMember]:
    return CouncilMember.objects.restrict(user, "view").select_related("resident", "council")


def resolution_list(*, user) -> QuerySet[Resolution]:
    return (
        Resolution.objects.restrict(user, "view")
        .select_related("topic", "topic__region", "topic__winning_option", "recorded_by")
        .annotate(n_links=Count("links", distinct=True), n_notes=Count("notes", distinct=True))
        .order_by("-published_at", "-id")
    )


def supervision_note_list(*, user) -> QuerySet[SupervisionNote]:
    return SupervisionNote.objects.restrict(user, "view").select_related("author", "council", "resolution__topic")


def resolution_link_list(*, user) -> QuerySet[ResolutionLink]:
    return ResolutionLink.objects.restrict(user, "view").select_related("content_type", "linked_by")


def hand_tally_counts(*, user, topic: Topic) -> dict[int, int]:
    """The show-of-hands counts recorded so far: {option id: count}."""
    return dict(HandTally.objects.restrict(user, "view").filter(topic=topic).values_list("option_id", "count"))


def topic_options(*, user, topic: Topic) -> QuerySet[TopicOption]:
    return TopicOption.objects.restrict(user, "view").filter(topic=topic).order_by("position", "id")


def my_vote(*, user, topic: Topic) -> Vote | None:
    """The user's own vote on the topic (a villager sees their own), with its option."""
    return vote_list(user=user).filter(topic=topic, resident__user=user).first()


def in_person_count(*, user, topic: Topic) -> int:
    """Villagers signed in at the meeting (their vote is the show of hands)."""
    return vote_list(user=user).filter(topic=topic, channel=Channel.IN_PERSON).count()


def supervising_council(user, resolution: Resolution) -> Council | None:
    """A council of the resolution's village in which the user currently serves (as a villager)."""
    try:
        resident = user.resident
    except (Resident.DoesNotExist, AttributeError):
        return None
    today = timezone.localdate()
    member = (CouncilMember.objects.filter(resident=resident, council__region_id=resolution.topic.region_id,
                                           council__active=True, term_start__lte=today)
              .exclude(term_end__lt=today).select_related("council").order_by("council__kind").first())
    return member.council if member else None


def village_members(*, user, council: Council) -> QuerySet[Resident]:
    """The villagers who may join a council: registered in its village (or a group or building below it)."""
    return Resident.objects.restrict(user, "view").filter(region__path__startswith=council.region.path)


def topic_events(*, user, topic: Topic) -> QuerySet[TopicEvent]:
    return TopicEvent.objects.restrict(user, "view").filter(topic=topic).select_related("actor").order_by("at", "id")


# --- Eligibility -----------------------------------------------------------------------------------

def _adult_cutoff(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year - ADULT_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ADULT_YEARS, day=28)


def eligible_region_q(topic: Topic, prefix: str = "region__") -> Q:
    """Residents of the topic's village, or of its chosen groups (and the buildings below them)."""
    groups = list(topic.eligible_groups.values_list("path", flat=True)) if topic.pk else []
    paths = groups or [topic.region.path]
    q = Q()
    for p in paths:
        q |= Q(**{f"{prefix}path__startswith": p})
    return q


def eligible_residents(topic: Topic) -> QuerySet[Resident]:
    """Villagers with a say: registered inside the topic's area and at least 18 years old.

    Used for counts and eligibility checks inside actions; pages list residents through the
    restricted resident queryset (see sign_in_sheet)."""
    return Resident.objects.filter(eligible_region_q(topic), birth_date__lte=_adult_cutoff())


def village_adults(region: Region) -> QuerySet[Resident]:
    """The villagers with a say in the village's own affairs: registered in it, 18 or older."""
    return Resident.objects.filter(region__path__startswith=region.path, birth_date__lte=_adult_cutoff())


def charter_of(region: Region) -> VillageCharter:
    """The village's proposal rules, or the default ones (unsaved) where it has set none."""
    return VillageCharter.objects.filter(region=region).first() or VillageCharter(region=region)


def proposal_list(*, user) -> QuerySet[Proposal]:
    return (Proposal.objects.restrict(user, "view").select_related("region", "proposer", "topic")
            .annotate(n_support=Count("supports", distinct=True)).order_by("-created_at", "-id"))


def proposal_supporters(*, user, proposal: Proposal) -> QuerySet[ProposalSupport]:
    """Who supported it: the village office sees the names; a villager sees only their own support."""
    return ProposalSupport.objects.restrict(user, "view").filter(proposal=proposal).select_related("resident")


def charter_list(*, user) -> QuerySet[VillageCharter]:
    return VillageCharter.objects.restrict(user, "view").select_related("region")


def is_eligible(topic: Topic, resident: Resident) -> bool:
    return eligible_residents(topic).filter(pk=resident.pk).exists()


def sign_in_sheet(*, user, topic: Topic) -> QuerySet[Resident]:
    """The meeting's sign-in sheet: eligible villagers the user may see, with how each took part."""
    votes = Vote.objects.filter(topic=topic, resident=OuterRef("pk"))
    return (
        Resident.objects.restrict(user, "view")
        .filter(eligible_region_q(topic), birth_date__lte=_adult_cutoff())
        .select_related("region")
        .annotate(
            signed_in=Exists(votes.filter(channel=Channel.IN_PERSON)),
            voted_elsewhere=Exists(votes.exclude(channel=Channel.IN_PERSON)),
        )
        .order_by("region__path", "name", "id")
    )


# --- The one tally ---------------------------------------------------------------------------------

CHANNELS = [Channel.IN_PERSON, Channel.REMOTE, Channel.ONLINE]


def compute_tally(topic: Topic) -> dict:
    """Counts per option and channel, the totals, quorum and majority. Four queries, any size.

    In person: the recorder's show-of-hands counts (at most the villagers signed in there).
    Remote and online: each villager's own vote — on a secret topic the ballot box's counts, remote and
    online together (`sealed`; the two channels' own columns are None). Turnout: villagers holding a place
    in the tally.
    """
    options = list(topic.options.order_by("position", "id"))
    per_option = {o.pk: {c.value: 0 for c in CHANNELS} for o in options}
    sealed = {o.pk: 0 for o in options}
    if topic.secret:
        for o in per_option.values():
            o[Channel.REMOTE.value] = o[Channel.ONLINE.value] = None
        sealed.update(BallotCount.objects.filter(topic=topic).values_list("option_id", "count"))
    for option_id, channel, n in (
        Vote.objects.filter(topic=topic, option__isnull=False).values_list("option_id", "channel").annotate(n=Count("id"))
    ):
        per_option[option_id][channel] = n
    for option_id, n in HandTally.objects.filter(topic=topic).values_list("option_id", "count"):
        per_option[option_id][Channel.IN_PERSON.value] = n
    participants = dict(Vote.objects.filter(topic=topic).values_list("channel").annotate(n=Count("id")))
    eligible = topic.eligible_count if topic.status == Topic.Status.CLOSED and topic.eligible_count is not None \
        else eligible_residents(topic).count()

    rows = []
    for o in options:
        counts = per_option[o.pk]
        row = {"id": o.pk, "label": o.label, "meaning": o.meaning, **counts,
               "total": sum(n for n in counts.values() if n is not None)}
        if topic.secret:
            row["sealed"] = sealed[o.pk]
            row["total"] += sealed[o.pk]
        rows.append(row)
    channels = {
        c.value: {"label": str(c.label), "participants": participants.get(c.value, 0),
                  "votes": None if rows and rows[0][c.value] is None else sum(r[c.value] for r in rows)}
        for c in CHANNELS
    }
    total = sum(r["total"] for r in rows)
    turnout = sum(participants.values())
    quorum_met = eligible > 0 and turnout * 100 >= topic.quorum_percent * eligible
    # The leading option: for a proposal, "同意" must carry it; for a choice, the most votes, unshared.
    if topic.kind == Topic.Kind.PROPOSAL:
        leader = next((r for r in rows if r["meaning"] == "for"), None)
    else:
        ranked = sorted(rows, key=lambda r: r["total"], reverse=True)
        leader = ranked[0] if ranked and (len(ranked) == 1 or ranked[0]["total"] > ranked[1]["total"]) else None
    majority_met = bool(leader) and turnout > 0 and leader["total"] * 100 > topic.majority_percent * turnout
    return {
        "secret": topic.secret,
        "sealed": sum(sealed.values()) if topic.secret else None,
        "options": rows,
        "channels": channels,
        "total": total,
        "turnout": turnout,
        "eligible": eligible,
        "quorum_percent": topic.quorum_percent,
        "majority_percent": topic.majority_percent,
        "quorum_met": quorum_met,
        "majority_met": majority_met,
        "passed": quorum_met and majority_met,
        "leader_id": leader["id"] if leader else None,
        # The option the village adopted: the leader, when the vote passed.
        "adopted_id": leader["id"] if leader and quorum_met and majority_met else None,
    }


def participation(*, topic: Topic) -> dict:
    """How many took part so far, per channel (what a secret topic shows while open: nothing per option)."""
    per_channel = dict(Vote.objects.filter(topic=topic).values_list("channel").annotate(n=Count("id")))
    return {"channels": [{"label": c.label, "n": per_channel.get(c.value, 0)} for c in CHANNELS],
            "total": sum(per_channel.values())}


def topic_tally(*, user, topic: Topic) -> dict:
    """The locked result once closed; the live count while open (the caller decides who sees it:
    rules.may_see_tally — never anyone on an open secret topic)."""
    if topic.status == Topic.Status.CLOSED and topic.result:
        return topic.result
    return compute_tally(topic)


def village_of(region: Region) -> Region | None:
    return region.ancestor_at(Region.Level.VILLAGE)


# --- 四议两公开 ----------------------------------------------------------------------------------------

def procedure_list(*, user) -> QuerySet[Procedure]:
    """Procedures of the topics the user sees (a draft topic's stays with its editors)."""
    return (Procedure.objects.restrict(user, "view")
            .filter(topic__in=topic_list(user=user).values("pk"))
            .select_related("topic", "topic__region", "started_by"))


def procedure_steps(*, user, procedure) -> QuerySet[ProcedureStep]:
    return (ProcedureStep.objects.restrict(user, "view").filter(procedure=procedure)
            .select_related("recorded_by").order_by("held_at", "id"))


# --- 村级三资 and 财务公开 -------------------------------------------------------------------------------

def _sum(kind: str):
    return Coalesce(Sum("lines__amount", filter=Q(lines__kind=kind)), Value(Decimal("0")),
                    output_field=DecimalField(max_digits=14, decimal_places=2))


def ledger_month_list(*, user) -> QuerySet[LedgerMonth]:
    """Villagers read the published months; the village office also the month it is entering. Totals by SQL."""
    qs = LedgerMonth.objects.restrict(user, "view")
    editable = LedgerMonth.objects.restrict(user, "change").values("pk")
    return (qs.filter(Q(status=LedgerMonth.Status.PUBLISHED) | Q(pk__in=editable))
            .select_related("region", "published_by")
            .annotate(income=_sum(LedgerLine.Kind.INCOME), expense=_sum(LedgerLine.Kind.EXPENSE),
                      n_lines=Count("lines"))
            .order_by("-month", "region__path"))


def ledger_lines(*, user, month) -> QuerySet[LedgerLine]:
    """A month's lines with their questions counted (the detail page lists them, at most a few hundred)."""
    return (LedgerLine.objects.restrict(user, "view").filter(month=month)
            .select_related("corrects", "corrects__month")
            .annotate(n_questions=Count("questions"),
                      n_open=Count("questions", filter=Q(questions__status=LedgerQuestion.Status.ASKED)))
            .order_by("kind", "occurred_on", "id"))


def ledger_category_totals(*, user, month) -> list[dict]:
    """Per kind and category, the month's total (one GROUP BY)."""
    rows = (LedgerLine.objects.restrict(user, "view").filter(month=month).values("kind", "category")
            .annotate(total=Sum("amount"), n=Count("id")).order_by("kind", "category"))
    labels, kinds = dict(LedgerLine.Category.choices), dict(LedgerLine.Kind.choices)
    return [{**r, "category_label": labels.get(r["category"], r["category"]), "kind_label": kinds.get(r["kind"])}
            for r in rows]


def ledger_line_list(*, user) -> QuerySet[LedgerLine]:
    """Lines of the months the user reads (published, or the office's own)."""
    return (LedgerLine.objects.restrict(user, "view")
            .filter(month__in=ledger_month_list(user=user).values("pk"))
            .select_related("month", "month__region", "corrects"))


def ledger_question_list(*, user) -> QuerySet[LedgerQuestion]:
    """Questions and answers on the published lines: the village reads them (the asker's name is not shown)."""
    return (LedgerQuestion.objects.restrict(user, "view")
            .select_related("line", "line__month", "line__month__region", "answered_by")
            .order_by("-asked_at", "-id"))


# --- 自建自管 -------------------------------------------------------------------------------------------

def self_build_list(*, user) -> QuerySet[SelfBuildProject]:
    """Projects with their recorded work summed by SQL: labour (person-days) and materials' cost."""
    return (SelfBuildProject.objects.restrict(user, "view")
            .select_related("region", "topic", "checked_by")
            .annotate(
                person_days=Coalesce(Sum(F("works__days") * F("works__people"),
                                         output_field=DecimalField(max_digits=12, decimal_places=1)),
                                     Value(Decimal("0")), output_field=DecimalField(max_digits=12, decimal_places=1)),
                material_total=Coalesce(Sum("works__material_cost"), Value(Decimal("0")),
                                        output_field=DecimalField(max_digits=14, decimal_places=2)),
                n_works=Count("works"))
            .order_by("-created_at", "-id"))


def self_build_works(*, user, project) -> QuerySet[SelfBuildWork]:
    return SelfBuildWork.objects.restrict(user, "view").filter(project=project).select_related("recorded_by") \
        .order_by("-worked_on", "-id")


def self_build_events(*, user, project) -> QuerySet[SelfBuildEvent]:
    return SelfBuildEvent.objects.restrict(user, "view").filter(project=project).select_related("actor") \
        .order_by("at", "id")
