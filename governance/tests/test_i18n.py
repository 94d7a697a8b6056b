"""Chinese by default, English complete: every string the code marks has an English translation."""
import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings

SOURCES = ["manage.py", "governance", *settings.DOMAIN_APPS, "templates", "locale"]


def test_every_marked_string_has_an_english_translation(tmp_path):
    base = Path(settings.BASE_DIR)
    for name in SOURCES:
        src = base / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        elif src.exists():
            shutil.copy(src, tmp_path / name)
    # makemessages writes an app's strings into that app's own locale/ (or locale/ at the top).
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location", "-v0"],
                   cwd=tmp_path, check=True, env={**__import__("os").environ, "VAR_DIR": str(tmp_path / "var")})
    problems = []
    for po_path in sorted(tmp_path.rglob("locale/en/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            if not entry.msgstr and not any(entry.msgstr_plural.values()) or "fuzzy" in entry.flags:
                problems.append(f"{po_path.relative_to(tmp_path)}: {entry.msgid!r}")
    assert not problems, "untranslated (run `make messages-update` and translate):\n" + "\n".join(problems)


def test_pages_are_chinese_by_default_and_english_on_request(client, personas):
    client.force_login(personas.village_secretary_a1)
    assert "居民" in client.get("/residents/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/residents/"})
    page = client.get("/residents/").content.decode()
    assert "Residents" in page and "没有符合条件的居民" not in page


def test_an_english_browser_still_gets_chinese_until_the_user_switches(client, personas):
    client.force_login(personas.village_secretary_a1)
    page = client.get("/residents/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "没有符合条件的居民" not in page and "居民" in page and "Residents" not in page


def test_a_date_default_is_readable_by_the_browsers_date_input_in_chinese():
    """<input type="date"> reads only YYYY-MM-DD: with Django's Chinese 2026/12/03 the field showed empty and the
    first submit failed with 该字段是必填项. Both languages write ISO dates and read them back."""
    import datetime

    from django import forms
    from django.utils import translation

    class F(forms.Form):
        on = forms.DateField(initial=datetime.date(2026, 12, 3), widget=forms.DateInput(attrs={"type": "date"}))

    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert 'value="2026-12-03"' in str(F()["on"])
            assert F({"on": "2026-12-03"}).is_valid()
