"""Reads of centers/: every queryset starts from `restrict(user, "view")` and preloads what is shown."""
from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, ExpressionWrapper, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from governance import selectors as core
from governance.models import Region, Resident
from governance.scoping import TOWNSHIP, beyond_scope, scoped_by

from .models import (
    RESERVE_MINIMUM,
    Attendance,
    Candidate,
    Center,
    Cluster,
    CommitteePost,
    CommitteeSeat,
    Course,
    LeadGooseMark,
    LeadGooseMeasure,
    ModeSwitch,
    PartyMember,
    PartyOrganization,
    PipelineGateCheck,
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
    TrainingRequirement,
    TrainingSession,
    Unit,
    VillageContact,
    WorkCategory,
    WorkItem,
)


class SubqueryCount(Subquery):
    """COUNT(*) of a correlated subquery, 0 when empty (works on PostgreSQL and SQLite)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) _count)"
    output_field = IntegerField()


def center_list(*, user):
    return Center.objects.restrict(user, "view").select_related("township", "party_branch")


def work_category_list(*, user):
    return WorkCategory.objects.restrict(user, "view")


def work_item_list(*, user):
    return WorkItem.objects.restrict(user, "view").select_related("township", "center", "category", "assignee")


def staff_assignment_list(*, user):
    return StaffAssignment.objects.restrict(user, "view").select_related("user", "township", "center")


def staff_users(*, user, township: Region | None = None):
    """The township cadres with a current center assignment the user can see (of `township` if given): who may
    be assigned an item, lead a cluster or contact a village."""
    current = staff_assignment_list(user=user).filter(end_date__isnull=True)
    if township is not None:
        current = current.filter(township=township)
    return scoped_by(get_user_model().objects.filter(pk__in=current.values("user_id")).order_by("first_name", "username"),
                     user, "holders of a current assignment in staff_assignment_list(user)")


def township_cadres(*, user):
    """The township cadres (a township role) the user can see: whom a center may be given."""
    held = core.role_assignment_list(user=user).filter(role__in=TOWNSHIP, active=True)
    return scoped_by(get_user_model().objects.filter(pk__in=held.values("user_id")).order_by("first_name", "username"),
                     user, "holders of a township role in role_assignment_list(user)")


def townships(*, user):
    return core.region_list(user=user).filter(level=Region.Level.TOWNSHIP).order_by("path")


def villages(*, user):
    return core.region_list(user=user).filter(level=Region.Level.VILLAGE).order_by("path")


def township_mode(township: Region) -> str:
    """The township's operating mode (a read for the actions and the pages of an object already in scope)."""
    from .models import OperatingMode

    return TownshipMode.objects.filter(township=township).values_list("mode", flat=True).first() or OperatingMode.NORMAL


def current_assignment(user) -> StaffAssignment | None:
    """The user's own current center assignment (whether they may take an item)."""
    return StaffAssignment.objects.filter(user=user, end_date__isnull=True).select_related("center").first()


def mode_switch_list(*, user):
    return ModeSwitch.objects.restrict(user, "view").select_related("township", "actor")


def township_mode_list(*, user):
    return TownshipMode.objects.restrict(user, "view").select_related("township").order_by("township__path")


def cluster_list(*, user):
    return (Cluster.objects.restrict(user, "view").select_related("township", "leader")
            .prefetch_related("cadres").annotate(village_count=Count("contacts", distinct=True))
            .order_by("township__path", "name"))


def village_contact_list(*, user):
    return VillageContact.objects.restrict(user, "view").select_related("village", "cadre", "cluster")


def party_organization_list(*, user):
    return (PartyOrganization.objects.restrict(user, "view")
            .select_related("region", "center", "parent", "secretary__resident")
            .annotate(member_count=Count("members", filter=Q(members__active=True), distinct=True))
            .order_by("region__path", "kind", "name"))


def committee_seat_list(*, user):
    return CommitteeSeat.objects.restrict(user, "view").select_related("organization", "unit")


def unit_list(*, user):
    return Unit.objects.restrict(user, "view").select_related("region")


