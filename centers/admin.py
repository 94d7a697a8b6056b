"""Admin for everything in centers/; every changelist is scoped, personal data stays masked."""
from django.contrib import admin

from governance.admin import ScopedAdmin

from . import models as m


def simple(model, list_display, raw=(), filters=(), search=()):
    admin.site.register(model, type(f"{model.__name__}Admin", (ScopedAdmin,), {
        "list_display": list_display, "raw_id_fields": list(raw), "list_filter": list(filters),
        "search_fields": list(search)}))


simple(m.Center, ["__str__", "township", "kind"], raw=["township"], filters=["kind"])
simple(m.WorkCategory, ["code", "name", "center_kind", "active"], filters=["center_kind", "active"], search=["name"])
simple(m.WorkItem, ["title", "township", "center", "category", "status", "deadline", "assignee"],
       raw=["township", "center", "assignee", "created_by"], filters=["status"], search=["title"])
simple(m.Unit, ["name", "kind", "region", "active"], raw=["region"], filters=["kind", "active"], search=["name"])
simple(m.StaffAssignment, ["user", "center", "original_unit", "original_post", "establishment", "start_date", "end_date"],
       raw=["user", "township", "center", "created_by"], filters=["establishment"])
simple(m.TownshipMode, ["township", "mode", "changed_at"], raw=["township"], filters=["mode"])
simple(m.ModeSwitch, ["township", "from_mode", "to_mode", "reason", "actor", "at"], raw=["township", "actor"])
simple(m.Cluster, ["name", "township", "leader"], raw=["township", "leader", "cadres"])
simple(m.VillageContact, ["village", "cadre", "cluster", "since"], raw=["village", "cadre", "cluster"])
simple(m.PartyOrganization, ["name", "kind", "region", "parent", "center"], raw=["region", "parent", "center", "secretary"],
       filters=["kind"], search=["name"])
simple(m.CommitteeSeat, ["person_name", "title", "organization", "part_time", "unit"], raw=["organization", "unit"])
simple(m.PartyMember, ["resident", "organization", "membership", "joined_on", "in_service", "active"],
       raw=["resident", "organization", "region"], filters=["membership", "in_service", "active"], search=["resident__name"])
simple(m.PioneerPost, ["region", "kind", "member", "since"], raw=["region", "member"], filters=["kind"])
simple(m.StageRule, ["to_stage", "min_days", "basis"])
simple(m.Candidate, ["resident", "village", "stage", "stage_since", "mentor"], raw=["resident", "village", "organization", "mentor"],
       filters=["stage"], search=["resident__name"])
simple(m.PipelineStep, ["candidate", "from_stage", "to_stage", "status", "step_date", "proposed_by", "approved_by", "filed_by"],
       raw=["candidate", "proposed_by", "approved_by", "filed_by"], filters=["status", "to_stage"])
simple(m.ReserveCadre, ["resident", "village", "kind", "since", "left_on"], raw=["resident", "village"], filters=["kind"])
simple(m.ReserveShortfall, ["village", "count", "since", "notified"], raw=["village"])
simple(m.Course, ["title", "level", "region"], raw=["region"], filters=["level"], search=["title"])
simple(m.TrainingSession, ["course", "date", "hours", "region", "location"], raw=["course", "region"])
simple(m.Attendance, ["resident", "session", "hours", "year"], raw=["resident", "session", "region"], filters=["year"])
simple(m.TrainingRequirement, ["year", "hours"])
simple(m.CommitteePost, ["village", "body", "post", "resident", "since"], raw=["village", "resident"], filters=["body", "post"])
simple(m.StarRule, ["stars", "min_exam_average", "min_evaluation"])
simple(m.SecretaryRating, ["village", "year", "secretary", "exam_theory", "exam_practice", "evaluation", "stars"],
       raw=["village", "secretary", "rated_by"], filters=["year", "stars"])
simple(m.LeadGooseMeasure, ["name", "order", "active"])
simple(m.LeadGooseMark, ["village", "measure", "year", "done", "marked_by"], raw=["village", "measure", "marked_by"],
       filters=["year", "done"])
