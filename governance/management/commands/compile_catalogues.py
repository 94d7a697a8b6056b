"""Compile every django.po (the project's locale/ and each app's) to .mo with polib — the same result
as `compilemessages`, without needing GNU gettext on the machine."""
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

SKIP = {".venv", "node_modules", ".git", "var"}


class Command(BaseCommand):
    help = "Compile translation catalogues (.po → .mo)."

    def handle(self, *args, **options):
        base = Path(settings.BASE_DIR)
        count = 0
        for po_path in base.rglob("locale/*/LC_MESSAGES/*.po"):
            if SKIP & set(po_path.relative_to(base).parts):
                continue
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            count += 1
        if options["verbosity"] > 1:
            self.stdout.write(f"compiled {count} catalogue(s)")
