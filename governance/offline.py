"""The installable, offline-capable web app (issue #17): the manifest, the service worker at the site's root,
and the answer a queued submission from the phone gets.

The service worker (static/js/sw.js) is served from `/sw.js` so that its scope is the whole site (a worker
under /static/ could only control /static/). It keeps the pages the member opened (network first, the copy
when there is no network) and the static files. Forms marked `data-offline-queue` are sent by
static/js/offline-queue.js: when there is no connection, or the send fails, the submission waits in the
phone's IndexedDB with an idempotency key made there, and is sent again when the connection returns; the
action stores the key uniquely, so a retried upload never writes twice.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

SW_PATH = "js/sw.js"
QUEUE_HEADER = "HTTP_X_OFFLINE_QUEUE"  # X-Offline-Queue: 1, sent by offline-queue.js


def _static_text(name: str) -> str:
    """A static file's text: from STATIC_ROOT once collected, else from the finders (dev server, tests)."""
    collected = Path(settings.STATIC_ROOT, name)
    found = str(collected) if collected.is_file() else finders.find(name)
    if not found:
        raise Http404
    return Path(found).read_text(encoding="utf-8")


def _html_lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-CN"


@require_GET
@cache_control(no_cache=True, max_age=0)  # a new worker is picked up on the next visit
def service_worker(request):
    """The worker, with its offline page's words in the language of the person whose browser fetches it (a
    change of language changes the script's bytes, so the browser installs the new one on the next visit)."""
    text = {"lang": _html_lang(), "title": _("没有网络"),
            "body": _("这个页面还没有在手机上保存过。有网后再打开；已记录的走访会在有网后自动发送。"),
            "households": _("我的联系户")}
    head = f"self.OFFLINE_TEXT = {json.dumps(text, ensure_ascii=False)};\n"
    response = HttpResponse(head + _static_text(SW_PATH), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
@cache_control(max_age=3600)
def web_manifest(request):
    manifest = {
        "name": str(settings.PORTAL_NAME),
        "short_name": _("乡村治理门户"),
        "description": _("网格走访、上报事件、村民办事，没有信号时也能记录，有网后自动发送。"),
        "lang": _html_lang(),
        "start_url": "/?source=app",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#b71c1c",
        "icons": [
            {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": static("icons/icon-maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    }
    return HttpResponse(json.dumps(manifest, ensure_ascii=False), content_type="application/manifest+json")


def is_queued(request) -> bool:
    return request.META.get(QUEUE_HEADER) == "1"


class QueuedSubmitMixin:
    """For an ActionFormView whose form the phone may queue: a submission sent by offline-queue.js is
    answered in JSON — 201 with where the result is, or 400 with the form's messages (the queue shows them
    as why it failed and does not send it again). A browser's ordinary submission is answered as before."""

    offline_follow = True  # once sent, open the result's page (False: stay, for the next one — the field kit)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "offline_queue": True, "offline_follow": self.offline_follow}

    def form_invalid(self, form):
        if is_queued(self.request):
            errors = {field: [e["message"] for e in errs] for field, errs in form.errors.get_json_data().items()}
            labels = {name: str(f.label) for name, f in form.fields.items()}
            text = "；".join(f"{labels.get(field, '')}：{'，'.join(msgs)}" if field in labels else "，".join(msgs)
                            for field, msgs in errors.items())
            return JsonResponse({"errors": errors, "message": text}, status=400)
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        if is_queued(self.request) and response.status_code in (301, 302, 303):
            for _shown in messages.get_messages(self.request):  # the phone shows it now, not on the next page
                pass
            return JsonResponse({"url": response["Location"], "message": str(self.success_message)}, status=201)
        return response


# --- A queued submission is written once -----------------------------------------------------------
# The phone's queue makes an idempotency key for each submission and sends it again until it has an
# answer; the model stores it in a unique `idempotency_key` column. An action that takes one calls
# `replayed()` first (a resend returns the first object) and writes inside `once_for_key()` (two sends at
# once: the unique index lets one win, the other reads the winner's object).

class _Once:
    existing = None


@contextmanager
def once_for_key(model, key, actor, owner_field: str):
    """One transaction that writes the object carrying `key`; when a concurrent send of the same key
    committed first, the unique index refuses this one's row: everything written here is rolled back and
    `.existing` is the winner's object (the caller returns it)."""
    once = _Once()
    try:
        with transaction.atomic():
            yield once
    except IntegrityError:
        once.existing = replayed(model, key, actor, owner_field)
        if once.existing is None:
            raise


def replayed(model, key, actor, owner_field: str):
    """The object an earlier send of the same key made, or None; another person's key is refused."""
    if not key:
        return None
    found = model.objects.filter(idempotency_key=key).first()
    if found is not None and getattr(found, owner_field) != getattr(actor, "pk", None):
        raise ValidationError({"idempotency_key": _("提交标识无效，请重新填写后提交。")})
    return found
