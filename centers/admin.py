"""Admin for everything in centers/: scoped and read-only (ScopedAdmin); changes go through the portal's actions."""
from django.contrib import admin

from governance.admin import ScopedAdmin

from . import models as m


def simple(model, list_display, filters=(), search=()):
    admin.site.register(model, type(f"{model.__name__}Admin", (ScopedAdmin,), {
        "list_display": list_display, "list_filter": list(filters), "search_fields": list(search)}))


simple(m.Center, ["__str__", "township", "kind"], filters=["kind"])
simple(m.WorkCategory, ["code", "name", "center_kind", "active"], filters=["center_kind", "active"], search=["name"])
simple(m.WorkItem, ["title", "township", "center", "category", "status", "deadline", "assignee"], filters=["status"],
       search=["title"])
simple(m.Unit, ["name", "kind", "region", "active"], filters=["kind", "active"], search=["name"])
simple(m.StaffAssignment, ["user", "center", "original_unit", "original_post", "establishment", "start_date", "end_date"],
       filters=["establishment"])
simple(m.TownshipMode, ["township", "mode", "changed_at"], filters=["mode"])
simple(m.ModeSwitch, ["township", "from_mode", "to_mode", "reason", "actor", "at"])
simple(m.Cluster, ["name", "township", "leader"])
simple(m.VillageContact, ["village", "cadre", "cluster", "since"])
simple(m.PartyOrganization, ["name", "kind", "region", "parent", "center"],
       filters=["kind"], search=["name"])
simple(m.CommitteeSeat, ["person_name", "title", "organization", "part_time", "unit"])
simple(m.PartyMember, ["resident", "organization", "membership", "joined_on", "in_service", "active"],
       filters=["membership", "in_service", "active"], search=["resident__name"])
simple(m.PioneerPost, ["region", "kind", "member", "since"], filters=["kind"])
simple(m.StageRule, ["to_stage", "min_days", "basis"])
simple(m.Candidate, ["resident", "village", "stage", "stage_since", "mentor"],
       filters=["stage"], search=["resident__name"])
simple(m.PipelineStep, ["candidate", "from_stage", "to_stage", "status", "step_date", "proposed_by", "approved_by", "filed_by"],
       filters=["status", "to_stage"])
simple(m.ReserveCadre, ["resident", "village", "kind", "since", "left_on"], filters=["kind"])
simple(m.ReserveShortfall, ["village", "count", "since", "notified"])
simple(m.Course, ["title", "level", "region"], filters=["level"], search=["title"])
simple(m.TrainingSession, ["course", "date", "hours", "region", "location"])
simple(m.Attendance, ["resident", "session", "hours", "year"], filters=["year"])
simple(m.TrainingRequirement, ["year", "hours"])
simple(m.CommitteePost, ["village", "body", "post", "resident", "since"], filters=["body", "post"])
simple(m.StarRule, ["stars", "min_exam_average", "min_evaluation"])
simple(m.SecretaryRating, ["village", "year", "secretary", "exam_theory", "exam_practice", "evaluation", "stars"],
       filters=["year", "stars"])
simple(m.LeadGooseMeasure, ["name", "order", "active"])
simple(m.LeadGooseMark, ["village", "measure", "year", "done", "marked_by"],
       filters=["year", "done"])
