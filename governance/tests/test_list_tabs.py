"""Status tabs with counts above a workflow list: one per state, the other filters kept, the current one marked."""
from django.test import RequestFactory

from governance import selectors
from governance.filtersets import ResidentFilterSet
from governance.generic import ObjectListView
from governance.models import Resident

from .fixtures import make_resident


class TabbedResidents(ObjectListView):
    selector = selectors.resident_list
    filterset_class = ResidentFilterSet
    status_tabs = "status"
    template_name = "governance/resident_list.html"


def _tabs(user, query: dict):
    request = RequestFactory().get("/", query)
    request.user = user
    view = TabbedResidents()
    view.setup(request)
    view.object_list = view.get_queryset()
    return {t["value"]: t for t in view.get_context_data()["status_tabs"]}


def test_tabs_count_each_state_inside_the_scope_and_keep_the_other_filters(tree, personas, django_assert_num_queries):
    for n in range(3):
        make_resident(tree.A1g, name=f"在村{n}")
    make_resident(tree.A1g, name="外出甲", status=Resident.Status.AWAY, away_location="杭州")
    make_resident(tree.B1g, name="乙镇外出", status=Resident.Status.AWAY, away_location="杭州")
    user = personas.township_staff_a
    tabs = _tabs(user, {"status": "away"})
    assert tabs["away"]["count"] == 1 and tabs["away"]["active"] and not tabs[""]["active"]
    assert tabs["home"]["count"] == 4  # the three and 甲村民, the persona's own record
    assert tabs[""]["count"] == 5 and "status=home" in tabs["home"]["url"]
    named = _tabs(user, {"q": "外出"})
    assert named["away"]["count"] == 1 and named["home"]["count"] == 0 and "q=" in named["away"]["url"]


def test_a_filter_bar_says_全部_even_after_the_api_schema_built_the_class_filters(rf, personas):
    """drf-spectacular reads each FilterSet's class filters (building their fields); the page's filter bar, built
    from copies of them, must still get its own widgets and "全部" — never Django's bare "---------"."""
    from governance.filtersets import RegionFilterSet

    for flt in RegionFilterSet.base_filters.values():
        flt.field  # noqa: B018 - what the schema generation does
    request = rf.get("/")
    request.user = personas.county_admin
    assert "---------" not in str(RegionFilterSet(None, request=request).form)
