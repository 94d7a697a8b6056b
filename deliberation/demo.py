"""三村议事 in the demo county: councils in every village, topics in every state, votes through all
three channels (a realistic share of migrants voting remotely), resolutions under supervision.

Idempotent (does nothing once councils exist), bulk-inserted, deterministic through ctx.rng.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from governance.models import Region, Resident

from . import links
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
    ProcedureStage,
    ProcedureStep,
    Proposal,
    ProposalSupport,
    SelfBuildEvent,
    SelfBuildProject,
    SelfBuildWork,
    Resolution,
    ResolutionLink,
    SupervisionNote,
    Topic,
    TopicEvent,
    TopicOption,
    VillageCharter,
    Vote,
)
from .selectors import _adult_cutoff, compute_tally

# (title, background, choices or None for a 同意/反对/弃权 proposal, resolution text)
TOPICS = [
    ("村道硬化及太阳能路灯安装方案", "主干道2.3公里尚为砂石路，夜间无照明。拟使用村级党组织服务群众专项经费和驻点联系服务群众专项资金，硬化路面并安装太阳能路灯40盏。", None,
     "同意实施村道硬化及路灯安装，由村委会按程序招标，村务监督委员会全程监督。"),
    ("修订村规民约：红白喜事操办标准", "近年红白喜事攀比之风抬头。拟修订村规民约第五条：婚事宴席不超过15桌，丧事从简，不燃放大型烟花。", None,
     "村规民约第五条按修订稿执行，由红白理事会负责宣传和劝导。"),
    ("村口文化广场建设选址", "群众反映缺少活动场地，拟建设文化广场一处（约1200平方米），有三个备选地块。",
     ["村委会东侧空地", "原村小学操场", "河边晒谷场"], "文化广场选址确定，由建设理事会组织施工，明年汛期前完工。"),
    ("新农村示范片“四不补”实施方案", "按照示范片建设要求，拟实行“拆旧不补、青苗不补、让地不补、误工不补”，党员干部带头，涉及农户43户。", None,
     "示范片按“四不补”实施，党员干部先行，涉及农户逐户签订承诺书。"),
    ("村级光伏电站收益分配方案", "村级光伏电站年收益约8.6万元，拟按公益岗位、困难户帮扶、村集体公积金三部分分配。",
     ["公益岗位40%·帮扶30%·公积金30%", "帮扶50%·公积金50%"], "光伏收益按表决方案分配，每季度在村务公开栏公示。"),
    ("闲置校舍出租方案", "原村小学校舍闲置三年，有农业合作社申请租用作为仓储，租期5年，年租金1.2万元。", None,
     "同意出租闲置校舍，租金收入纳入村集体经济账户。"),
    ("饮水安全工程入户费用分摊", "自来水管网延伸至各村民小组，入户管材及安装每户约600元，拟由村集体补助一半。", None,
     "入户费用村集体补助50%，其余由农户自愿缴纳，困难户全免。"),
    ("村集体水塘发包方式", "村集体水塘承包合同年底到期，需确定新的发包方式。", ["公开竞价发包", "村集体自营养殖"],
     "水塘按表决结果发包，发包过程在村务公开栏公示。"),
]
# The demo village's secret ballots (无记名投票): one open for the demo villagers, one closed with its result.
SECRET_TOPICS = [
    ("第三村民小组组长推选（无记名投票）", "原组长因病辞去职务，经村党组织提名两名候选人，由本村村民无记名投票推选。",
     ["王建国", "李秀英"], "按无记名投票结果，得票过半的候选人当选第三村民小组组长，任期至本届村委会届满。"),
    ("村务监督委员会成员补选（无记名投票）", "村务监督委员会一名成员外出务工，拟补选一名，候选人经村民代表会议推荐。",
     ["陈志强", "刘桂兰"], "按无记名投票结果确定当选人，报镇党委备案。"),
]
COMMENTS_HOME = ["同意，早该办了。", "建议先把预算公开出来，大家心里有数。", "老人晚上出门不方便，支持。",
                 "施工期间要注意别影响春耕。", "希望村务监督委员会全程盯着。"]
COMMENTS_AWAY = ["我在外地打工，通过网上议事参加，支持村里的方案。", "在外地也能投票，这个办法好。",
                 "建议每月在群里通报一次进度。"]
NOTES = ["已完成招标公示，无异议。", "施工队已进场，监督员每周巡查一次。", "资金使用台账已核对，与公示一致。",
         "已完工，组织村民代表验收。"]
COUNCILS = [
    (Council.Kind.DELIBERATION, "村民议事会", "对村内重大事项共商共议，组织三村议事。"),
    (Council.Kind.SUPERVISION, "村务监督委员会", "监督决议落实、村级财务和工程建设。"),
    (Council.Kind.CUSTOMS, "红白理事会", "倡导婚事新办、丧事简办，劝导移风易俗。"),
]


def seed(ctx) -> None:
    if Council.objects.exists():
        return
    rng = ctx.rng
    now = timezone.now()
    today = timezone.localdate()
    villages = list(ctx.villages())
    cutoff = _adult_cutoff()
    adults: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, path, status in Resident.objects.filter(birth_date__lte=cutoff).values_list("pk", "region__path", "status"):
        adults[path[:12]].append((pk, status))
    users = ctx.users
    demo_village = users["village_secretary"].role_assignments.first().region if "village_secretary" in users else None
    demo_residents = {u.resident.pk for name in ("resident", "resident_away") if (u := users.get(name)) and
                      hasattr(u, "resident")}

    # Councils and members (migrants among them).
    councils = []
    for v in villages:
        for kind, name, duties in COUNCILS[: 2 + (rng.random() < 0.6)]:
            councils.append(Council(region=v, name=name, kind=kind, duties=duties,
                                    founded_on=today - dt.timedelta(days=rng.randint(200, 1500))))
    Council.objects.bulk_create(councils, batch_size=2000)
    members = []
    for c in councils:
        pool = adults.get(c.region.path, [])
        chosen = rng.sample(pool, min(len(pool), rng.randint(5, 7)))
        if demo_village and c.region_id == demo_village.pk and c.kind == Council.Kind.SUPERVISION:
            away = users.get("resident_away")
            if away is not None and hasattr(away, "resident") and all(pk != away.resident.pk for pk, _ in chosen):
                chosen = [(away.resident.pk, "away")] + chosen[:-1]
        start = today - dt.timedelta(days=rng.randint(100, 900))
        for i, (pk, _status) in enumerate(chosen):
            role = CouncilMember.Role.CHAIR if i == 0 else (
                CouncilMember.Role.SUPERVISOR if c.kind == Council.Kind.SUPERVISION else CouncilMember.Role.MEMBER)
            members.append(CouncilMember(council=c, resident_id=pk, role=role, term_start=start,
                                         term_end=None if i == 0 or rng.random() < 0.9 else today - dt.timedelta(days=10)))
    CouncilMember.objects.bulk_create(members, batch_size=5000)

    # Topics: per village one of each state — draft, open, closed (resolution in progress), closed (done).
    plans = []  # (topic, state, spec)
    for v in villages:
        # The demo village shows a choice topic open, a proposal being carried out and one done.
        picks = [TOPICS[5], TOPICS[2], TOPICS[0], TOPICS[1]] if v == demo_village else rng.sample(TOPICS, 4)
        states = ["draft", "open", "in_progress", "done"]
        if v == demo_village:
            picks, states = picks + SECRET_TOPICS, states + ["open", "in_progress"]
        for i, (state, spec) in enumerate(zip(states, picks)):
            if state == "draft":
                opens = now + dt.timedelta(days=rng.randint(3, 10))
            elif state == "open":
                opens = now - dt.timedelta(days=rng.randint(1, 3))
            elif state == "in_progress":
                opens = now - dt.timedelta(days=rng.randint(20, 60))
            else:
                opens = now - dt.timedelta(days=rng.randint(120, 400))
            closes = opens + dt.timedelta(days=7)
            status = {"draft": Topic.Status.DRAFT, "open": Topic.Status.OPEN}.get(state, Topic.Status.CLOSED)
            t = Topic(region=v, title=spec[0], background=spec[1],
                      kind=Topic.Kind.CHOICE if spec[2] else Topic.Kind.PROPOSAL, opens_at=opens, closes_at=closes,
                      meeting_at=timezone.localtime(closes - dt.timedelta(days=1)).replace(hour=19, minute=30, second=0, microsecond=0), meeting_place=f"{v.name}党群服务中心",
                      quorum_percent=50 if v == demo_village else rng.choice([50, 50, 60]),
                      majority_percent=50 if v == demo_village else rng.choice([50, 50, 50, 66]),
                      status=status, created_by=users.get("village_secretary") if v == demo_village else None,
                      created_at=opens - dt.timedelta(days=3), opened_at=None if state == "draft" else opens,
                      closed_at=closes if status == Topic.Status.CLOSED else None, secret=i >= 4)
            plans.append((t, state, spec))
    Topic.objects.bulk_create([t for t, _, _ in plans], batch_size=2000)
    options = []
    for t, _state, spec in plans:
        if spec[2]:
            options += [TopicOption(topic=t, label=label, position=i) for i, label in enumerate(spec[2])]
        else:
            options += [TopicOption(topic=t, label=label, meaning=m, position=i)
                        for i, (m, label) in enumerate([("for", "同意"), ("against", "反对"), ("abstain", "弃权")])]
    TopicOption.objects.bulk_create(options, batch_size=5000)
    options_by_topic = defaultdict(list)
    for o in options:
        options_by_topic[o.topic_id].append(o)

    # Votes through the three channels. At home: some at the meeting, some online; away: remotely.
    votes, attendance, tallies, events, comments = [], [], [], [], []
    sealed = defaultdict(int)  # (topic, option) -> count: a secret topic's ballot box
    secretary = users.get("village_secretary")
    for t, state, _spec in plans:
        events.append(TopicEvent(topic=t, at=t.created_at, action="create", to_state="draft"))
        if state == "draft":
            continue
        events.append(TopicEvent(topic=t, at=t.opens_at, action="open", from_state="draft", to_state="open"))
        opts = options_by_topic[t.pk]
        if opts[0].meaning == "for":
            weights = [6, 2, 1]
        else:  # one site or plan is usually the village's clear favourite
            weights = [rng.randint(1, 3) for _ in opts]
            weights[rng.randrange(len(opts))] += 6
        closed = state != "open"
        in_person = 0
        for pk, status in adults.get(t.region.path, []):
            if pk in demo_residents and state == "open":
                continue  # the demo villagers still have their say on the open topic
            r = rng.random()
            if status == Resident.Status.AWAY:
                channel = Channel.REMOTE if r < (0.55 if closed else 0.3) else None
            else:
                channel = Channel.IN_PERSON if closed and r < 0.45 else (
                    Channel.ONLINE if r < (0.65 if closed else 0.25) else None)
            if channel is None:
                continue
            at = t.opens_at + dt.timedelta(minutes=rng.randint(10, 60 * 24 * (2 if state == "open" else 6)))
            if channel == Channel.IN_PERSON:
                at = t.meeting_at
                in_person += 1
                votes.append(Vote(topic=t, resident_id=pk, channel=channel, cast_at=at, recorded_by=None))
            elif t.secret:  # who took part, on the Vote; what they chose, only in the box's counts
                votes.append(Vote(topic=t, resident_id=pk, channel=channel, cast_at=at))
                sealed[(t.pk, rng.choices(opts, weights=weights)[0].pk)] += 1
            else:
                votes.append(Vote(topic=t, resident_id=pk, channel=channel, cast_at=at,
                                  option=rng.choices(opts, weights=weights)[0]))
            attendance.append(Attendance(topic=t, resident_id=pk, channel=channel, at=at))
        if closed and in_person:
            hands = [0] * len(opts)
            for _ in range(in_person - rng.randint(0, max(1, in_person // 10))):  # a few did not raise a hand
                hands[rng.choices(range(len(opts)), weights=weights)[0]] += 1
            tallies += [HandTally(topic=t, option=o, count=n, recorded_at=t.meeting_at) for o, n in zip(opts, hands)]
            events.append(TopicEvent(topic=t, at=t.meeting_at, action="sign_in", note=f"{in_person}人"))
            events.append(TopicEvent(topic=t, at=t.meeting_at, action="hand_tally"))
        if t.region == demo_village and secretary is not None:
            for name, text in (("resident", rng.choice(COMMENTS_HOME)), ("resident_away", rng.choice(COMMENTS_AWAY))):
                u = users.get(name)
                if u is not None and hasattr(u, "resident") and not (state == "open" and name == "resident_away"):
                    comments.append(Comment(topic=t, author=u, resident=u.resident, body=text,
                                            channel=Channel.REMOTE if name == "resident_away" else Channel.ONLINE,
                                            created_at=t.opens_at + dt.timedelta(hours=rng.randint(2, 40))))
            comments.append(Comment(topic=t, author=secretary, body="欢迎大家发表意见，现场会议按时召开。",
                                    created_at=t.opens_at + dt.timedelta(hours=1)))
    Vote.objects.bulk_create(votes, batch_size=5000)
    BallotCount.objects.bulk_create([BallotCount(topic=t, option=o, count=sealed[(t.pk, o.pk)])
                                     for t, _state, _spec in plans if t.secret for o in options_by_topic[t.pk]])
    Attendance.objects.bulk_create(attendance, batch_size=5000)
    HandTally.objects.bulk_create(tallies, batch_size=5000)
    Comment.objects.bulk_create(comments, batch_size=2000)

    # Close: the locked result, as topic_close computes it.
    resolutions = []
    for t, state, spec in plans:
        if state not in ("in_progress", "done"):
            continue
        tally = compute_tally(t)
        t.result, t.eligible_count, t.turnout = tally, tally["eligible"], tally["turnout"]
        t.quorum_met, t.passed, t.winning_option_id = tally["quorum_met"], tally["passed"], tally["adopted_id"]
        t.window_end_notified_at = t.closes_at
        events.append(TopicEvent(topic=t, at=t.closed_at, action="close", from_state="open", to_state="closed"))
        if not t.passed:
            continue
        done = state == "done"
        resolutions.append(Resolution(topic=t, text=spec[3], published_at=t.closed_at + dt.timedelta(days=1),
                                      status=Resolution.Status.DONE if done else Resolution.Status.IN_PROGRESS,
                                      done_at=t.closed_at + dt.timedelta(days=rng.randint(30, 90)) if done else None,
                                      recorded_by=secretary if t.region == demo_village else None))
        events.append(TopicEvent(topic=t, at=t.closed_at + dt.timedelta(days=1), action="resolution",
                                 to_state="in_progress"))
        if done:
            events.append(TopicEvent(topic=t, at=resolutions[-1].done_at, action="done", from_state="in_progress",
                                     to_state="done"))
    Topic.objects.bulk_update([t for t, s, _ in plans if s in ("in_progress", "done")],
                              ["result", "eligible_count", "turnout", "quorum_met", "passed", "winning_option",
                               "window_end_notified_at"], batch_size=1000)
    Resolution.objects.bulk_create(resolutions, batch_size=2000)
    for e in events:  # the demo village's secretary convened and ran its topics
        if e.topic.region == demo_village:
            e.actor = users.get("village_assistant") if e.action in ("sign_in", "hand_tally") else secretary
    TopicEvent.objects.bulk_create(events, batch_size=5000)

    # Supervision notes where an account can sign them (the demo villages), and links to what carries a
    # resolution out where such objects exist in the township (micro-works, orders, center work items).
    supervision = {c.region_id: c for c in councils if c.kind == Council.Kind.SUPERVISION}
    notes = []
    for res in resolutions:
        region_id = res.topic.region_id
        if res.topic.region != demo_village or region_id not in supervision:
            continue
        away = users.get("resident_away")
        for i, body in enumerate(NOTES[: 4 if res.status == Resolution.Status.DONE else 2]):
            notes.append(SupervisionNote(resolution=res, council=supervision[region_id],
                                         author=away if away is not None and i % 2 else secretary, body=body,
                                         created_at=res.published_at + dt.timedelta(days=7 * (i + 1))))
    SupervisionNote.objects.bulk_create([n for n in notes if n.author_id], batch_size=2000)
    link_rows = []
    township_staff = users.get("township_staff")
    if township_staff is not None:
        targets = []
        for model in links.target_models():
            ct = ContentType.objects.get_for_model(model)
            targets += [(ct, obj) for obj in model.objects.restrict(township_staff, "view").order_by("pk")[:20]]
        township = Region.objects.filter(level=Region.Level.TOWNSHIP, role_assignments__user=township_staff).first()
        ours = [r for r in resolutions if township and r.topic.region.path.startswith(township.path)]
        for res, (ct, obj) in zip(ours, targets):
            link_rows.append(ResolutionLink(resolution=res, content_type=ct, object_id=str(obj.pk), label=str(obj)[:200],
                                            linked_by=township_staff, linked_at=res.published_at))
    ResolutionLink.objects.bulk_create(link_rows)
    if demo_village is not None:
        _seed_proposals(ctx, demo_village, adults.get(demo_village.path, []), demo_residents,
                        next((t for t, s, _ in plans if t.region == demo_village and s == "draft"), None))
    ctx.log(f"  理事会 {len(councils)} 个，议题 {len(plans)} 个，表决 {len(votes)} 人次，决议 {len(resolutions)} 项")
    few = ([demo_village] if demo_village is not None else []) + [v for v in villages if v != demo_village][:5]
    _seed_village_governance(ctx, few, plans, demo_village)


PROPOSALS = [
    ("村口增设公交候车亭", "村民到镇上赶集、就医都在村口等车，雨天和夏天无处遮挡。建议在村口建候车亭一座，配座椅和线路牌。"),
    ("村小学旧址改建老年活动室", "村里留守老人多，冬天没有取暖的活动场所。建议将村小学旧址的两间教室改建为老年活动室。"),
]


def _seed_proposals(ctx, village, adults, demo_residents, draft_topic) -> None:
    """The demo village's proposals: one collecting support (the demo villagers may still support it), one
    qualified and waiting for the secretary, one the council put on the agenda as the village's draft topic."""
    rng, now, today = ctx.rng, timezone.now(), timezone.localdate()
    secretary = ctx.users.get("village_secretary")
    VillageCharter.objects.get_or_create(region=village, defaults={"updated_by": secretary})
    pool = [pk for pk, _status in adults if pk not in demo_residents]
    eligible = len(adults)
    needed = max(1, -(-eligible * VillageCharter.DEFAULT_PERCENT // 100))
    if len(pool) < needed + 3:
        return
    specs = [(PROPOSALS[0], Proposal.Status.COLLECTING, max(1, needed // 2)),
             (PROPOSALS[1], Proposal.Status.QUALIFIED, needed)]
    if draft_topic is not None:
        specs.append(((draft_topic.title, draft_topic.background), Proposal.Status.ON_AGENDA, needed))
    supports = []
    for (title, body), status, n in specs:
        backers = rng.sample(pool, n)
        created = now - dt.timedelta(days=rng.randint(5, 12))
        on_agenda = status == Proposal.Status.ON_AGENDA
        p = Proposal.objects.create(
            region=village, title=title, body=body, proposer_id=backers[0], created_at=created,
            collects_until=today + dt.timedelta(days=VillageCharter.DEFAULT_DAYS - 10), eligible_count=eligible,
            support_needed=needed, status=status,
            qualified_at=created + dt.timedelta(days=3) if status != Proposal.Status.COLLECTING else None,
            topic=draft_topic if on_agenda else None, decided_by=secretary if on_agenda else None,
            decided_at=created + dt.timedelta(days=4) if on_agenda else None,
            decision="经村两委商议，列入本月村民议事会议程；材料已在村务公开栏公示，欢迎村民现场或线上参加。" if on_agenda else "")
        supports += [ProposalSupport(proposal=p, resident_id=pk, at=created + dt.timedelta(hours=i * 7))
                     for i, pk in enumerate(backers)]
    ProposalSupport.objects.bulk_create(supports)
    ctx.log(f"  村民提议 {len(specs)} 项（附议 {len(supports)} 人次）")


# 四议两公开 step texts, in order (the two meetings that vote get numbers).
PROCEDURE_TEXTS = {
    "propose": "村党支部委员会研究，提议将该事项提交村两委商议。",
    "consult": "村两委联席会议商议，形成初步方案，提交党员大会审议。",
    "review": "党员大会审议，同意提交村民代表会议决议。",
    "resolve": "村民代表会议表决通过实施方案。",
    "publish": "决议在村务公开栏、村民微信群和本平台公开，公示期7天，无异议。",
    "report": "已按决议实施完毕，资金使用和验收情况在村务公开栏公开。",
}
LEDGER_LINES = [  # kind, category, amount, counterparty, summary
    ("income", "operating_fund", "5000.00", "镇财政所", "村级组织运转经费（6万元/年）按月拨付"),
    ("income", "lease", "1000.00", "农业合作社", "闲置校舍租金"),
    ("income", "collective", "7160.00", "县供电公司", "村级光伏电站发电收益"),
    ("expense", "salary", "3600.00", "村干部", "村干部基本报酬"),
    ("expense", "office", "486.30", "县供电公司", "村部电费"),
    ("expense", "office", "215.00", "镇文具店", "办公用品"),
    ("expense", "welfare", "1200.00", "困难户", "春节慰问困难群众"),
    ("expense", "infrastructure", "2380.00", "村民施工队", "村道路灯维修"),
]
SELF_BUILD = [
    ("第一村民小组排水沟清淤", "清淤排水沟约300米，修复沟壁两处。", "8000", "accepted"),
    ("村口小游园铺装", "铺设透水砖约220平方米，安装石凳6个。", "15000", "submitted"),
    ("河边晒谷场护栏", "加装不锈钢护栏80米。", "6500", "building"),
]


def _seed_village_governance(ctx, villages, plans, demo_village) -> None:
    """四议两公开 on the topics of a few villages, their monthly 财务公开 with questions, and 自建自管 projects."""
    rng, now, today = ctx.rng, timezone.now(), timezone.localdate()
    secretary, township = ctx.users.get("village_secretary"), ctx.users.get("township_staff")
    ours = {v.pk for v in villages}
    procedures, steps = [], []
    upto = {"open": "resolve", "in_progress": "publish", "done": None}  # the step each topic's procedure waits for
    for topic, state, _spec in plans:
        if topic.region_id not in ours or state not in upto:
            continue
        waits = upto[state]
        done = [s for s in ProcedureStage if waits is None or
                [x.value for x in ProcedureStage].index(s.value) < [x.value for x in ProcedureStage].index(waits)]
        start = topic.opens_at - dt.timedelta(days=12)
        p = Procedure(topic=topic, status=waits or Procedure.Status.DONE, started_at=start,
                      started_by=secretary if topic.region == demo_village else None)
        procedures.append(p)
        for i, stage in enumerate(done):
            held = start + dt.timedelta(days=2 * i + 1) if i < 4 else (topic.closes_at + dt.timedelta(days=3 + 30 * (i - 4)))
            if held > now:
                held = now - dt.timedelta(hours=6 - i)
            numbers = {}
            if stage.value == "consult":
                numbers = {"expected": 7, "present": 7}
            elif stage.value in ("review", "resolve"):
                expected = 28 if stage.value == "review" else 41
                present = expected - rng.randint(1, 5)
                against = rng.randint(0, 2)
                numbers = {"expected": expected, "present": present, "votes_for": present - against - 1,
                           "votes_against": against, "votes_abstain": 1, "passed": True}
            summary = PROCEDURE_TEXTS[stage.value]
            if stage.value == "publish":
                summary = f"{topic.title}：{summary}"
            steps.append(ProcedureStep(procedure=p, stage=stage.value, held_at=held, summary=summary,
                                       recorded_by=secretary if topic.region == demo_village else None,
                                       recorded_at=held, **numbers))
    Procedure.objects.bulk_create(procedures)
    ProcedureStep.objects.bulk_create(steps)

    # 财务公开: the last three months published, this month being entered.
    asker = ctx.users.get("resident")
    asker_resident = getattr(asker, "resident", None) if asker is not None else None
    first = today.replace(day=1)
    months = [first]
    for _i in range(3):
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    lines, questions = [], []
    for v in villages:
        for k, m in enumerate(reversed(months)):
            published = m != first
            month = LedgerMonth.objects.create(region=v, month=m,
                                               status=LedgerMonth.Status.PUBLISHED if published else LedgerMonth.Status.OPEN,
                                               published_at=timezone.make_aware(dt.datetime(m.year, m.month, 28, 10))
                                               if published else None,
                                               published_by=secretary if published and v == demo_village else None)
            last_day = min(27, (today.day if not published else 27))
            for j, (kind, cat, amount, party, summary) in enumerate(LEDGER_LINES):
                if not published and j > 4:
                    break
                factor = Decimal(rng.choice(["0.8", "1", "1", "1.2"])) if cat not in ("operating_fund", "salary") else 1
                lines.append(LedgerLine(month=month, kind=kind, category=cat,
                                        amount=(Decimal(amount) * factor).quantize(Decimal("0.01")),
                                        occurred_on=m.replace(day=max(1, min(last_day, 3 + j * 3))),
                                        counterparty=party, voucher_no=f"记-{m.month:02d}{j + 1:02d}",
                                        voucher_summary=summary,
                                        entered_by=secretary if v == demo_village else None))
    LedgerLine.objects.bulk_create(lines)
    if demo_village is not None and asker_resident is not None:
        published = [ln for ln in lines if ln.month.region_id == demo_village.pk and ln.month.status == "published"]
        q_lines = [ln for ln in published if ln.category in ("office", "infrastructure")][-2:]
        for i, line in enumerate(q_lines):
            answered = i == 0
            questions.append(LedgerQuestion(
                line=line, asker=asker_resident, asked_by=asker, body="这笔钱具体用在哪里了？能看看凭证吗？",
                asked_at=now - dt.timedelta(days=3 - i),
                status=LedgerQuestion.Status.ANSWERED if answered else LedgerQuestion.Status.ASKED,
                answer="凭证已在村务公开栏张贴，可到村部查阅原件；该笔用于村部冬季用电。" if answered else "",
                answered_by=secretary if answered else None, answered_at=now - dt.timedelta(days=2) if answered else None))
        # A correction of a published line, in the month being entered.
        wrong = next((ln for ln in published if ln.category == "welfare"), None)
        if wrong is not None:
            LedgerLine.objects.create(month=LedgerMonth.objects.get(region=demo_village, month=first), kind="expense",
                                      category="welfare", amount=Decimal("-100.00"), occurred_on=first,
                                      counterparty=wrong.counterparty, voucher_no=f"记-{first.month:02d}99",
                                      voucher_summary="更正：慰问金多记一户", corrects=wrong, entered_by=secretary)
    LedgerQuestion.objects.bulk_create(questions)

    # 自建自管: one project in each state in the demo village, one a village elsewhere.
    projects, works, events = [], [], []
    for v in villages:
        specs = SELF_BUILD if v == demo_village else [SELF_BUILD[rng.randrange(len(SELF_BUILD))]]
        for name, desc, budget, status in specs:
            decided = today - dt.timedelta(days=rng.randint(40, 90))
            checked = status == "accepted"
            p = SelfBuildProject(region=v, name=name, description=desc, budget=Decimal(budget), decided_on=decided,
                                 decision=f"{decided:%Y年%m月%d日}村民小组会议，到会{rng.randint(25, 40)}户，一致同意自建自管。",
                                 status=status, created_by=secretary if v == demo_village else None,
                                 created_at=timezone.make_aware(dt.datetime.combine(decided, dt.time(20))),
                                 checked_by=township if checked else None,
                                 checked_at=now - dt.timedelta(days=5) if checked else None,
                                 check_note="乡镇现场查验：工程质量合格，资金使用与公示一致。" if checked else "")
            projects.append(p)
    SelfBuildProject.objects.bulk_create(projects)
    for p in projects:
        events.append(SelfBuildEvent(project=p, action="create", to_state="building", at=p.created_at, note=p.decision))
        for d in range(2 if p.status == "building" else 0, 3):
            day = p.decided_on + dt.timedelta(days=7 + d * 5)
            works.append(SelfBuildWork(project=p, worked_on=day, days=Decimal(rng.choice(["1", "1.5", "2"])),
                                       people=rng.randint(4, 9), materials="水泥、砂石", note="村民投工投劳施工",
                                       material_cost=Decimal(rng.randint(300, 1500))))
        if p.status in ("submitted", "accepted"):
            events.append(SelfBuildEvent(project=p, action="submit", from_state="building", to_state="submitted",
                                         at=now - dt.timedelta(days=8)))
        if p.status == "accepted":
            events.append(SelfBuildEvent(project=p, action="accept", from_state="submitted", to_state="accepted",
                                         at=p.checked_at, actor=township, note=p.check_note))
    SelfBuildWork.objects.bulk_create(works)
    SelfBuildEvent.objects.bulk_create(events)
    ctx.log(f"  四议两公开 {len(procedures)} 项，财务公开 {len(lines)} 笔（提问 {len(questions)} 条），自建自管 {len(projects)} 个")
