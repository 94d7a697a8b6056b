"""centers/ in the authorization matrix: one object of each model on each side."""
import datetime as dt
import itertools

from governance.models import Region
from governance.tests.matrix import register, register_kwarg, register_pages

from centers.models import (
    Attendance,
    Candidate,
    Center,
    CenterKind,
    Cluster,
    CommitteePost,
    CommitteeSeat,
    Course,
    LeadGooseMark,
    LeadGooseMeasure,
    ModeSwitch,
    OperatingMode,
    PartyMember,
    PartyOrganization,
    PioneerPost,
    PipelineStep,
    ReserveCadre,
    ReserveShortfall,
    SecretaryRating,
    Stage,
    StageRule,
    StaffAssignment,
    StarRule,
    TownshipMode,
    TrainingLevel,
    TrainingRequirement,
    TrainingSession,
    Unit,
    VillageContact,
    WorkCategory,
    WorkItem,
)
from governance.tests.fixtures import make_resident

from . import factories as f

_n = itertools.count(1)


def village_of(region: Region) -> Region:
    return region.ancestor_at(Region.Level.VILLAGE)


def township_of(region: Region) -> Region:
    return region.ancestor_at(Region.Level.TOWNSHIP)


def _session(region):
    course = Course.objects.create(title=f"课程{next(_n)}", level=TrainingLevel.NIGHT_SCHOOL, region=township_of(region))
    return TrainingSession.objects.create(course=course, region=township_of(region), date=dt.date(2026, 3, 1), hours=2)


register(Center, lambda region, side, tree, p: Center.objects.get(township=township_of(region), kind=CenterKind.SOCIAL_AFFAIRS))
register(WorkCategory, lambda region, side, tree, p: WorkCategory.objects.order_by("id").first())
register(Unit, lambda region, side, tree, p: Unit.objects.create(name=f"矩阵共建单位{next(_n)}", kind=Unit.Kind.AGENCY, region=region))
register(WorkItem, lambda region, side, tree, p: f.work_item(township_of(region)))
register(TownshipMode, lambda region, side, tree, p: TownshipMode.objects.get(township=township_of(region)))
register(ModeSwitch, lambda region, side, tree, p: ModeSwitch.objects.create(
    township=township_of(region), from_mode=OperatingMode.NORMAL, to_mode=OperatingMode.COORDINATED, reason="矩阵测试"))
register(StaffAssignment, lambda region, side, tree, p: StaffAssignment.objects.get(user=f.staff(township_of(region))))
register(Cluster, lambda region, side, tree, p: Cluster.objects.create(township=township_of(region), name=f"片区{next(_n)}"))
register(VillageContact, lambda region, side, tree, p: VillageContact.objects.create(
    village=village_of(region), cadre=f.staff(township_of(region))))
register(PartyOrganization, lambda region, side, tree, p: f.village_branch(village_of(region)))
register(CommitteeSeat, lambda region, side, tree, p: CommitteeSeat.objects.create(
    organization=f.village_branch(village_of(region)), person_name="委员甲"))
register(PartyMember, lambda region, side, tree, p: f.member(region))
register(PioneerPost, lambda region, side, tree, p: PioneerPost.objects.create(
    region=region, kind=PioneerPost.Kind.GRID_HEAD, member=f.member(region)))
register(Candidate, lambda region, side, tree, p: f.candidate(region))
register(PipelineStep, lambda region, side, tree, p: PipelineStep.objects.create(
    candidate=f.candidate(region), from_stage=Stage.APPLICANT, to_stage=Stage.ACTIVIST, step_date=dt.date(2024, 3, 1)))
register(StageRule, lambda region, side, tree, p: StageRule.objects.order_by("id").first())
register(ReserveCadre, lambda region, side, tree, p: f.reserves(village_of(region), 1)[0])
register(ReserveShortfall, lambda region, side, tree, p: ReserveShortfall.objects.create(village=village_of(region), count=1))
register(Course, lambda region, side, tree, p: _session(region).course)
register(TrainingSession, lambda region, side, tree, p: _session(region))
register(Attendance, lambda region, side, tree, p: Attendance.objects.create(
    session=_session(region), resident=make_resident(region), region=village_of(region), hours=2, year=2026))
register(TrainingRequirement, lambda region, side, tree, p: TrainingRequirement.objects.get_or_create(year=2026, defaults={"hours": 32})[0])
register(CommitteePost, lambda region, side, tree, p: CommitteePost.objects.create(
    village=village_of(region), resident=make_resident(region), body=CommitteePost.Body.PARTY, post=CommitteePost.Post.MEMBER))
register(StarRule, lambda region, side, tree, p: StarRule.objects.order_by("id").first())
register(SecretaryRating, lambda region, side, tree, p: SecretaryRating.objects.create(
    village=village_of(region), secretary=make_resident(region), year=2000 + next(_n), exam_theory=80, exam_practice=80,
    evaluation=80, stars=4))
register(LeadGooseMeasure, lambda region, side, tree, p: LeadGooseMeasure.objects.order_by("id").first())
register(LeadGooseMark, lambda region, side, tree, p: LeadGooseMark.objects.create(
    measure=LeadGooseMeasure.objects.order_by("id").first(), village=village_of(region), year=2000 + next(_n), done=True))

register_pages("work_item_list", "assignment_list", "assignment_add", "cluster_list", "cluster_add", "contact_add",
               "organization_list", "member_list", "pioneer_list", "candidate_list", "candidate_add", "reserve_list",
               "reserve_add", "session_list", "course_add", "session_add", "training_behind", "committee_post_list",
               "committee_post_add", "rating_list", "rating_add", "lead_goose_add", "rules",
               "training_requirement_set", "measure_add", "member_add", "pioneer_add", "organization_add")
register_kwarg("work_item_take:pk", WorkItem)
register_kwarg("work_item_assign:pk", WorkItem)
register_kwarg("work_item_complete:pk", WorkItem)
register_kwarg("mode_switch:pk", Region)
register_kwarg("step_propose:pk", Candidate)
register_kwarg("step_approve:pk", PipelineStep)
register_kwarg("step_approve_override:pk", PipelineStep)
register_kwarg("step_reject:pk", PipelineStep)
register_kwarg("step_file:pk", PipelineStep)
register_kwarg("reserve_remove:pk", ReserveCadre)
register_kwarg("attendance_add:pk", TrainingSession)
register_kwarg("contact_remove:pk", VillageContact)
register_kwarg("seat_add:pk", PartyOrganization)
register_kwarg("seat_remove:pk", CommitteeSeat)
register_kwarg("stage_rule_edit:pk", StageRule)
register_kwarg("star_rule_edit:pk", StarRule)