def co_building_units(*, organization: PartyOrganization):
    """The units that can lend a part-time member (兼职委员) to an organisation's committee: the active units
    located at its region's ancestors (the county's agencies) or anywhere in its township. Names of
    organisations, not people: read across the caller's scope on purpose — a village secretary's own scope
    holds none of the county's or the township's units."""
    region = organization.region
    ancestors = [region.path_at(level) for level in Region.PATH_LENGTH if level <= region.level]
    near = Q(region__path__in=ancestors)
    if region.level >= Region.Level.TOWNSHIP:
        near |= Q(region__path__startswith=region.township_path)
    return beyond_scope(Unit.objects.filter(near, active=True).order_by("name"),
                        "the county's and the township's co-building units lend part-time members to an organisation "
                        "below them; names of organisations, not people")


def active_units(*, user=None):
    """Any active unit, as a body reference: the action then refuses one its organisation may not take
    (co_building_units)."""
    return beyond_scope(Unit.objects.filter(active=True),
                        "any active unit; the action refuses one that is not a co-building unit of the organisation")


def party_member_list(*, user):
    return PartyMember.objects.restrict(user, "view").select_related("resident", "organization", "region")


def pioneer_post_list(*, user):
    return PioneerPost.objects.restrict(user, "view").select_related("region", "member__resident")


def candidate_list(*, user):
    return Candidate.objects.restrict(user, "view").select_related("resident", "village", "organization",
                                                                   "mentor__resident")


def pipeline_step_list(*, user):
    return PipelineStep.objects.restrict(user, "view").select_related(
        "candidate__resident", "candidate__village", "proposed_by", "approved_by", "filed_by")


def gate_check_list(*, user):
    """What the pipeline's gates saw (the applicant's credit grade at each step), oldest first."""
    return PipelineGateCheck.objects.restrict(user, "view").select_related("checked_by").order_by("checked_at", "id")


def stage_rule_list(*, user):
    return StageRule.objects.restrict(user, "view")


def reserve_list(*, user):
    return ReserveCadre.objects.restrict(user, "view").select_related("village", "resident")


def reserve_shortfall_list(*, user):
    return ReserveShortfall.objects.restrict(user, "view").select_related("village__parent")


def course_list(*, user):
    return Course.objects.restrict(user, "view").select_related("region").annotate(session_count=Count("sessions")).order_by("level", "title")


def session_list(*, user):
    return (TrainingSession.objects.restrict(user, "view").select_related("course", "region")
            .annotate(attendee_count=Count("attendance")).order_by("-date", "-id"))


def attendance_candidates(*, user, session: TrainingSession):
    """Who may be ticked on a session's attendance: the 两委 post holders and the active reserve cadres the user
    can see inside the session's region."""
    return core.resident_list(user=user).filter(region__path__startswith=session.region.path).filter(
        Q(Exists(CommitteePost.objects.filter(resident=OuterRef("pk"))))
        | Q(Exists(ReserveCadre.objects.filter(resident=OuterRef("pk"), left_on__isnull=True)))
    ).select_related("region").order_by("region__path", "name")


def attendance_list(*, user):
    return Attendance.objects.restrict(user, "view").select_related("session__course", "resident", "region")


def training_requirement_list(*, user):
    return TrainingRequirement.objects.restrict(user, "view")


def committee_post_list(*, user):
    return CommitteePost.objects.restrict(user, "view").select_related("village", "resident")


def star_rule_list(*, user):
    return StarRule.objects.restrict(user, "view")


def secretary_rating_list(*, user):
    return SecretaryRating.objects.restrict(user, "view").select_related("village__parent", "secretary", "rated_by")


def lead_goose_measure_list(*, user):
    return LeadGooseMeasure.objects.restrict(user, "view")


def lead_goose_mark_list(*, user):
    return LeadGooseMark.objects.restrict(user, "view").select_related("measure", "village", "marked_by")


# --- Computed views ------------------------------------------------------------------------------

