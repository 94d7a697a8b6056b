"""Writes of 三村议事: keyword-only, validate → check scope inside the transaction → one event + audit."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.attachments import attachment_add
from governance.audit import audit_record, notify
from governance.errors import Conflict
from governance.models import Notification, Region, Resident
from governance.scoping import Role, load_for, require_region
from governance.selectors import office_users

from . import links
from .rules import (COUNCIL, LEDGER_MONTH, LEDGER_QUESTION, MEMBER, PROCEDURE, PROPOSAL, RESOLUTION, SELF_BUILD, TOPIC,
                    already_voted_message, comment_refusal, council_of, may_ask, resident_of, runs_it, support_refusal,
                    vote_change_refusal, vote_refusal, without_scope)
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
    MEETING_STAGES,
    PROCEDURE_ORDER,
    PUBLIC_STAGES,
    VOTING_STAGES,
    Procedure,
    ProcedureStage,
    ProcedureStep,
    Proposal,
    ProposalSupport,
    Resolution,
    ResolutionLink,
    SelfBuildEvent,
    SelfBuildProject,
    SelfBuildWork,
    SupervisionNote,
    Topic,
    TopicEvent,
    TopicOption,
    VillageCharter,
    Vote,
)
from .selectors import charter_of, compute_tally, eligible_residents, village_adults

MAX_COMMENT = 2000
# Keyword default of topic_update: the field is not changed (a PATCH that leaves it out).
KEEP = object()


def _event(topic: Topic, actor, action: str, from_state: str = "", to_state: str = "", note: str = "",
           data: dict | None = None) -> None:
    TopicEvent.objects.create(topic=topic, actor=actor if getattr(actor, "pk", None) else None, action=action,
                              from_state=from_state, to_state=to_state, note=note)
    audit_record(actor=actor, action=f"deliberation.{action}", obj=topic, from_state=from_state, to_state=to_state,
                 reason=note, data=data)


def _step(rules, step: str, source, actor, pk, *, related=(), invalid: str | None = None):
    """The row a workflow step is about, locked and checked against the step's rule (deliberation/rules.py):
    404 out of sight, 403 seen but not allowed, 409 when its state moved on — or, with `invalid`, a 400
    with the rule's refusal (on that field; "" for the form as a whole) where a state is the form's mistake
    rather than a race."""
    rule = rules[step]
    obj = load_for(source, actor, pk, rule.scope or "view", lock=True, related=related)
    try:
        without_scope(rule).check(actor, obj)
    except Conflict as exc:
        if invalid is None:
            raise
        raise ValidationError({invalid: exc.message} if invalid else exc.message)
    return obj


def _require_village(region: Region) -> None:
    if region.level != Region.Level.VILLAGE:
        raise ValidationError({"region": _("议事和理事会以村（社区）为单位，请选择村或社区。")})


# --- Councils --------------------------------------------------------------------------------------

def council_create(*, actor, region: Region, name: str, kind: str, duties: str = "",
                   founded_on: dt.date | None = None) -> Council:
    _require_village(region)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写理事会名称。")})
    if kind not in Council.Kind.values:
        raise ValidationError({"kind": _("请选择理事会类型。")})
    with transaction.atomic():
        require_region(actor, region, Council.scope_spec.roles_for("add"))
        if Council.objects.filter(region=region, name=name).exists():
            raise ValidationError({"name": _("本村已有同名的理事会。")})
        council = Council.objects.create(region=region, name=name, kind=kind, duties=(duties or "").strip(),
                                         founded_on=founded_on or timezone.localdate(), created_by=actor)
        audit_record(actor=actor, action="deliberation.council_create", obj=council)
    return council


def council_member_add(*, actor, council_id: int, resident_id: int, role: str, term_start: dt.date,
                       term_end: dt.date | None = None) -> CouncilMember:
    if role not in CouncilMember.Role.values:
        raise ValidationError({"role": _("请选择职务。")})
    if term_end is not None and term_end < term_start:
        raise ValidationError({"term_end": _("任期结束日期不能早于开始日期。")})
    not_ours = _("理事会成员须是本村村民（含外出村民）。")
    with transaction.atomic():
        council = _step(COUNCIL, "add_member", Council, actor, council_id, related=("region",))
        resident = load_for(Resident, actor, resident_id, field="resident", related=("region",), message=not_ours)
        if not resident.region.path.startswith(council.region.path):
            raise ValidationError({"resident": not_ours})
        overlapping = CouncilMember.objects.filter(council=council, resident=resident).exclude(term_end__lt=term_start)
        if term_end is not None:
            overlapping = overlapping.filter(term_start__lte=term_end)
        if overlapping.exists():
            raise ValidationError({"resident": _("该村民在这段任期内已是本理事会成员。")})
        member = CouncilMember.objects.create(council=council, resident=resident, role=role, term_start=term_start,
                                              term_end=term_end)
        audit_record(actor=actor, action="deliberation.council_member_add", obj=council,
                     data={"member": member.pk, "role": role})
    return member


def council_member_end(*, actor, member_id: int, term_end: dt.date | None = None) -> CouncilMember:
    """End a member's term (today unless said otherwise)."""
    term_end = term_end or timezone.localdate()
    with transaction.atomic():
        member = _step(MEMBER, "end", CouncilMember, actor, member_id, related=("council",))
        if term_end < member.term_start:
            raise ValidationError({"term_end": _("任期结束日期不能早于开始日期。")})
        member.term_end = term_end
        member.save(update_fields=["term_end"])
        audit_record(actor=actor, action="deliberation.council_member_end", obj=member.council,
                     data={"member": member.pk})
    return member


# --- Topics ----------------------------------------------------------------------------------------

PROPOSAL_OPTIONS = [(TopicOption.Meaning.FOR, "同意"), (TopicOption.Meaning.AGAINST, "反对"),
                    (TopicOption.Meaning.ABSTAIN, "弃权")]


def _validate_topic(*, region: Region, title: str, background: str, kind: str, options: list[str],
                    opens_at, closes_at, quorum_percent, majority_percent, eligible_groups) -> list[str]:
    errors: dict[str, list[str]] = {}

    def err(field, msg):
        errors.setdefault(field, []).append(msg)

    if region.level != Region.Level.VILLAGE:
        err("region", _("议事和理事会以村（社区）为单位，请选择村或社区。"))
    if not (title or "").strip():
        err("title", _("请填写议题。"))
    if not (background or "").strip():
        err("background", _("请填写背景与材料，村民据此议事。"))
    if kind not in Topic.Kind.values:
        err("kind", _("请选择表决方式。"))
    labels = [o.strip() for o in options or [] if o and o.strip()]
    if kind == Topic.Kind.CHOICE:
        if len(labels) < 2:
            err("options", _("多选一至少需要两个选项。"))
        elif len(set(labels)) != len(labels):
            err("options", _("选项不能重复。"))
        elif any(len(o) > 100 for o in labels):
            err("options", _("每个选项不超过100个字。"))
    if opens_at is None:
        err("opens_at", _("请填写开始时间。"))
    if closes_at is None:
        err("closes_at", _("请填写截止时间。"))
    if opens_at and closes_at and closes_at <= opens_at:
        err("closes_at", _("截止时间须晚于开始时间。"))
    if quorum_percent is None or not 1 <= quorum_percent <= 100:
        err("quorum_percent", _("参与率要求须在1%到100%之间。"))
    if majority_percent is None or not 50 <= majority_percent <= 99:
        err("majority_percent", _("通过比例须在50%到99%之间（50即过半数）。"))
    for g in eligible_groups:
        if g.parent_id != region.pk:
            err("eligible_groups", _("参与的村民小组须属于本村。"))
            break
    if errors:
        raise ValidationError(errors)
    return labels


