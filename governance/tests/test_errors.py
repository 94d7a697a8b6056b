"""Friendly error pages in the user's language — also on the demo server (DEBUG), where Django's technical
pages would list every URL of the portal or show code."""
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import path

from governance.urls import urlpatterns as portal_urls


def _forbidden(request):
    raise PermissionDenied("只有村书记可以审批。")


def _crash(request):
    raise RuntimeError("boom")


urlpatterns = [path("test-forbidden/", _forbidden), path("test-crash/", _crash), *portal_urls]


@pytest.fixture
def debug_site(settings):
    settings.DEBUG = True
    settings.ROOT_URLCONF = __name__


@pytest.mark.parametrize("debug", [True, False])
def test_a_mistyped_address_shows_the_portals_not_found_page(debug, personas, web, settings):
    settings.DEBUG = debug
    resp = web(personas.township_head_a).get("/no-such-page/")
    body = resp.content.decode()
    assert resp.status_code == 404
    assert "未找到" in body and "返回工作台" in body
    assert "URLconf" not in body and "admin/" not in body  # not Django's list of every route


def test_the_not_found_page_speaks_english_when_chosen(personas, web, settings):
    settings.DEBUG = True
    client = web(personas.township_head_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get("/no-such-page/").content.decode()
    assert "Not found" in body and "未找到" not in body


def test_a_refusal_shows_its_reason_on_a_friendly_page(debug_site, personas, web):
    resp = web(personas.township_head_a).get("/test-forbidden/")
    assert resp.status_code == 403
    body = resp.content.decode()
    assert "只有村书记可以审批。" in body and "返回工作台" in body


def test_a_crash_shows_a_friendly_page_and_is_logged(debug_site, personas, web, caplog):
    client = web(personas.township_head_a)
    client.raise_request_exception = False
    resp = client.get("/test-crash/")
    assert resp.status_code == 500
    assert "系统出现错误" in resp.content.decode() and "boom" not in resp.content.decode()
    assert any("test-crash" in r.getMessage() for r in caplog.records)


def test_the_api_answers_json_not_a_page(debug_site, personas, api):
    resp = api(personas.township_head_a).get("/api/v1/no-such-thing/")
    assert resp.status_code == 404 and resp.json()["detail"]
