import pytest
from django.core.exceptions import ValidationError

from governance.models import Region

from .fixtures import make_region


def test_a_child_code_must_extend_its_parent(tree):
    with pytest.raises(ValidationError, match="应以上级区域代码 341122001 开头"):
        make_region(tree.A, "341122002005", "错村", Region.Kind.VILLAGE)


def test_a_township_code_must_be_zero_after_its_ninth_digit(tree):
    with pytest.raises(ValidationError, match="第9位之后应为0"):
        make_region(tree.C, "341122009001", "错镇", Region.Kind.TOWNSHIP)


def test_everything_under_a_township_is_one_prefix_query(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = set(tree.A.subtree().values_list("name", flat=True))
    assert names == {"甲镇", "甲一村", "甲一村第1组", "甲二村", "甲二村第1组"}


def test_a_township_staff_cannot_create_a_region_in_another_township(tree, personas, api):
    resp = api(personas.township_staff_a).post("/api/v1/governance/regions/", {
        "parent": tree.B.pk, "code": "341122002009", "name": "越权村", "kind": "community"}, format="json")
    # A reference in the body outside the scope is a 400 on the field that never says whether it exists.
    assert resp.status_code == 400 and "parent" in resp.json()
    assert not Region.objects.filter(name="越权村").exists()