def _set_options(topic: Topic, kind: str, labels: list[str]) -> None:
    """The topic's options (a secret topic's ballot box then holds a zero count for each)."""
    topic.options.all().delete()
    if kind == Topic.Kind.PROPOSAL:
        rows = [TopicOption(topic=topic, label=label, meaning=meaning, position=i)
                for i, (meaning, label) in enumerate(PROPOSAL_OPTIONS)]
    else:
        rows = [TopicOption(topic=topic, label=label, meaning=TopicOption.Meaning.CHOICE, position=i)
                for i, label in enumerate(labels)]
    TopicOption.objects.bulk_create(rows)
    if topic.secret:
        _open_ballot_box(topic)


def _open_ballot_box(topic: Topic) -> None:
    """A zero count for every option of a secret topic that has none yet."""
    BallotCount.objects.bulk_create([BallotCount(topic=topic, option=o) for o in topic.options.all()],
                                    ignore_conflicts=True)


def _drop_ballot(topic: Topic, option: TopicOption) -> None:
    """One secret ballot into the box: every count of the topic is rewritten by one UPDATE, the chosen one
    by +1, the others by +0 — so each carries this transaction and command alike (see BallotCount)."""
    _open_ballot_box(topic)  # a topic published before its box existed gets one now (ON CONFLICT DO NOTHING)
    bump = Case(When(option_id=option.pk, then=Value(1)), default=Value(0))
    BallotCount.objects.filter(topic=topic).update(count=F("count") + bump)


def topic_create(*, actor, region: Region, title: str, background: str, kind: str = Topic.Kind.PROPOSAL,
                 options: list[str] | None = None, opens_at, closes_at, meeting_at=None, meeting_place: str = "",
                 quorum_percent: int = 50, majority_percent: int = 50,
                 eligible_groups: Iterable[Region] = (), secret: bool = False) -> Topic:
    eligible_groups = list(eligible_groups)
    labels = _validate_topic(region=region, title=title, background=background, kind=kind, options=options or [],
                             opens_at=opens_at, closes_at=closes_at, quorum_percent=quorum_percent,
                             majority_percent=majority_percent, eligible_groups=eligible_groups)
    with transaction.atomic():
        require_region(actor, region, Topic.scope_spec.roles_for("add"))
        topic = Topic.objects.create(
            region=region, title=title.strip(), background=background.strip(), kind=kind, opens_at=opens_at,
            closes_at=closes_at, meeting_at=meeting_at, meeting_place=(meeting_place or "").strip(),
            quorum_percent=quorum_percent, majority_percent=majority_percent, created_by=actor, secret=bool(secret),
        )
        topic.eligible_groups.set(eligible_groups)
        _set_options(topic, kind, labels)
        _event(topic, actor, "create", to_state=Topic.Status.DRAFT)
    return topic


def topic_update(*, actor, topic_id: int, title=KEEP, background=KEEP, kind=KEEP, options=KEEP, opens_at=KEEP,
                 closes_at=KEEP, meeting_at=KEEP, meeting_place=KEEP, quorum_percent=KEEP, majority_percent=KEEP,
                 eligible_groups=KEEP, secret=KEEP) -> Topic:
    """Only a draft is edited: once villagers are invited, what they vote on stays as published. A field not
    given keeps its value (the API's PATCH); the editor page gives them all."""
    with transaction.atomic():
        topic = _step(TOPIC, "edit", Topic, actor, topic_id, related=("region",), invalid="")
        current = {
            "title": topic.title, "background": topic.background, "kind": topic.kind,
            "options": [o.label for o in topic.options.all()] if topic.kind == Topic.Kind.CHOICE else [],
            "eligible_groups": list(topic.eligible_groups.all()), "opens_at": topic.opens_at,
            "closes_at": topic.closes_at, "meeting_at": topic.meeting_at, "meeting_place": topic.meeting_place,
            "quorum_percent": topic.quorum_percent, "majority_percent": topic.majority_percent,
            "secret": topic.secret,
        }
        given = {"title": title, "background": background, "kind": kind, "options": options,
                 "eligible_groups": eligible_groups, "opens_at": opens_at, "closes_at": closes_at,
                 "meeting_at": meeting_at, "meeting_place": meeting_place, "quorum_percent": quorum_percent,
                 "majority_percent": majority_percent, "secret": secret}
        d = {k: current[k] if v is KEEP else v for k, v in given.items()}
        d["eligible_groups"] = list(d["eligible_groups"])
        labels = _validate_topic(region=topic.region, title=d["title"], background=d["background"], kind=d["kind"],
                                 options=d["options"] or [], opens_at=d["opens_at"], closes_at=d["closes_at"],
                                 quorum_percent=d["quorum_percent"], majority_percent=d["majority_percent"],
                                 eligible_groups=d["eligible_groups"])
        Topic.objects.filter(pk=topic.pk).update(
            title=d["title"].strip(), background=d["background"].strip(), kind=d["kind"], opens_at=d["opens_at"],
            closes_at=d["closes_at"], meeting_at=d["meeting_at"], meeting_place=(d["meeting_place"] or "").strip(),
            quorum_percent=d["quorum_percent"], majority_percent=d["majority_percent"], secret=bool(d["secret"]),
        )
        topic.secret = bool(d["secret"])
        if not topic.secret:
            BallotCount.objects.filter(topic=topic).delete()
        topic.eligible_groups.set(d["eligible_groups"])
        _set_options(topic, d["kind"], labels)
        _event(topic, actor, "update")
    topic.refresh_from_db()
    return topic


