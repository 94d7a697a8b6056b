"""The core's entries in the authorization matrix."""
from governance.audit import audit_record
from governance.models import Attachment, AuditEntry, Household, Notification, Region, Resident, RoleAssignment
from governance.scoping import Role

from .fixtures import make_household, make_resident
from .matrix import register, register_kwarg, register_pages

register(Region, lambda region, side, tree, p: region)
register(Household, lambda region, side, tree, p: make_household(region))
register(Resident, lambda region, side, tree, p: make_resident(region))
register(RoleAssignment, lambda region, side, tree, p: RoleAssignment.objects.create(
    user=p.village_assistant_a1 if side == "a" else p.grid_leader_b1, role=Role.RESIDENT,
    region=region.parent))
register(AuditEntry, lambda region, side, tree, p: audit_record(actor=None, action="matrix.test", obj=region))
register(Notification, lambda region, side, tree, p: Notification.objects.create(
    user=p.resident_a1 if side == "a" else p.resident_b1, title="matrix"))
register_kwarg("resident_add:pk", Household)
register_pages("home", "region_list", "household_list", "household_add", "resident_list", "role_assignment_list",
               "audit_list", "notification_list", "notifications_mark_read", "api_me", "dashboard",
               "resident_lookup")
register_kwarg("household_edit:pk", Household)
register_kwarg("resident_edit:pk", Resident)
register_kwarg("resident_reveal:pk", Resident)


def _attachment(region, side, tree, p):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from governance.attachments import attachment_add

    resident = make_resident(region)
    return attachment_add(actor=None, target=resident,
                          upload=SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png"))


register(Attachment, _attachment)
register_kwarg("attachment_download:pk", Attachment)


def _export_job(region, side, tree, p):
    from governance.models import ExportJob

    return ExportJob.objects.create(user=p.township_staff_a if side == "a" else p.township_staff_b, key="residents",
                                    title="居民")


from governance.models import ExportJob  # noqa: E402

register(ExportJob, _export_job)
register_kwarg("export_job:pk", ExportJob)
register_kwarg("export_job_download:pk", ExportJob)
register_kwarg("export_job_retry:pk", ExportJob)
register_pages("export_list", key="residents")


def _import_job(region, side, tree, p):
    from governance.models import ImportJob

    return ImportJob.objects.create(user=p.township_staff_a if side == "a" else p.township_staff_b,
                                    file="/nonexistent.xlsx", original_name="居民.xlsx")


from governance.models import ImportJob  # noqa: E402

register(ImportJob, _import_job)
register_kwarg("import_job:pk", ImportJob)
register_kwarg("import_confirm:pk", ImportJob)
register_kwarg("import_retry:pk", ImportJob)
register_kwarg("import_credentials:pk", ImportJob)
register_pages("import_upload", "import_template", kind="residents")


def _api_token(region, side, tree, p):
    from governance.tokens import api_token_create

    return api_token_create(actor=p.township_staff_a if side == "a" else p.township_staff_b, name="matrix")[0]


from governance.models import ApiToken  # noqa: E402

register(ApiToken, _api_token)
register_kwarg("token_revoke:pk", ApiToken)
# the picker answers a signed token bound to its user (governance/tests/test_pickers.py), not an object
register_pages("picker", token="unsigned")
register_pages("token_list", "token_create", "password_change", "api_logout")


# --- Accounts and roles (issue #18) ---------------------------------------------------------------------
def _account(region, side, tree, p):
    from governance.models import AccountProfile

    from .fixtures import make_user

    return AccountProfile.objects.create(user=make_user(f"matrix_account_{side}"), region=region)


from governance.models import AccountProfile  # noqa: E402

from .matrix import PUBLIC_URL_NAMES  # noqa: E402

register(AccountProfile, _account)
register_pages("role_grant", "role_propose", "account_list", "account_add")
# the one-time set-password link answers whoever holds it (its token is the credential): Django's reset confirm
PUBLIC_URL_NAMES.add("set_password")
