from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from departments.models import (
    AssignmentEvent,
    Department,
    DepartmentAssignment,
    MatterCatalogueItem,
    StationedCadre,
    StationedVisit,
    Supervision,
    UnitSupervisor,
    WhistleCall,
)


def test_the_demo_county_has_about_twelve_departments_with_a_believable_history(db):
    call_command("seed_demo", residents=600, force=True, stdout=open("/dev/null", "w"))
    assert Department.objects.count() >= 12
    assert MatterCatalogueItem.objects.filter(level="county", category_links__isnull=False).distinct().count() >= 8
    states = set(DepartmentAssignment.objects.values_list("state", flat=True))
    assert {"pending", "accepted", "confirmed", "reassigned"} <= states
    assert DepartmentAssignment.objects.filter(role="assist").exists()
    assert DepartmentAssignment.objects.filter(handed_back_at__isnull=False).exists()
    assert AssignmentEvent.objects.count() > DepartmentAssignment.objects.count()
    assert set(Supervision.objects.values_list("state", flat=True)) == {"open", "escalated", "closed"}
    assert WhistleCall.objects.filter(state="missed").exists()
    assert not UnitSupervisor.objects.filter(unit__isnull=True).exists()
    first = StationedCadre.objects.get(post="first_secretary", state="active", department__code="transport")
    assert first.user is not None and first.visits.count() >= 12
    assert not StationedVisit.objects.filter(date__gt=timezone.localdate()).exists()
    assert not StationedVisit.objects.filter(date__lt=F("cadre__start_date")).exists()
    assert StationedCadre.objects.filter(state="ended").exclude(end_reason="").exists()
    counts = (Department.objects.count(), DepartmentAssignment.objects.count(), Supervision.objects.count(),
              StationedCadre.objects.count(), StationedVisit.objects.count())
    call_command("seed_demo", residents=600, force=True, stdout=open("/dev/null", "w"))
    assert (Department.objects.count(), DepartmentAssignment.objects.count(), Supervision.objects.count(),
            StationedCadre.objects.count(), StationedVisit.objects.count()) == counts