def topic_open(*, actor, topic_id: int) -> Topic:
    """Publish: the villagers with an account are invited — migrants to join remotely (外地村)."""
    with transaction.atomic():
        topic = _step(TOPIC, "open", Topic, actor, topic_id, related=("region",))
        if topic.closes_at <= timezone.now():
            raise ValidationError({"closes_at": _("截止时间已过，请先修改议事时间再发布。")})
        now = timezone.now()
        Topic.objects.filter(pk=topic.pk, status__in=TOPIC["open"].states).update(status=Topic.Status.OPEN,
                                                                                  opened_at=now)
        if topic.secret:
            _open_ballot_box(topic)
        _event(topic, actor, "open", Topic.Status.DRAFT, Topic.Status.OPEN)
        url = reverse("deliberation:topic_detail", args=[topic.pk])
        invited = eligible_residents(topic).filter(user__isnull=False)
        away = list(invited.filter(status=Resident.Status.AWAY).values_list("user_id", flat=True))
        home = list(invited.exclude(status=Resident.Status.AWAY).values_list("user_id", flat=True))
        window = f"{timezone.localtime(topic.opens_at):%Y-%m-%d %H:%M} — {timezone.localtime(topic.closes_at):%Y-%m-%d %H:%M}"
        notify(away, title=_("外地村远程议事邀请：%(t)s") % {"t": topic.title}, url=url,
               body=_("您是外出村民，可在 %(w)s 内在线阅读材料、发言并投票。") % {"w": window})
        notify(home, title=_("村民议事：%(t)s") % {"t": topic.title}, url=url,
               body=_("网上村议事时间 %(w)s；也可参加现场会议。") % {"w": window})
    topic.refresh_from_db()
    return topic


def topic_close(*, actor, topic_id: int) -> Topic:
    """End the vote and lock the result: counts per channel, total, quorum and majority."""
    with transaction.atomic():
        topic = load_for(Topic, actor, topic_id, TOPIC["close"].scope, lock=True, related=("region",))
        if topic.status == Topic.Status.DRAFT:
            raise ValidationError(_("草拟中的议题尚未发布，不能结束表决。"))
        without_scope(TOPIC["close"]).check(actor, topic)
        tally = compute_tally(topic)
        updated = Topic.objects.filter(pk=topic.pk, status__in=TOPIC["close"].states).update(
            status=Topic.Status.CLOSED, closed_at=timezone.now(), result=tally, eligible_count=tally["eligible"],
            turnout=tally["turnout"], quorum_met=tally["quorum_met"], passed=tally["passed"],
            winning_option_id=tally["adopted_id"],
        )
        if not updated:
            raise Conflict(TOPIC["close"].refusal)
        _event(topic, actor, "close", Topic.Status.OPEN, Topic.Status.CLOSED,
               data={"total": tally["total"], "turnout": tally["turnout"], "passed": tally["passed"]})
        # Those who took part with an account (migrants far away above all) learn the result.
        voters = Vote.objects.filter(topic=topic, resident__user__isnull=False).values_list("resident__user_id", flat=True)
        notify(list(voters), title=_("表决结果已公布：%(t)s") % {"t": topic.title},
               url=reverse("deliberation:topic_detail", args=[topic.pk]),
               body=_("表决通过。") if tally["passed"] else _("未通过。"))
    topic.refresh_from_db()
    return topic


def topic_record_minutes(*, actor, topic_id: int, minutes: str) -> Topic:
    with transaction.atomic():
        topic = load_for(Topic, actor, topic_id, "change", lock=True, related=("region",))
        if topic.status == Topic.Status.DRAFT:
            raise ValidationError({"minutes": _("议题发布后才能记录会议纪要。")})
        Topic.objects.filter(pk=topic.pk).update(minutes=(minutes or "").strip())
        _event(topic, actor, "minutes")
    topic.refresh_from_db()
    return topic


def topics_window_end_notify(*, now=None) -> int:
    """Tell each village office once that a topic's online/remote window has ended and it should enter the
    show-of-hands count and close the vote. Idempotent: a topic is marked in the same transaction as its
    notifications; killed half-way, nothing is marked and a rerun does it all. Returns how many topics."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Topic.objects.select_for_update(skip_locked=True)
            .filter(status=Topic.Status.OPEN, closes_at__lt=now, window_end_notified_at__isnull=True)
            .values_list("pk", "region_id", "title")
        )
        if not due:
            return 0
        offices = office_users({row[1] for row in due}, [Role.VILLAGE_SECRETARY, Role.VILLAGE_ASSISTANT])
        Notification.objects.bulk_create([
            Notification(user_id=user_id, title=(_("议题线上/远程表决已截止：%(t)s") % {"t": title})[:200],
                         body=_("请登记现场举手表决结果，然后结束表决。"),
                         url=reverse("deliberation:topic_detail", args=[pk]))
            for pk, region_id, title in due for user_id in offices.get(region_id, [])
        ])
        Topic.objects.filter(pk__in=[row[0] for row in due]).update(window_end_notified_at=now)
    return len(due)


# --- The one tally ---------------------------------------------------------------------------------

def vote_cast(*, actor, topic_id: int, option_id: int) -> Vote:
    """A villager's own vote: remote if they are away (外地村), online if at home (网上村)."""
    rule = TOPIC["vote"]
    with transaction.atomic():
        # The topic row is locked so that closing and voting never interleave.
        topic = load_for(Topic, actor, topic_id, rule.scope, lock=True, related=("region",))
        refusal = vote_refusal(actor, topic)  # the same question the topic page asks (rules.may_vote)
        if refusal:
            raise ValidationError(refusal)
        without_scope(rule).check(actor, topic)
        resident = resident_of(actor)
        option = TopicOption.objects.filter(pk=option_id, topic=topic).first()
        if option is None:
            raise ValidationError({"option": _("请选择本议题的一个选项。")})
        channel = Channel.REMOTE if resident.status == Resident.Status.AWAY else Channel.ONLINE
        now = timezone.now()
        try:
            with transaction.atomic():
                # On a secret topic the row only says that the villager took part; the choice goes to the box.
                vote = Vote.objects.create(topic=topic, resident=resident, channel=channel,
                                           option=None if topic.secret else option, cast_at=now, recorded_by=actor)
        except IntegrityError:  # the database's one-vote rule: another session was first
            existing = Vote.objects.filter(topic=topic, resident=resident).first()
            raise ValidationError(already_voted_message(existing) if existing else _("您已参加过本议题表决。"))
        if topic.secret:
            _drop_ballot(topic, option)
        Attendance.objects.bulk_create([Attendance(topic=topic, resident=resident, channel=channel, at=now)],
                                       ignore_conflicts=True)
        audit_record(actor=actor, action="deliberation.vote", obj=topic, data={"channel": channel})
    return vote


def vote_change(*, actor, topic_id: int, option_id: int) -> Vote:
    """A villager changes their own remote/online vote on a public topic before the vote ends (a secret
    ballot, once in the box, is no one's to change; a show of hands is the meeting's)."""
    rule = TOPIC["change_vote"]
    with transaction.atomic():
        topic = load_for(Topic, actor, topic_id, rule.scope, lock=True, related=("region",))
        refusal = vote_change_refusal(actor, topic)
        if refusal:
            raise ValidationError(refusal)
        without_scope(rule).check(actor, topic)
        vote = Vote.objects.select_for_update().get(topic=topic, resident=resident_of(actor))
        option = TopicOption.objects.filter(pk=option_id, topic=topic).first()
        if option is None:
            raise ValidationError({"option": _("请选择本议题的一个选项。")})
        if option.pk == vote.option_id:
            raise ValidationError({"option": _("这就是您现在的选择，未作更改。")})
        before = vote.option_id
        vote.option, vote.changed_at = option, timezone.now()
        vote.save(update_fields=["option", "changed_at"])
        audit_record(actor=actor, action="deliberation.vote_change", obj=topic,
                     data={"channel": vote.channel, "from": before, "to": option.pk})
    return vote


