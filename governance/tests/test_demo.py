from django.core.management import call_command

from governance.models import Region, Resident, RoleAssignment


def test_the_demo_county_builds_and_a_second_run_changes_nothing(db):
    call_command("seed_demo", residents=600, force=True, stdout=open("/dev/null", "w"))
    counts = (Region.objects.count(), Resident.objects.count(), RoleAssignment.objects.count())
    assert Region.objects.filter(level=2).count() == 12 and Region.objects.filter(level=3).count() >= 200
    assert Resident.objects.count() == 600
    call_command("seed_demo", residents=600, force=True, stdout=open("/dev/null", "w"))
    assert (Region.objects.count(), Resident.objects.count(), RoleAssignment.objects.count()) == counts
    secretary_2 = RoleAssignment.objects.get(user__username="village_secretary_2")
    secretary = RoleAssignment.objects.get(user__username="village_secretary")
    assert secretary.region.parent != secretary_2.region.parent  # different townships


def test_it_refuses_to_run_in_production(settings):
    import pytest
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", residents=10)
