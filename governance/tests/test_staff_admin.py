"""Accounts and roles a county runs itself (issue #18): terms that end at once (pages, API, tokens), transfers in
one step, appointments only inside one's scope and below one's rank, proposals the township confirms, password
resets by the level above through a one-time link, and the first-sign-in password change."""
import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from governance import actions, tokens
from governance.errors import Conflict
from governance.models import AccountProfile, ApiToken, AuditEntry, RoleAssignment
from governance.scoping import Role

from .fixtures import make_resident, make_user


def profile(user, region):
    return AccountProfile.objects.get_or_create(user=user, defaults={"region": region})[0]


@pytest.fixture
def staff(tree, personas):
    p = personas
    for user, region in [(p.county_admin, tree.C), (p.township_head_a, tree.A), (p.township_staff_a, tree.A),
                         (p.village_secretary_a1, tree.A1), (p.village_assistant_a1, tree.A1),
                         (p.grid_leader_a1, tree.A1g), (p.township_head_b, tree.B), (p.village_secretary_b1, tree.B1)]:
        profile(user, region)
    p.resident = make_resident(tree.A1g, name="张三")
    return p


def assignment(user, role):
    return RoleAssignment.objects.get(user=user, role=role, status=RoleAssignment.Status.ACTIVE)


def token_client(user):
    _token, key = tokens.api_token_create(actor=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_an_ended_role_stops_working_at_once_for_pages_api_and_tokens(staff, web):
    secretary, resident = staff.village_secretary_a1, staff.resident
    page, api, tok = web(secretary), APIClient(), token_client(secretary)
    api.force_login(secretary)
    url, api_url = f"/residents/{resident.pk}/", f"/api/v1/governance/residents/{resident.pk}/"
    assert page.get(url).status_code == 200 and api.get(api_url).status_code == 200 and tok.get(api_url).status_code == 200
    ended = actions.role_end(actor=staff.township_head_a, assignment_id=assignment(secretary, Role.VILLAGE_SECRETARY).pk,
                             reason="换届")
    assert ended.status == RoleAssignment.Status.ENDED and not ended.active and ended.ends_on == timezone.localdate()
    assert page.get(url).status_code == 404
    assert api.get(api_url).status_code == 404
    assert tok.get(api_url).status_code == 404
    assert AuditEntry.objects.filter(action="role.end", object_id=str(ended.pk), region=staff.village_secretary_a1
                                     .role_assignments.first().region).exists()


def test_a_term_counts_only_between_its_dates(staff):
    head, assistant = staff.township_head_a, staff.village_assistant_a1
    a = assignment(assistant, Role.VILLAGE_ASSISTANT)
    today = timezone.localdate()
    RoleAssignment.objects.filter(pk=a.pk).update(starts_on=today + dt.timedelta(days=3))
    from governance.scoping import user_roles

    fresh = type(assistant).objects.get(pk=assistant.pk)
    assert Role.VILLAGE_ASSISTANT not in user_roles(fresh)
    RoleAssignment.objects.filter(pk=a.pk).update(starts_on=today - dt.timedelta(days=30), ends_on=today - dt.timedelta(days=1))
    fresh = type(assistant).objects.get(pk=assistant.pk)
    assert Role.VILLAGE_ASSISTANT not in user_roles(fresh)
    assert actions.role_terms_close() == 1  # the daily job marks it ended
    a.refresh_from_db()
    assert a.status == RoleAssignment.Status.ENDED and not a.active
    # a later end date is scheduled: still in force today
    b = actions.role_grant(actor=head, user=assistant, role=Role.VILLAGE_ASSISTANT, region=staff.resident.region.parent)
    actions.role_end(actor=head, assignment_id=b.pk, ends_on=today + dt.timedelta(days=10))
    b.refresh_from_db()
    assert b.active and b.ends_on == today + dt.timedelta(days=10)
    assert Role.VILLAGE_ASSISTANT in user_roles(type(assistant).objects.get(pk=assistant.pk))


def test_a_transfer_is_one_step_both_or_neither(staff, tree):
    head, assistant = staff.township_head_a, staff.village_assistant_a1
    old = assignment(assistant, Role.VILLAGE_ASSISTANT)
    with pytest.raises(Exception):  # B1 is another township's: nothing changes
        actions.role_transfer(actor=head, assignment_id=old.pk, region=tree.B1)
    old.refresh_from_db()
    assert old.status == RoleAssignment.Status.ACTIVE
    new = actions.role_transfer(actor=head, assignment_id=old.pk, region=tree.A2, reason="调往甲二村")
    old.refresh_from_db()
    assert old.status == RoleAssignment.Status.ENDED and new.region == tree.A2 and new.active
    assert AuditEntry.objects.filter(action="role.transfer", object_id=str(new.pk)).exists()


def test_a_township_head_cannot_touch_an_account_outside_the_township(staff, tree, web, api):
    head = staff.township_head_a
    other = profile(make_user("b_cadre"), tree.B1)
    assert web(head).get(f"/staff/accounts/{other.pk}/").status_code == 404
    assert web(head).post(f"/staff/accounts/{other.pk}/reset-password/", {"reason": "x"}).status_code == 404
    assert api(head).post(f"/api/v1/governance/staff-accounts/{other.pk}/disable/", {}, format="json").status_code == 404
    answer = api(head).post("/api/v1/governance/staff-accounts/", {"username": "x1", "full_name": "某某", "region": tree.B1.pk},
                            format="json")
    assert answer.status_code == 400 and "region" in answer.json(), (answer.status_code, answer.content)
    assert not type(head).objects.filter(username="x1").exists()
    target = type(head).objects.get(username="village_secretary_b1")
    answer = api(head).post("/api/v1/governance/role-assignments/", {"user": target.pk, "role": Role.VILLAGE_ASSISTANT,
                                                          "region": tree.B1.pk}, format="json")
    assert answer.status_code == 400
    b_role = assignment(staff.village_secretary_b1, Role.VILLAGE_SECRETARY)
    assert api(head).post(f"/api/v1/governance/role-assignments/{b_role.pk}/end/", {}, format="json").status_code == 404
    assert web(head).get(f"/roles/{b_role.pk}/").status_code == 404


def test_nobody_grants_a_role_at_or_above_their_own(staff, tree, api):
    head = staff.township_head_a
    answer = api(head).post("/api/v1/governance/role-assignments/", {"user": staff.township_staff_a.pk, "role": Role.COUNTY_ADMIN,
                                                          "region": tree.C.pk}, format="json")
    assert answer.status_code == 400
    answer = api(head).post("/api/v1/governance/role-assignments/", {"user": staff.township_staff_a.pk, "role": Role.TOWNSHIP_HEAD,
                                                          "region": tree.A.pk}, format="json")
    assert answer.status_code == 400 and "不能授予与您同级或更高的角色" in answer.json()["role"][0]
    answer = api(head).post("/api/v1/governance/role-assignments/", {"user": staff.township_staff_a.pk, "role": Role.VILLAGE_SECRETARY,
                                                          "region": tree.A2.pk, "ends_on": "2030-12-31"}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["ends_on"] == "2030-12-31"
    county_entry = AuditEntry.objects.get(action="role.grant", object_id=str(answer.json()["id"]))
    assert county_entry.actor == head and county_entry.region == tree.A2
    # the level above reads it: the county and this township's head, not the other township's
    from governance.selectors import audit_list

    assert audit_list(user=staff.county_admin).filter(pk=county_entry.pk).exists()
    assert not audit_list(user=staff.township_head_b).filter(pk=county_entry.pk).exists()


def test_a_village_secretary_proposes_and_the_township_confirms(staff, tree, api, web):
    secretary, head = staff.village_secretary_a1, staff.township_head_a
    candidate = make_user("candidate_a1")
    profile(candidate, tree.A1)
    answer = api(secretary).post("/api/v1/governance/role-assignments/", {"user": candidate.pk, "role": Role.GRID_LEADER,
                                                               "region": tree.A1g.pk}, format="json")
    assert answer.status_code == 400  # a secretary appoints nobody
    answer = api(secretary).post("/api/v1/governance/role-assignments/propose/", {"user": candidate.pk, "role": Role.GRID_LEADER,
                                                                       "region": tree.A1g.pk}, format="json")
    assert answer.status_code == 201, answer.content
    pk = answer.json()["id"]
    assert answer.json()["status"] == "proposed" and not answer.json()["active"]
    from governance.scoping import user_roles

    assert Role.GRID_LEADER not in user_roles(type(candidate).objects.get(pk=candidate.pk))
    assert head.notifications.filter(title__contains="待确认").exists()
    assert api(staff.township_head_b).post(f"/api/v1/governance/role-assignments/{pk}/confirm/").status_code == 404
    assert web(head).post(f"/roles/{pk}/confirm/").status_code == 302
    assert Role.GRID_LEADER in user_roles(type(candidate).objects.get(pk=candidate.pk))
    with pytest.raises(Conflict):
        actions.role_confirm(actor=head, assignment_id=pk)


def test_a_reset_by_the_level_above_gives_a_one_time_link_and_revokes_everything(staff, client):
    head, secretary = staff.township_head_a, staff.village_secretary_a1
    prof = AccountProfile.objects.get(user=secretary)
    _t, key = tokens.api_token_create(actor=secretary)
    with pytest.raises(Exception):  # the secretary cannot reset the head (level above only)
        actions.account_reset_password(actor=secretary, profile_id=AccountProfile.objects.get(user=head).pk)
    reset = actions.account_reset_password(actor=head, profile_id=prof.pk, reason="忘记密码")
    secretary.refresh_from_db()
    assert not secretary.has_usable_password()
    assert ApiToken.objects.get(key_hash=tokens.hash_key(key)).revoked_at is not None
    assert AuditEntry.objects.filter(action="account.password_reset", object_id=str(prof.pk)).exists()
    link = reset.set_password_link
    form = client.get(link, follow=True)
    assert form.status_code == 200
    post = client.post(form.redirect_chain[-1][0] if form.redirect_chain else link,
                       {"new_password1": "Qingshi-2026-new", "new_password2": "Qingshi-2026-new"})
    assert post.status_code == 302
    secretary.refresh_from_db()
    assert secretary.check_password("Qingshi-2026-new")
    prof.refresh_from_db()
    assert not prof.must_change_password
    again = client.get(link, follow=True)  # used: it no longer works
    assert b"new_password1" not in again.content and "该链接已使用或已失效" in again.content.decode()


def test_a_new_account_must_set_its_password_before_anything_else(staff, tree, client):
    prof = actions.account_create(actor=staff.township_head_a, username="new_cadre", full_name="李四", region=tree.A1)
    assert prof.must_change_password and not prof.user.has_usable_password()
    prof.user.set_password("Initial-pw-1234")  # e.g. an onboarding's initial password
    type(prof.user).objects.filter(pk=prof.user_id).update(password=prof.user.password)
    assert client.post("/accounts/login/", {"username": "new_cadre", "password": "Initial-pw-1234"}).status_code == 302
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].endswith("/accounts/password/")
    assert client.get("/api/v1/me/").status_code == 403
    answer = client.post("/accounts/password/", {"old_password": "Initial-pw-1234", "new_password1": "Own-choice-5678x",
                                                 "new_password2": "Own-choice-5678x"})
    assert answer.status_code == 302
    assert client.get("/").status_code == 200


def test_the_three_administrators_do_only_their_own_work(staff, administrators, tree, api):
    p = administrators
    for user, region in [(p.system_admin, tree.C), (p.security_admin, tree.C), (p.audit_admin, tree.C)]:
        profile(user, region)
    target = staff.township_staff_a
    body = {"user": target.pk, "role": Role.VILLAGE_ASSISTANT, "region": tree.A2.pk}
    # roles: only the security administrator
    assert api(p.system_admin).post("/api/v1/governance/role-assignments/", body, format="json").status_code == 400
    assert api(p.audit_admin).post("/api/v1/governance/role-assignments/", body, format="json").status_code == 400
    assert api(p.security_admin).post("/api/v1/governance/role-assignments/", body, format="json").status_code == 201
    assert api(p.security_admin).post("/api/v1/governance/role-assignments/", {
        "user": target.pk, "role": Role.COUNTY_ADMIN, "region": tree.C.pk}, format="json").status_code == 400
    # accounts: only the system administrator (and the county, the township head in their scope)
    new = {"username": "sys_made", "full_name": "王五", "region": tree.A1.pk}
    assert api(p.security_admin).post("/api/v1/governance/staff-accounts/", new, format="json").status_code == 400
    assert api(p.audit_admin).post("/api/v1/governance/staff-accounts/", new, format="json").status_code == 400
    made = api(p.system_admin).post("/api/v1/governance/staff-accounts/", new, format="json")
    assert made.status_code == 201 and "/staff/set-password/" in made.json()["set_password_link"]
    target_profile = AccountProfile.objects.get(user=target)
    assert api(p.security_admin).post(f"/api/v1/governance/staff-accounts/{target_profile.pk}/reset-password/", {},
                                      format="json").status_code == 403
    assert api(p.system_admin).post(f"/api/v1/governance/staff-accounts/{target_profile.pk}/reset-password/", {},
                                    format="json").status_code == 200
    county_profile = AccountProfile.objects.get(user=staff.county_admin)
    assert api(p.system_admin).post(f"/api/v1/governance/staff-accounts/{county_profile.pk}/disable/", {},
                                    format="json").status_code == 400  # the county's account is above theirs
    # the audit log: only the audit administrator of the three
    assert api(p.audit_admin).get("/api/v1/governance/audit/").json()["results"]
    assert api(p.system_admin).get("/api/v1/governance/audit/").json()["results"] == []
    assert api(p.security_admin).get("/api/v1/governance/audit/").json()["results"] == []
    # residents' data: none of them
    for admin in (p.system_admin, p.security_admin, p.audit_admin):
        assert api(admin).get("/api/v1/governance/residents/").json()["results"] == []
        assert api(admin).get(f"/api/v1/governance/residents/{staff.resident.pk}/").status_code == 404