def comment_add(*, actor, topic_id: int, body: str) -> Comment:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请填写发言内容。")})
    if len(body) > MAX_COMMENT:
        raise ValidationError({"body": _("发言不超过%(n)d个字。") % {"n": MAX_COMMENT}})
    rule = TOPIC["comment"]
    with transaction.atomic():
        # A draft is discussed by no one: it is not found.
        topic = load_for(Topic.objects.exclude(status=Topic.Status.DRAFT), actor, topic_id, related=("region",))
        refusal = comment_refusal(actor, topic)  # the same question the topic page asks (rules.may_comment)
        if refusal:
            raise ValidationError({"body": refusal})
        rule.check(actor, topic)
        staff, resident, channel = runs_it(actor, topic), resident_of(actor), ""
        if not staff:
            channel = Channel.REMOTE if resident.status == Resident.Status.AWAY else Channel.ONLINE
            Attendance.objects.bulk_create([Attendance(topic=topic, resident=resident, channel=channel)],
                                           ignore_conflicts=True)
        comment = Comment.objects.create(topic=topic, author=actor, resident=resident if not staff else None,
                                         channel=channel, body=body)
    return comment


def meeting_sign_in(*, actor, topic_id: int, resident_ids: Iterable[int]) -> dict:
    """The 本地村 meeting's sign-in sheet, in bulk. A signed-in villager's vote is the show of hands;
    one who already voted remotely or online is recorded as present but keeps their first vote."""
    ids = {int(i) for i in resident_ids}
    if not ids:
        raise ValidationError({"residents": _("请勾选签到的村民。")})
    with transaction.atomic():
        topic = _step(TOPIC, "sign_in", Topic, actor, topic_id, related=("region",), invalid="")
        # The villagers ticked (ids in the body or the form): each must be one the actor sees, in the topic's area.
        eligible = set(
            Resident.objects.restrict(actor, "view").filter(pk__in=ids)
            .filter(pk__in=eligible_residents(topic).values("pk")).values_list("pk", flat=True)
        )
        if eligible != ids:
            raise ValidationError({"residents": _("有%(n)d人不在本议题的参与范围内，未签到任何人。") % {"n": len(ids - eligible)}})
        voted_elsewhere = set(Vote.objects.filter(topic=topic, resident_id__in=ids)
                              .exclude(channel=Channel.IN_PERSON).values_list("resident_id", flat=True))
        before = Vote.objects.filter(topic=topic, channel=Channel.IN_PERSON).count()
        now = timezone.now()
        Attendance.objects.bulk_create(
            [Attendance(topic=topic, resident_id=i, channel=Channel.IN_PERSON, at=now, recorded_by=actor) for i in ids],
            ignore_conflicts=True)
        Vote.objects.bulk_create(
            [Vote(topic=topic, resident_id=i, channel=Channel.IN_PERSON, cast_at=now, recorded_by=actor)
             for i in ids - voted_elsewhere], ignore_conflicts=True)
        after = Vote.objects.filter(topic=topic, channel=Channel.IN_PERSON).count()
        names = list(Resident.objects.filter(pk__in=voted_elsewhere).order_by("name").values_list("name", flat=True))
        _event(topic, actor, "sign_in", note=_("%(n)d人") % {"n": after - before})
    return {"signed_in": after - before, "total_in_person": after, "voted_elsewhere": names}


def hand_tally_record(*, actor, topic_id: int, counts: dict[int, int]) -> dict:
    """The recorder's show-of-hands counts; together they cannot exceed the villagers signed in."""
    with transaction.atomic():
        topic = _step(TOPIC, "tally", Topic, actor, topic_id, related=("region",), invalid="")
        options = {o.pk: o for o in topic.options.all()}
        clean: dict[int, int] = {}
        for key, value in counts.items():
            try:
                option_id, n = int(key), int(value)
            except (TypeError, ValueError):
                raise ValidationError({"counts": _("举手人数须为整数。")})
            if option_id not in options:
                raise ValidationError({"counts": _("选项不属于本议题。")})
            if n < 0:
                raise ValidationError({"counts": _("举手人数不能为负数。")})
            clean[option_id] = n
        signed_in = Vote.objects.filter(topic=topic, channel=Channel.IN_PERSON).count()
        total = sum(clean.values())
        if total > signed_in:
            raise ValidationError({"counts": _("现场举手合计%(sum)d票，超过了现场签到（未在其他渠道投票）的%(n)d人。")
                                   % {"sum": total, "n": signed_in}})
        HandTally.objects.filter(topic=topic).delete()
        now = timezone.now()
        HandTally.objects.bulk_create([HandTally(topic=topic, option_id=k, count=v, recorded_by=actor, recorded_at=now)
                                       for k, v in clean.items()])
        _event(topic, actor, "hand_tally", note="，".join(f"{options[k].label} {v}" for k, v in clean.items()))
    return {"total": total, "signed_in": signed_in}


def meeting_record(*, actor, topic_id: int, counts: dict[int, int], minutes: str | None = None) -> dict:
    """The meeting's record in one transaction: the show-of-hands counts and (when given and changed) the
    minutes. Returns the live tally, as the office reads it next."""
    with transaction.atomic():
        hand_tally_record(actor=actor, topic_id=topic_id, counts=counts)
        topic = Topic.objects.get(pk=topic_id)
        if minutes is not None and (minutes or "").strip() != topic.minutes:
            topic = topic_record_minutes(actor=actor, topic_id=topic_id, minutes=minutes)
    return compute_tally(topic)


# --- Outcome and follow-up -------------------------------------------------------------------------

