"""Verify the audit log's hash chain; exit 1 naming the first broken entry."""
from django.core.management.base import BaseCommand, CommandError

from governance import audit_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and name the first entry that breaks it (exit code 1)."

    def add_arguments(self, parser):
        parser.add_argument("--seal", action="store_true", help="seal entries not yet chained before verifying")

    def handle(self, *args, seal=False, **options):
        if seal:
            audit_chain.seal()
        verdict = audit_chain.verify()
        if not verdict.ok:
            where = f"audit entry id={verdict.broken_id} (seq {verdict.broken_seq})" if verdict.broken_id else \
                f"seq {verdict.broken_seq}"
            raise CommandError(f"BROKEN at {where}: {verdict.problem}; {verdict.checked} entries verified before it")
        self.stdout.write(f"OK: {verdict.checked} entries verified, head seq {verdict.head_seq} "
                          f"hash {verdict.head_hash}; {verdict.unsealed} not yet sealed")
