"""Logs as JSON lines, each with the request's id, personal data masked (issue #22). On with LOG_FORMAT=json.

- `RequestIdMiddleware` (first in MIDDLEWARE) takes the X-Request-ID nginx set (a safe token of at most
  64 characters) or makes one, returns it on the response, and writes the access-log line
  (`governance.access`: method, masked path, status, duration, user id, request id) when the request ends.
- `RequestIdFilter` puts the current request's id on every record logged while it runs (a context
  variable, so threads and async views each see their own).
- `JsonFormatter` writes one JSON object per line; the message and every string field pass through
  governance.pii.scrub, so an ID number or a phone never reaches the log in clear.
"""
from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid

from .pii import scrub

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_log = logging.getLogger("governance.access")

# LogRecord attributes that are not "extra" fields.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "message": scrub(message),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = scrub(value) if isinstance(value, str) else value
        if record.exc_info:
            entry["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        rid = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        request.request_id = rid
        token = request_id_var.set(rid)
        start = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = rid
            return response
        finally:
            user = getattr(request, "user", None)
            access_log.info(
                "%s %s %s", request.method, request.path, status,
                extra={"method": request.method, "path": scrub(request.path), "status": status,
                       "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                       "user_id": getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None},
            )
            request_id_var.reset(token)