def resolution_record(*, actor, topic_id: int, text: str) -> Resolution:
    """Record the resolution and publish it to the village (a notification to every villager with an account)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写决议内容。")})
    rule = TOPIC["resolution"]
    with transaction.atomic():
        topic = load_for(Topic, actor, topic_id, rule.scope, lock=True, related=("region",))
        if topic.status == Topic.Status.CLOSED and Resolution.objects.filter(topic=topic).exists():
            raise Conflict(rule.denial)
        try:
            without_scope(rule).check(actor, topic)
        except Conflict:
            raise ValidationError(rule.refusal)
        try:
            with transaction.atomic():
                resolution = Resolution.objects.create(topic=topic, text=text, recorded_by=actor)
        except IntegrityError:
            raise Conflict(rule.denial)
        _event(topic, actor, "resolution", to_state=Resolution.Status.IN_PROGRESS)
        users = Resident.objects.filter(region__path__startswith=topic.region.path, user__isnull=False) \
            .values_list("user_id", flat=True)
        notify(list(users), title=_("决议公布：%(t)s") % {"t": topic.title}, body=text[:500],
               url=reverse("deliberation:topic_detail", args=[topic.pk]))
    resolution.n_links = resolution.n_notes = 0  # what the answer shows, as the resolution list annotates it
    return resolution


def resolution_link(*, actor, resolution_id: int, content_type_id: int, object_id: str) -> ResolutionLink:
    """Link what carries the resolution out: an object of another app the actor may see (deliberation/links.py)."""
    with transaction.atomic():
        resolution = _step(RESOLUTION, "link", Resolution, actor, resolution_id, related=("topic", "topic__region"))
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        target = links.visible_target(actor, content_type, object_id) if content_type else None
        if target is None:
            raise ValidationError({"target": _("所选的落实事项不存在，或不在您可查看的范围内。")})
        if ResolutionLink.objects.filter(resolution=resolution, content_type=content_type,
                                         object_id=str(target.pk)).exists():
            raise ValidationError({"target": _("该事项已关联到本决议。")})
        link = ResolutionLink.objects.create(resolution=resolution, content_type=content_type, object_id=str(target.pk),
                                             label=str(target)[:200], linked_by=actor)
        _event(resolution.topic, actor, "link", note=f"{content_type.model_class()._meta.verbose_name}：{link.label}")
    return link


def supervision_note_add(*, actor, resolution_id: int, body: str) -> SupervisionNote:
    """Council members (and the village office) record how the follow-up goes, until it is done."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请填写监督记录。")})
    if len(body) > MAX_COMMENT:
        raise ValidationError({"body": _("监督记录不超过%(n)d个字。") % {"n": MAX_COMMENT}})
    with transaction.atomic():
        resolution = _step(RESOLUTION, "note", Resolution, actor, resolution_id, related=("topic", "topic__region"),
                           invalid="body")
        note = SupervisionNote.objects.create(resolution=resolution, council=council_of(actor, resolution),
                                              author=actor, body=body)
        _event(resolution.topic, actor, "supervision", note=body[:200])
    return note


def resolution_complete(*, actor, resolution_id: int, note: str = "") -> Resolution:
    with transaction.atomic():
        resolution = _step(RESOLUTION, "complete", Resolution, actor, resolution_id, related=("topic", "topic__region"))
        updated = Resolution.objects.filter(pk=resolution.pk, status__in=RESOLUTION["complete"].states).update(
            status=Resolution.Status.DONE, done_at=timezone.now())
        if not updated:
            raise Conflict(RESOLUTION["complete"].refusal)
        _event(resolution.topic, actor, "done", Resolution.Status.IN_PROGRESS, Resolution.Status.DONE,
               note=(note or "").strip())
    resolution.refresh_from_db()
    return resolution


# --- Villagers' proposals --------------------------------------------------------------------------

def village_charter_set(*, actor, region: Region, proposal_support_percent: int,
                        proposal_window_days: int) -> VillageCharter:
    """The village's rules for villagers' proposals (its 村民自治章程); they apply to proposals made afterwards."""
    _require_village(region)
    if proposal_support_percent is None or not 1 <= proposal_support_percent <= 100:
        raise ValidationError({"proposal_support_percent": _("附议比例须在1%到100%之间。")})
    if proposal_window_days is None or not 1 <= proposal_window_days <= 365:
        raise ValidationError({"proposal_window_days": _("征集附议天数须在1到365天之间。")})
    with transaction.atomic():
        require_region(actor, region, VillageCharter.scope_spec.roles_for("change"))
        charter, _created = VillageCharter.objects.select_for_update().get_or_create(region=region)
        before = {"percent": charter.proposal_support_percent, "days": charter.proposal_window_days}
        charter.proposal_support_percent, charter.proposal_window_days = proposal_support_percent, proposal_window_days
        charter.updated_by, charter.updated_at = actor, timezone.now()
        charter.save()
        audit_record(actor=actor, action="deliberation.charter_set", obj=charter, region=region,
                     data={"before": before, "percent": proposal_support_percent, "days": proposal_window_days})
    return charter


