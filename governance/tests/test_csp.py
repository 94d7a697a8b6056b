"""Content-Security-Policy: every answer says scripts come only from this server's files, so markup
an attacker slips into a page (a name, a comment) cannot run."""
import pytest

from .fixtures import make_resident


def policy(resp) -> dict:
    header = resp["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (part.strip() for part in header.split(";")) if d}


def assert_strict(resp):
    p = policy(resp)
    assert p["default-src"] == ["'self'"]
    assert "'self'" in p["script-src"] and not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(p["script-src"])
    assert p["object-src"] == ["'none'"] and p["base-uri"] == ["'self'"]
    assert p["frame-ancestors"] == ["'none'"] and p["form-action"] == ["'self'"]
    assert all(src in ("'self'", "'none'", "'unsafe-inline'", "data:") or src.startswith("'nonce-")
               for srcs in p.values() for src in srcs), p  # nothing from another origin


def test_a_page_an_api_answer_and_the_login_page_carry_the_policy(personas, web, api):
    assert_strict(web(personas.county_admin).get("/residents/"))
    assert_strict(api(personas.county_admin).get("/api/v1/me/"))
    assert_strict(api(None).get("/api/v1/me/"))  # a 401 too
    assert_strict(web(None).get("/accounts/login/"))


def test_no_template_carries_an_inline_handler_or_script():
    import re
    from pathlib import Path

    from django.conf import settings

    offenders = []
    roots = [settings.BASE_DIR / "templates", *settings.BASE_DIR.glob("*/templates")]
    for root in roots:
        for path in Path(root).rglob("*.html"):
            text = path.read_text()
            if re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text:
                offenders.append(f"{path}: inline handler")
            for tag in re.findall(r"<script\b[^>]*>", text):
                if "src=" not in tag and "nonce=" not in tag and "application/json" not in tag:
                    offenders.append(f"{path}: {tag}")
    assert not offenders, offenders


@pytest.mark.browser
def test_the_dashboard_login_and_api_docs_run_under_the_policy(page, tree, personas):
    make_resident(tree.A1g)
    page.goto("/accounts/login/")
    assert not page.console_errors, page.console_errors
    page.login("county_admin")
    page.goto("/dashboard/")
    page.wait_for_selector("#charts svg")
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info")
    assert not page.console_errors, page.console_errors


@pytest.mark.browser
def test_an_injected_inline_script_or_handler_does_not_run(page, tree, personas):
    page.login("county_admin")
    page.goto("/residents/")
    violations = page.evaluate("""() => new Promise(resolve => {
        const seen = [];
        document.addEventListener('securitypolicyviolation', e => seen.push(e.violatedDirective));
        const s = document.createElement('script');
        s.textContent = 'window.pwned = 1';
        document.body.appendChild(s);
        const div = document.createElement('div');
        div.innerHTML = '<img src="/static/governance/favicon.svg" onload="window.pwned = 2">';
        document.body.appendChild(div);
        setTimeout(() => resolve(seen), 500);
    })""")
    assert page.evaluate("window.pwned") is None
    assert len(violations) == 2 and all(v.startswith("script-src") for v in violations), violations


@pytest.mark.browser
def test_the_portals_own_behaviours_still_work_without_inline_handlers(page, tree, personas):
    from governance.tokens import api_token_create

    token, _key = api_token_create(actor=personas.county_admin, name="巡检脚本")
    page.login("county_admin")
    page.goto("/accounts/tokens/")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.click(f"#token-{token.pk} button")
    assert dialogs and token.prefix in dialogs[0]
    token.refresh_from_db()
    assert token.revoked_at is None  # dismissed: nothing happened
    with page.expect_navigation():
        page.select_option("#language-select", "en")  # submits itself (data-autosubmit)
    assert page.locator("html").get_attribute("lang") == "en"
    assert not page.console_errors, page.console_errors
