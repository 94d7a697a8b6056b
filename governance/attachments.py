"""Attachments: images and PDFs only, checked by their content (not their name), size-limited."""
from __future__ import annotations

import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from .audit import _region_of
from .models import Attachment

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_OBJECT = 10
# Magic bytes: a .jpg that is really an .exe is refused whatever its name or declared type.
SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
]


def sniff(head: bytes) -> str | None:
    for magic, mime in SIGNATURES:
        if head.startswith(magic):
            return mime
    return None


def validate_upload(upload) -> str:
    """-> the detected MIME type; raises ValidationError with a message that says what is wrong."""
    if upload.size > MAX_BYTES:
        raise ValidationError(_("附件“%(name)s”过大：%(mb).1f MB，上限 10 MB。") % {"name": upload.name, "mb": upload.size / 1048576})
    if upload.size == 0:
        raise ValidationError(_("附件“%(name)s”是空文件。") % {"name": upload.name})
    upload.seek(0)
    mime = sniff(upload.read(16))
    upload.seek(0)
    if mime is None:
        raise ValidationError(_("附件“%(name)s”不是 JPG、PNG 图片或 PDF 文件。") % {"name": upload.name})
    return mime


def attachment_add(*, actor, target: models.Model, upload) -> Attachment:
    """Validate and store one upload for `target`. Call inside the action that owns `target`."""
    mime = validate_upload(upload)
    ct = ContentType.objects.get_for_model(target)
    if Attachment.objects.filter(content_type=ct, object_id=str(target.pk)).count() >= MAX_PER_OBJECT:
        raise ValidationError(_("每条记录最多 %(n)d 个附件。") % {"n": MAX_PER_OBJECT})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = Attachment(content_type=ct, object_id=str(target.pk), region=_region_of(target), name=upload.name[:200],
                            mime=mime, size=upload.size, sha256=digest.hexdigest(), uploaded_by=actor)
    attachment.file.save(attachment.name, upload, save=False)
    attachment.save()
    return attachment


def attachments_of(target: models.Model):
    ct = ContentType.objects.get_for_model(target)
    return Attachment.objects.filter(content_type=ct, object_id=str(target.pk))