def _support_needed(eligible: int, percent: int) -> int:
    return max(1, -(-eligible * percent // 100))  # at least one, rounded up


def proposal_create(*, actor, title: str, body: str) -> Proposal:
    """A villager proposes a topic to their village; they are its first supporter."""
    title, body = (title or "").strip(), (body or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("请填写提议事项。")
    if not body:
        errors["body"] = _("请写明提议的内容和理由。")
    if errors:
        raise ValidationError(errors)
    resident = resident_of(actor)
    if resident is None:
        raise PermissionDenied(_("只有村民可以提出提议。"))
    with transaction.atomic():
        resident = Resident.objects.select_related("region").get(pk=resident.pk)
        village = resident.region.ancestor_at(Region.Level.VILLAGE)
        if village is None or not village_adults(village).filter(pk=resident.pk).exists():
            raise ValidationError(_("只有本村年满18周岁的村民可以提出提议。"))
        charter = charter_of(village)
        eligible = village_adults(village).count()
        now = timezone.now()
        proposal = Proposal.objects.create(
            region=village, title=title[:200], body=body, proposer=resident, created_by=actor, created_at=now,
            collects_until=timezone.localdate() + dt.timedelta(days=charter.proposal_window_days),
            eligible_count=eligible, support_needed=_support_needed(eligible, charter.proposal_support_percent))
        ProposalSupport.objects.create(proposal=proposal, resident=resident, at=now)
        audit_record(actor=actor, action="deliberation.proposal_create", obj=proposal, region=village,
                     data={"needed": proposal.support_needed})
        _qualify_if_supported(proposal)
    return proposal


def _qualify_if_supported(proposal: Proposal) -> bool:
    """Enough support: the proposal must go on the agenda — the village office is told, once."""
    if ProposalSupport.objects.filter(proposal=proposal).count() < proposal.support_needed:
        return False
    now = timezone.now()
    if not Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.COLLECTING).update(
            status=Proposal.Status.QUALIFIED, qualified_at=now):
        return False
    proposal.status, proposal.qualified_at = Proposal.Status.QUALIFIED, now
    offices = office_users({proposal.region_id}, [Role.VILLAGE_SECRETARY, Role.VILLAGE_ASSISTANT])
    notify(offices.get(proposal.region_id, []), url=proposal.get_absolute_url(),
           title=_("村民提议已达到附议人数，须列入议程：%(t)s") % {"t": proposal.title},
           body=_("%(n)d名村民附议。请列入议程并公布决定和理由。") % {"n": proposal.support_needed})
    audit_record(actor=None, action="deliberation.proposal_qualified", obj=proposal, region=proposal.region,
                 from_state=Proposal.Status.COLLECTING, to_state=Proposal.Status.QUALIFIED)
    return True


def proposal_support(*, actor, proposal_id: int) -> Proposal:
    """An eligible villager supports a proposal (once; the database's unique pair is the rule)."""
    rule = PROPOSAL["support"]
    with transaction.atomic():
        proposal = load_for(Proposal, actor, proposal_id, rule.scope, lock=True, related=("region",))
        refusal = support_refusal(actor, proposal)
        if refusal:
            raise ValidationError(refusal)
        without_scope(rule).check(actor, proposal)
        try:
            with transaction.atomic():
                ProposalSupport.objects.create(proposal=proposal, resident=resident_of(actor))
        except IntegrityError:
            raise ValidationError(_("您已附议过该提议。"))
        audit_record(actor=actor, action="deliberation.proposal_support", obj=proposal, region=proposal.region)
        _qualify_if_supported(proposal)
    return proposal


def proposal_schedule(*, actor, proposal_id: int, decision: str, opens_at, closes_at, meeting_at=None,
                      meeting_place: str = "", secret: bool = False) -> Proposal:
    """The village office puts a qualified proposal on the agenda: a draft topic from it, and the decision
    with its reason published to the village (its supporters told)."""
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError({"decision": _("请写明列入议程的决定和理由（何时、以何种方式议事）。")})
    with transaction.atomic():
        proposal = _step(PROPOSAL, "schedule", Proposal, actor, proposal_id, related=("region", "proposer"),
                         invalid="")
        n = ProposalSupport.objects.filter(proposal=proposal).count()
        topic = topic_create(
            actor=actor, region=proposal.region, title=proposal.title, opens_at=opens_at, closes_at=closes_at,
            background=_("%(body)s\n\n（村民联名提议：%(name)s 提议，%(n)d 名村民附议。）")
            % {"body": proposal.body, "name": proposal.proposer.name, "n": n},
            meeting_at=meeting_at, meeting_place=meeting_place, secret=secret)
        now = timezone.now()
        Proposal.objects.filter(pk=proposal.pk).update(status=Proposal.Status.ON_AGENDA, topic=topic,
                                                       decision=decision, decided_at=now, decided_by=actor)
        _event(topic, actor, "proposal", note=decision[:200])
        audit_record(actor=actor, action="deliberation.proposal_schedule", obj=proposal, region=proposal.region,
                     from_state=Proposal.Status.QUALIFIED, to_state=Proposal.Status.ON_AGENDA, reason=decision[:500])
        supporters = ProposalSupport.objects.filter(proposal=proposal, resident__user__isnull=False) \
            .values_list("resident__user_id", flat=True)
        notify(list(supporters), url=proposal.get_absolute_url(),
               title=_("您附议的提议已列入议程：%(t)s") % {"t": proposal.title}, body=decision[:500])
    proposal.refresh_from_db()
    return proposal


def _village_users(region: Region) -> list[int]:
    """The accounts of the village's villagers (migrants included): whom a 公开 reaches."""
    return list(Resident.objects.filter(region__path__startswith=region.path, user__isnull=False)
                .values_list("user_id", flat=True))


# --- 四议两公开 ----------------------------------------------------------------------------------------



def procedure_start(*, actor, topic_id: int) -> Procedure:
    """The topic will follow 四议两公开: the procedure waits for the party branch's proposal."""
    with transaction.atomic():
        topic = _step(TOPIC, "procedure", Topic, actor, topic_id, related=("region",))
        try:
            with transaction.atomic():
                procedure = Procedure.objects.create(topic=topic, started_by=actor)
        except IntegrityError:
            raise Conflict(TOPIC["procedure"].denial)
        _event(topic, actor, "procedure", note=_("按四议两公开办理"))
    return procedure


def _check_meeting(stage: str, expected, present, votes_for, votes_against, votes_abstain) -> bool | None:
    """The meeting's numbers, checked: -> whether it passed (None for a step that does not vote)."""
    errors = {}
    if stage in MEETING_STAGES:
        if not expected:
            errors["expected"] = _("请填写应到人数。")
        if present is None:
            errors["present"] = _("请填写实到人数。")
        elif expected and present > expected:
            errors["present"] = _("实到人数不能超过应到人数。")
    if stage in VOTING_STAGES:
        for name, value in (("votes_for", votes_for), ("votes_against", votes_against)):
            if value is None:
                errors[name] = _("请填写表决票数。")
        if present is not None and not errors and votes_for + votes_against + (votes_abstain or 0) > present:
            errors["votes_for"] = _("赞成、反对、弃权合计不能超过实到人数。")
    if errors:
        raise ValidationError(errors)
    if stage == ProcedureStage.REVIEW:
        # 党员大会: more than half of the members with a vote present; adopted by more than half of those present.
        if present * 2 <= expected:
            raise ValidationError({"present": _("党员大会须有半数以上有表决权的党员到会（应到%(e)d人，须超过%(h)d人）。")
                                   % {"e": expected, "h": expected // 2}})
        return votes_for * 2 > present
    if stage == ProcedureStage.RESOLVE:
        # 村民委员会组织法第二十六条: two thirds of the representatives present; more than half of those present agree.
        if present * 3 < expected * 2:
            raise ValidationError({"present": _("村民代表会议须有三分之二以上的组成人员参加方可召开（应到%(e)d人）。")
                                   % {"e": expected}})
        return votes_for * 2 > present
    return None


def procedure_record_step(*, actor, procedure_id: int, stage: str, held_at, summary: str, expected: int | None = None,
                          present: int | None = None, votes_for: int | None = None, votes_against: int | None = None,
                          votes_abstain: int | None = None, attachment=None) -> ProcedureStep:
    """Record the step the procedure waits for — in order only, once each. A vote that fails stops the
    procedure; 决议公开 and 实施结果公开 are sent to every villager of the village with an account."""
    summary = (summary or "").strip()
    if stage not in PROCEDURE_ORDER:
        raise ValidationError({"stage": _("未知的步骤。")})
    if not summary:
        raise ValidationError({"summary": _("请填写会议纪要摘要或公开内容。")})
    if held_at is None:
        raise ValidationError({"held_at": _("请填写会议或公开时间。")})
    if held_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError({"held_at": _("会议或公开时间不能晚于现在：步骤在完成后记录。")})
    if stage not in MEETING_STAGES:
        expected = present = None
    if stage not in VOTING_STAGES:
        votes_for = votes_against = votes_abstain = None
    passed = _check_meeting(stage, expected, present, votes_for, votes_against, votes_abstain)
    with transaction.atomic():
        procedure = _step(PROCEDURE, stage, Procedure, actor, procedure_id, related=("topic", "topic__region"))
        topic = procedure.topic
        last = ProcedureStep.objects.filter(procedure=procedure).order_by("-held_at").first()
        if last is not None and held_at < last.held_at:
            raise ValidationError({"held_at": _("本步骤的时间不能早于上一步骤（%(t)s）。")
                                   % {"t": f"{timezone.localtime(last.held_at):%Y-%m-%d %H:%M}"}})
        step = ProcedureStep.objects.create(
            procedure=procedure, stage=stage, held_at=held_at, expected=expected, present=present, votes_for=votes_for,
            votes_against=votes_against, votes_abstain=votes_abstain, passed=passed, summary=summary, recorded_by=actor)
        if attachment is not None:
            attachment_add(actor=actor, target=step, upload=attachment)
        following = PROCEDURE_ORDER.index(stage) + 1
        to_state = (Procedure.Status.STOPPED if passed is False
                    else PROCEDURE_ORDER[following] if following < len(PROCEDURE_ORDER) else Procedure.Status.DONE)
        if not Procedure.objects.filter(pk=procedure.pk, status=stage).update(status=to_state):
            raise Conflict(PROCEDURE[stage].refusal % {"status": procedure.get_status_display()})
        label = ProcedureStage(stage).label
        # The timeline is read by the village: the internal meetings' minutes stay on the step, for the office.
        note = f"{label}：{summary[:160]}" if stage in PUBLIC_STAGES else str(label)
        if passed is not None:
            note = f"{label}（{_('通过') if passed else _('未通过')}，{votes_for}/{present}）"
        _event(topic, actor, "procedure", stage, to_state, note=note,
               data={"stage": stage, "present": present, "expected": expected, "for": votes_for,
                     "against": votes_against, "passed": passed})
        if stage in PUBLIC_STAGES:
            title = (_("决议公开：%(t)s") if stage == ProcedureStage.PUBLISH else _("实施结果公开：%(t)s")) % {
                "t": topic.title}
            notify(_village_users(topic.region), title=title, body=summary[:500], url=procedure.get_absolute_url())
    procedure.status = to_state
    step.procedure = procedure
    return step


# --- 村级三资 and 财务公开 -------------------------------------------------------------------------------

def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def ledger_line_add(*, actor, region: Region, kind: str, category: str, amount: Decimal, occurred_on: dt.date,
                    counterparty: str, voucher_no: str, voucher_summary: str, corrects_id: int | None = None) -> LedgerLine:
    """The village office enters a line into its month (opened on first use). A published month is frozen;
    a correction is a new line in an open month naming the published line it corrects."""
    _require_village(region)
    counterparty, voucher_no, voucher_summary = ((v or "").strip() for v in (counterparty, voucher_no, voucher_summary))
    errors = {}
    if kind not in LedgerLine.Kind.values:
        errors["kind"] = _("请选择收入或支出。")
    if category not in LedgerLine.Category.values:
        errors["category"] = _("请选择类别。")
    if amount is None or amount == 0 or (amount < 0 and not corrects_id):
        errors["amount"] = _("金额须大于0（只有更正记录可以填负数冲减）。")
    elif abs(amount) >= Decimal("1e10") or amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = _("金额最多保留两位小数。")
    if occurred_on is None:
        errors["occurred_on"] = _("请填写日期。")
    elif occurred_on > timezone.localdate():
        errors["occurred_on"] = _("日期不能晚于今天。")
    for name, value, message in (("counterparty", counterparty, _("请填写收付对象。")),
                                 ("voucher_no", voucher_no, _("请填写凭证号。")),
                                 ("voucher_summary", voucher_summary, _("请填写凭证摘要。"))):
        if not value:
            errors[name] = message
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        require_region(actor, region, LedgerMonth.scope_spec.roles_for("add"))
        month, _created = LedgerMonth.objects.get_or_create(region=region, month=_month_start(occurred_on))
        month = LedgerMonth.objects.select_for_update().get(pk=month.pk)  # a publish waits for us, or we for it
        if month.status != LedgerMonth.Status.OPEN:
            raise ValidationError({"occurred_on": LEDGER_MONTH["add_line"].refusal})
        corrects = None
        if corrects_id:
            corrects = LedgerLine.objects.restrict(actor, "view").select_related("month").filter(
                pk=corrects_id, month__region=region).first()
            if corrects is None:
                raise ValidationError({"corrects_id": _("要更正的记录不存在，或不属于本村。")})
            if corrects.month.status != LedgerMonth.Status.PUBLISHED:
                raise ValidationError({"corrects_id": _("该记录所在月份尚未公开，可以直接在该月录入，无须更正。")})
        line = LedgerLine.objects.create(
            month=month, kind=kind, category=category, amount=amount, occurred_on=occurred_on,
            counterparty=counterparty[:100], voucher_no=voucher_no[:40], voucher_summary=voucher_summary[:300],
            corrects=corrects, entered_by=actor)
        audit_record(actor=actor, action="deliberation.ledger_line_add", obj=line, region=region,
                     data={"month": f"{month.month:%Y-%m}", "kind": kind, "category": category, "amount": str(amount),
                           "corrects": corrects_id})
    line.month = month
    return line


def ledger_month_publish(*, actor, month_id: int) -> LedgerMonth:
    """Publish the month to the village: its lines are frozen, the villagers told."""
    with transaction.atomic():
        month = _step(LEDGER_MONTH, "publish", LedgerMonth, actor, month_id, related=("region",))
        if not LedgerLine.objects.filter(month=month).exists():
            raise ValidationError(_("本月还没有收支记录，不能公开。"))
        now = timezone.now()
        if not LedgerMonth.objects.filter(pk=month.pk, status=LedgerMonth.Status.OPEN).update(
                status=LedgerMonth.Status.PUBLISHED, published_at=now, published_by=actor):
            raise Conflict(LEDGER_MONTH["publish"].refusal)
        audit_record(actor=actor, action="deliberation.ledger_month_publish", obj=month, region=month.region,
                     from_state=LedgerMonth.Status.OPEN, to_state=LedgerMonth.Status.PUBLISHED)
        notify(_village_users(month.region), url=month.get_absolute_url(),
               title=_("财务公开：%(m)s") % {"m": month},
               body=_("本月村级收支明细已公开，有疑问可以在明细上直接提问。"))
    month.refresh_from_db()
    return month


def ledger_question_ask(*, actor, line_id: int, body: str) -> LedgerQuestion:
    """A villager of the village asks about a published line; the village office is told."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请写下您的问题。")})
    if len(body) > MAX_COMMENT:
        raise ValidationError({"body": _("问题不超过%(n)d个字。") % {"n": MAX_COMMENT}})
    with transaction.atomic():
        line = load_for(LedgerLine, actor, line_id, "ask", related=("month", "month__region"))
        if line.month.status != LedgerMonth.Status.PUBLISHED:
            raise ValidationError({"body": _("该月财务尚未公开。")})
        if not may_ask(actor, line):
            raise PermissionDenied(_("只有本村村民可以提问。"))
        question = LedgerQuestion.objects.create(line=line, asker=resident_of(actor), asked_by=actor, body=body)
        audit_record(actor=actor, action="deliberation.ledger_question_ask", obj=question, region=line.month.region)
        offices = office_users({line.month.region_id}, [Role.VILLAGE_SECRETARY, Role.VILLAGE_ASSISTANT])
        notify(offices.get(line.month.region_id, []), url=line.get_absolute_url(),
               title=_("村民对财务公开提问：%(v)s") % {"v": line.voucher_summary[:60]}, body=body[:500])
    question.line = line
    return question


def ledger_question_answer(*, actor, question_id: int, answer: str) -> LedgerQuestion:
    """The village office answers; the villager who asked is told."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("请填写答复内容。")})
    with transaction.atomic():
        question = _step(LEDGER_QUESTION, "answer", LedgerQuestion, actor, question_id,
                         related=("line", "line__month", "line__month__region", "asker"))
        now = timezone.now()
        if not LedgerQuestion.objects.filter(pk=question.pk, status=LedgerQuestion.Status.ASKED).update(
                status=LedgerQuestion.Status.ANSWERED, answer=answer, answered_by=actor, answered_at=now):
            raise Conflict(LEDGER_QUESTION["answer"].refusal)
        audit_record(actor=actor, action="deliberation.ledger_question_answer", obj=question,
                     region=question.line.month.region, from_state=LedgerQuestion.Status.ASKED,
                     to_state=LedgerQuestion.Status.ANSWERED)
        if question.asked_by_id:
            notify([question.asked_by_id], url=question.line.get_absolute_url(),
                   title=_("您对财务公开的提问已答复"), body=answer[:500])
    question.status, question.answer, question.answered_by, question.answered_at = (
        LedgerQuestion.Status.ANSWERED, answer, actor, now)
    return question


# --- 自建自管 -------------------------------------------------------------------------------------------

def _project_event(project, actor, action, from_state="", to_state="", note="", data=None):
    SelfBuildEvent.objects.create(project=project, actor=actor if getattr(actor, "pk", None) else None, action=action,
                                  from_state=from_state, to_state=to_state, note=note)
    audit_record(actor=actor, action=f"deliberation.self_build_{action}", obj=project, region=project.region,
                 from_state=from_state, to_state=to_state, reason=note, data=data)


def self_build_create(*, actor, region: Region, name: str, description: str, budget: Decimal, decided_on: dt.date,
                      decision: str, topic: Topic | None = None) -> SelfBuildProject:
    """The villagers' meeting chose to build a small project themselves: the office records it."""
    _require_village(region)
    name, description, decision = ((v or "").strip() for v in (name, description, decision))
    errors = {}
    if not name:
        errors["name"] = _("请填写项目名称。")
    if not description:
        errors["description"] = _("请填写建设内容。")
    if budget is None or budget <= 0:
        errors["budget"] = _("预算须大于0。")
    if not decision:
        errors["decision"] = _("请写明村民会议的决定（会议、到会人数、表决结果）。")
    if decided_on is None:
        errors["decided_on"] = _("请填写村民会议决定日期。")
    elif decided_on > timezone.localdate():
        errors["decided_on"] = _("决定日期不能晚于今天。")
    if topic is not None and topic.region_id != region.pk:
        errors["topic"] = _("关联的议题须是本村的议题。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        require_region(actor, region, SelfBuildProject.scope_spec.roles_for("add"))
        project = SelfBuildProject.objects.create(region=region, name=name[:200], description=description,
                                                  budget=budget, decided_on=decided_on, decision=decision, topic=topic,
                                                  created_by=actor)
        _project_event(project, actor, "create", to_state=project.status, note=decision[:200],
                       data={"budget": str(budget), "topic": getattr(topic, "pk", None)})
    return project


def self_build_work_add(*, actor, project_id: int, worked_on: dt.date, days: Decimal, people: int, note: str,
                        materials: str = "", material_cost: Decimal | None = None) -> SelfBuildWork:
    note, materials = (note or "").strip(), (materials or "").strip()
    errors = {}
    if worked_on is None:
        errors["worked_on"] = _("请填写施工日期。")
    elif worked_on > timezone.localdate():
        errors["worked_on"] = _("施工日期不能晚于今天。")
    if days is None or days <= 0:
        errors["days"] = _("天数须大于0。")
    if people is None or people <= 0:
        errors["people"] = _("人数须大于0。")
    if material_cost is not None and material_cost < 0:
        errors["material_cost"] = _("材料费用不能为负数。")
    if not note:
        errors["note"] = _("请填写工作内容。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        project = _step(SELF_BUILD, "work", SelfBuildProject, actor, project_id, related=("region",))
        work = SelfBuildWork.objects.create(project=project, worked_on=worked_on, days=days, people=people,
                                            materials=materials[:300], material_cost=material_cost or 0,
                                            note=note[:300], recorded_by=actor)
        _project_event(project, actor, "work", note=f"{worked_on:%m-%d} {people}人×{days}天：{note[:100]}")
    return work


def self_build_submit(*, actor, project_id: int) -> SelfBuildProject:
    """The village asks the township to check acceptance; the township's staff are told."""
    with transaction.atomic():
        project = _step(SELF_BUILD, "submit", SelfBuildProject, actor, project_id, related=("region",))
        if not SelfBuildWork.objects.filter(project=project).exists():
            raise ValidationError(_("还没有施工记录，不能申请验收。"))
        before = project.status
        if not SelfBuildProject.objects.filter(pk=project.pk, status=before).update(
                status=SelfBuildProject.Status.SUBMITTED):
            raise Conflict(SELF_BUILD["submit"].refusal % {"status": project.get_status_display()})
        _project_event(project, actor, "submit", before, SelfBuildProject.Status.SUBMITTED)
        township = project.region.parent_id
        offices = office_users({township}, [Role.TOWNSHIP_STAFF, Role.TOWNSHIP_HEAD])
        notify(offices.get(township, []), url=project.get_absolute_url(),
               title=_("自建自管项目申请验收：%(n)s") % {"n": project.name},
               body=_("%(v)s 申请验收，请到现场查验。") % {"v": project.region.name})
    project.refresh_from_db()
    return project


def _self_build_check(*, actor, project_id: int, step: str, note: str) -> SelfBuildProject:
    with transaction.atomic():
        project = _step(SELF_BUILD, step, SelfBuildProject, actor, project_id, related=("region",))
        to_state = SelfBuildProject.Status.ACCEPTED if step == "accept" else SelfBuildProject.Status.RETURNED
        now = timezone.now()
        if not SelfBuildProject.objects.filter(pk=project.pk, status=SelfBuildProject.Status.SUBMITTED).update(
                status=to_state, checked_by=actor, checked_at=now, check_note=note):
            raise Conflict(SELF_BUILD[step].refusal % {"status": project.get_status_display()})
        _project_event(project, actor, step, SelfBuildProject.Status.SUBMITTED, to_state, note=note[:500])
        offices = office_users({project.region_id}, [Role.VILLAGE_SECRETARY, Role.VILLAGE_ASSISTANT])
        notify(offices.get(project.region_id, []), url=project.get_absolute_url(),
               title=(_("自建自管项目验收合格：%(n)s") if step == "accept" else _("自建自管项目验收退回：%(n)s"))
               % {"n": project.name}, body=note[:500])
    project.refresh_from_db()
    return project


def self_build_accept(*, actor, project_id: int, note: str) -> SelfBuildProject:
    """The township checked the work on site and accepts it."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("请填写验收意见。")})
    return _self_build_check(actor=actor, project_id=project_id, step="accept", note=note)


def self_build_return(*, actor, project_id: int, reason: str) -> SelfBuildProject:
    """The township returns it for rework, with the reason; the village records more work and submits again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明退回整改的原因。")})
    return _self_build_check(actor=actor, project_id=project_id, step="return", note=reason)
