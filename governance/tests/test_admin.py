"""Admin is for looking: a superuser sees every domain model, scoped and masked, and can add, change or delete
none of them (changes go through the portal's actions, which check state and scope and write the audit log)."""
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from governance import pii
from governance.admin import SECRET_FIELD, ScopedAdmin
from governance.models import ApiToken, JobStatus, Resident

from . import matrix

matrix.load_all()

DOMAIN_APP_LABELS = {"governance", *settings.DOMAIN_APPS}
# Registered models that are not the domain's: accounts stay editable until issue #18 gives them pages;
# axes' lockout records keep axes' admin (deleting an attempt lets a locked-out user back in).
NOT_DOMAIN = {"auth.User", "auth.Group", "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog",
              "otp_totp.TOTPDevice", "otp_static.StaticDevice"}  # django-otp's own admin for second-factor devices


def domain_admins():
    return [(model, ma) for model, ma in admin.site._registry.items() if model._meta.app_label in DOMAIN_APP_LABELS]


def test_every_registered_domain_model_uses_the_read_only_base():
    superuser = get_user_model()(username="root", is_superuser=True, is_staff=True, is_active=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    strangers = [m._meta.label for m in admin.site._registry
                 if m._meta.app_label not in DOMAIN_APP_LABELS and m._meta.label not in NOT_DOMAIN]
    assert not strangers, f"registered in admin, neither a domain model nor named in NOT_DOMAIN: {strangers}"
    assert len(domain_admins()) > 60
    for model, ma in domain_admins():
        label = model._meta.label
        assert isinstance(ma, ScopedAdmin), f"{label}: its ModelAdmin must derive from governance.admin.ScopedAdmin"
        assert not ma.has_add_permission(request), label
        assert not ma.has_change_permission(request) and not ma.has_delete_permission(request), label
        assert ma.has_view_permission(request), label
        for inline in ma.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), f"{label} inline {type(inline).__name__}"
            assert not inline.has_change_permission(request) and not inline.has_delete_permission(request), label
        shown = [c for c in ma.list_display if isinstance(c, str)]
        assert not [c for c in shown if SECRET_FIELD.search(c)], f"{label} lists a secret column: {shown}"


def _objects(tree, personas):
    """One object of every domain model registered in admin (the matrix's factories make most of them)."""
    from services.models import Open311Key

    made = {JobStatus: JobStatus.objects.create(name="admin-test"),
            Open311Key: Open311Key.issue(name="热线", region=tree.A)[0]}
    for model, _ma in domain_admins():
        if model not in made:
            assert model in matrix.FACTORIES, f"{model._meta.label}: register a matrix factory"
            made[model] = matrix.FACTORIES[model](tree.A1g, "a", tree, personas)
    return made


def _row(obj):
    return type(obj)._base_manager.filter(pk=obj.pk).values().first()


def test_a_superuser_can_look_at_every_domain_model_but_add_change_and_delete_nothing(tree, personas, web):
    client = web(get_user_model().objects.create_superuser("root", password="pw-test-1234"))
    failures = []
    for model, obj in _objects(tree, personas).items():
        info = model._meta.app_label, model._meta.model_name
        before = _row(obj)
        changelist = client.get(reverse("admin:%s_%s_changelist" % info))
        if changelist.status_code != 200:
            failures.append(f"{model._meta.label} changelist {changelist.status_code}")
        change_url = reverse("admin:%s_%s_change" % info, args=[obj.pk])
        answers = {
            "view": client.get(change_url).status_code,
            "add": client.get(reverse("admin:%s_%s_add" % info)).status_code,
            "add POST": client.post(reverse("admin:%s_%s_add" % info), {}).status_code,
            "change POST": client.post(change_url, {k: "" for k in before} | {"_save": "1"}).status_code,
            "delete": client.get(reverse("admin:%s_%s_delete" % info, args=[obj.pk])).status_code,
            "delete POST": client.post(reverse("admin:%s_%s_delete" % info, args=[obj.pk]), {"post": "yes"}).status_code,
        }
        client.post(reverse("admin:%s_%s_changelist" % info), {"action": "delete_selected", "post": "yes",
                                                               "_selected_action": [obj.pk]})
        wanted = {"view": 200, "add": 403, "add POST": 403, "change POST": 403, "delete": 403, "delete POST": 403}
        if answers != wanted:
            failures.append(f"{model._meta.label}: {answers}")
        if _row(obj) != before:
            failures.append(f"{model._meta.label}: changed or deleted through admin")
    assert not failures, "\n".join(failures)


def test_admin_pages_never_show_a_full_id_number_or_a_hash(tree, personas, web):
    from governance.tokens import api_token_create

    client = web(get_user_model().objects.create_superuser("root", password="pw-test-1234"))
    resident = Resident.objects.get(user=personas.resident_a1)
    token, raw = api_token_create(actor=personas.township_staff_a, name="脚本")
    full_id = pii.decrypt(resident.id_cipher)  # only the audited reveal may show it
    born = resident.birth_date  # with the masked number it rebuilds the full one
    for url in (reverse("admin:governance_resident_changelist"),
                reverse("admin:governance_resident_change", args=[resident.pk])):
        page = client.get(url).content.decode()
        assert resident.id_masked in page
        assert full_id not in page and resident.id_hash not in page and resident.id_cipher not in page, url
        assert f"{born.year}年{born.month}月{born.day}日" not in page and born.isoformat() not in page, url
    for url in (reverse("admin:governance_apitoken_changelist"),
                reverse("admin:governance_apitoken_change", args=[token.pk])):
        page = client.get(url).content.decode()
        assert token.prefix in page
        assert token.key_hash not in page and raw not in page, url
    assert ApiToken.objects.filter(pk=token.pk, revoked_at=None).exists()