def reserve_pool_count():
    """Distinct people of a village who count towards the ≥3 rule: active reserve cadres and activists
    in the register, and pipeline candidates at the 入党积极分子 stage.

    Two counts on the village's own rows (indexed by village), the second leaving out anyone the first
    already counted — not a scan of every resident per village."""
    active = ReserveCadre.objects.filter(village=OuterRef("pk"), left_on__isnull=True)
    in_register = SubqueryCount(active.order_by().values("resident").distinct())
    activists = (Candidate.objects.filter(village=OuterRef("pk"), stage=Stage.ACTIVIST)
                 .exclude(resident__in=ReserveCadre.objects.filter(village=OuterRef(OuterRef("pk")),
                                                                   left_on__isnull=True).values("resident"))
                 .order_by().values("resident"))  # one candidacy per resident
    return ExpressionWrapper(in_register + SubqueryCount(activists), output_field=IntegerField())


def villages_with_reserve_counts(villages):
    return villages.annotate(reserve_count=reserve_pool_count())


def villages_short_of_reserves(*, user, within: Region | None = None):
    qs = Region.objects.restrict(user, "view").filter(level=Region.Level.VILLAGE)
    if within is not None:
        qs = qs.filter(path__startswith=within.path)
    return (villages_with_reserve_counts(qs).filter(reserve_count__lt=RESERVE_MINIMUM)
            .select_related("parent").order_by("path"))


def villages_without_contact(*, user, township: Region):
    return (Region.objects.restrict(user, "view").filter(parent=township, level=Region.Level.VILLAGE)
            .filter(~Exists(VillageContact.objects.filter(village=OuterRef("pk")))).order_by("path"))


def nodes_without_pioneer(*, user, community: Region):
    """A community's compounds without a 网格长 and buildings without a 楼栋长."""
    qs = Region.objects.restrict(user, "view").filter(path__startswith=community.path)
    compounds = qs.filter(level=Region.Level.GROUP).filter(
        ~Exists(PioneerPost.objects.filter(region=OuterRef("pk"), kind=PioneerPost.Kind.GRID_HEAD)))
    buildings = qs.filter(level=Region.Level.BUILDING).filter(
        ~Exists(PioneerPost.objects.filter(region=OuterRef("pk"), kind=PioneerPost.Kind.BUILDING_HEAD)))
    return compounds.select_related("parent"), buildings.select_related("parent")


def required_hours(year: int) -> Decimal | None:
    return (TrainingRequirement.objects.filter(year__lte=year).order_by("-year")
            .values_list("hours", flat=True).first())


def cadres_behind_training(*, user, within: Region, year: int | None = None):
    """Village cadres (两委 post holders) inside `within` whose hours this year are below the requirement.
    -> (required hours or None, queryset of Residents annotated with `hours`)."""
    year = year or timezone.localdate().year
    required = required_hours(year)
    cadres = Resident.objects.restrict(user, "view").filter(
        Exists(CommitteePost.objects.filter(resident=OuterRef("pk"), village__path__startswith=within.path)))
    cadres = cadres.annotate(hours=Coalesce(
        Sum("training_attendance__hours", filter=Q(training_attendance__year=year)), Decimal("0"))
    ).select_related("region").order_by("hours", "name")
    if required is None:
        return None, cadres.none()
    return required, cadres.filter(hours__lt=required)


def village_committee_summary(*, user, village: Region) -> dict:
    """两委: posts by body, whether the secretary is also 村委会主任 and economic head (一肩挑), cross members."""
    posts = list(committee_post_list(user=user).filter(village=village))
    by_person: dict[int, set] = {}
    for p in posts:
        by_person.setdefault(p.resident_id, set()).add(p.body)
    heads = {p.body: p.resident_id for p in posts if p.post == CommitteePost.Post.HEAD}
    secretary = heads.get(CommitteePost.Body.PARTY)
    cross = {pid for pid, bodies in by_person.items()
             if {CommitteePost.Body.PARTY, CommitteePost.Body.VILLAGERS} <= bodies}
    bodies = []
    for body in CommitteePost.Body:
        held = [p for p in posts if p.body == body]
        bodies.append({"label": body.label, **{post: [p.resident.name for p in held if p.post == post]
                                              for post in CommitteePost.Post.values}})
    return {
        "posts": posts,
        "bodies": bodies,
        "secretary_is_director": secretary is not None and heads.get(CommitteePost.Body.VILLAGERS) == secretary,
        "secretary_is_economic_head": secretary is not None and heads.get(CommitteePost.Body.ECONOMIC) == secretary,
        "cross_members": sorted({p.resident.name for p in posts if p.resident_id in cross}),
    }
