"""A local SMS gateway and a local SMTP server, run in the test process; tests read what arrived."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest



class Gateway:
    """Like a real SMS provider: a message id it has accepted once is accepted again without a second SMS."""

    def __init__(self):
        self.posts: list[dict] = []
        self.accepted: dict[str, dict] = {}
        self.fail_with: int | None = None  # answer every post with this HTTP status
        self.delay = 0.0
        self.lock = threading.Lock()

    def sms_to(self, phone: str) -> list[dict]:
        return [m for m in self.accepted.values() if m["to"] == phone]


@pytest.fixture
def sms_gateway(settings, monkeypatch):
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            import time

            payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            payload["auth"] = self.headers.get("Authorization")
            if gateway.delay:
                time.sleep(gateway.delay)
            with gateway.lock:
                gateway.posts.append(payload)
                status = gateway.fail_with or 200
                if status == 200:
                    gateway.accepted.setdefault(payload["message_id"], payload)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}' if status == 200 else b'{"error": "boom"}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/sms"
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_KEY = url, "test-key"
    settings.SMS_RATE_PER_SECOND, settings.SMS_GATEWAY_TIMEOUT = 0, 1.0
    # a worker process started after this fixture reads the same gateway from its environment
    monkeypatch.setenv("SMS_GATEWAY_URL", url)
    monkeypatch.setenv("SMS_GATEWAY_KEY", "test-key")
    monkeypatch.setenv("SMS_RATE_PER_SECOND", "0")
    gateway.url = url
    yield gateway
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    import socket

    with socket.socket() as s:  # a free port: the controller's start-up check cannot use port 0
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    controller.received = received
    yield controller
    controller.stop()
