"""The audit log's hash chain: a changed, deleted or truncated entry is named by audit_verify; the purge keeps
180 days and the rest still verifies; two sealers at once chain every entry once."""
import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from governance import audit_chain
from governance.audit import audit_record
from governance.models import AuditChain, AuditEntry
from governance.scoping import Role

from .fixtures import make_user


def _entries(tree, n=5):
    for i in range(n):
        audit_record(actor=None, action="test.chain", obj=tree.A1, reason=f"第{i}条", data={"i": i, "名": "甲"})
    audit_chain.seal()
    return list(AuditEntry.objects.filter(action="test.chain").order_by("seq"))


def test_it_chains_each_entry_to_the_one_before(tree):
    rows = _entries(tree)
    assert [r.seq for r in rows] == list(range(rows[0].seq, rows[0].seq + 5))
    for before, after in zip(rows, rows[1:]):
        assert after.prev_hash == before.hash and len(after.hash) == 64
    assert audit_chain.verify().ok
    call_command("audit_verify")


def test_it_names_the_row_changed_by_raw_sql(tree, capsys):
    rows = _entries(tree)
    victim = rows[2]
    with connection.cursor() as c:
        c.execute("UPDATE governance_auditentry SET reason = 'nothing happened' WHERE id = %s", [victim.pk])
    with pytest.raises(CommandError) as exc:
        call_command("audit_verify")
    assert f"id={victim.pk}" in str(exc.value) and "changed" in str(exc.value)
    verdict = audit_chain.verify()
    assert not verdict.ok and verdict.broken_id == victim.pk


def test_it_names_a_deleted_row_and_a_truncated_end(tree):
    rows = _entries(tree)
    with connection.cursor() as c:
        c.execute("DELETE FROM governance_auditentry WHERE id = %s", [rows[1].pk])
    verdict = audit_chain.verify()
    assert not verdict.ok and verdict.broken_id == rows[2].pk and "missing" in verdict.problem
    AuditEntry.objects.all().delete()  # put them all back as they were … except the last
    for r in rows[:-1]:
        with connection.cursor() as c:
            c.execute("INSERT INTO governance_auditentry (id, at, actor_id, action, content_type_id, object_id, "
                      "object_repr, region_id, from_state, to_state, reason, data, seq, prev_hash, hash) "
                      "SELECT %s, %s, NULL, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s",
                      [r.pk, r.at, r.action, r.content_type_id, r.object_id, r.object_repr, r.region_id, r.from_state,
                       r.to_state, r.reason, '{"i": %d, "名": "甲"}' % r.data["i"], r.seq, r.prev_hash, r.hash])
    verdict = audit_chain.verify()
    assert not verdict.ok and "deleted" in verdict.problem


def test_a_changed_hash_is_caught_too(tree):
    rows = _entries(tree)
    forged = audit_chain.digest({**rows[3].__dict__, "reason": "forged"}, rows[3].seq, rows[3].prev_hash)
    AuditEntry.objects.filter(pk=rows[3].pk).update(reason="forged", hash=forged)
    verdict = audit_chain.verify()  # its own hash matches now, the next entry's prev_hash does not
    assert not verdict.ok and verdict.broken_id == rows[4].pk


def test_the_purge_keeps_180_days_and_the_chain_still_verifies(tree, settings):
    settings.AUDIT_RETENTION_DAYS = 30  # below the floor: 180 days are kept anyway
    now = timezone.now()
    AuditEntry.objects.update(at=now - timedelta(days=500))  # what the tree's setup wrote: long ago
    for days in (400, 300, 200, 179, 10):
        entry = audit_record(actor=None, action="test.age", obj=tree.A1, data={"days": days})
        AuditEntry.objects.filter(pk=entry.pk).update(at=now - timedelta(days=days))
    audit_chain.seal()
    result = audit_chain.purge(now=now)
    kept = set(AuditEntry.objects.filter(action="test.age").values_list("data__days", flat=True))
    assert kept == {179, 10} and result["deleted"] >= 3
    assert not AuditEntry.objects.filter(at__lt=now - timedelta(days=180)).exists()
    assert audit_chain.verify().ok
    assert audit_chain.purge(now=now)["deleted"] == 0  # idempotent
    head = AuditChain.objects.get()
    assert head.anchor_seq == result["anchor_seq"] and AuditEntry.objects.filter(action="audit.purge").exists()
    call_command("audit_verify", "--seal")


def test_the_purge_refuses_a_broken_old_part(tree):
    now = timezone.now()
    AuditEntry.objects.update(at=now - timedelta(days=500))
    entry = audit_record(actor=None, action="test.age", obj=tree.A1)
    AuditEntry.objects.filter(pk=entry.pk).update(at=now - timedelta(days=365))
    audit_chain.seal()
    AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(ValueError):
        audit_chain.purge(now=now)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_entries_are_sealed_after_commit_and_two_sealers_chain_once(tree):
    with transaction.atomic():
        audit_record(actor=None, action="test.commit", obj=tree.A1)
        assert AuditEntry.objects.get(action="test.commit").seq is None  # not before it commits
    assert AuditEntry.objects.get(action="test.commit").seq is not None
    AuditEntry.objects.bulk_create([AuditEntry(action="test.raw", region=tree.A1) for _ in range(300)])
    errors = []

    def sealer():
        try:
            audit_chain.seal(batch=50)
        except Exception as exc:  # pragma: no cover - the assertion below shows it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sealer) for _ in range(3)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert None not in seqs and seqs == list(range(1, len(seqs) + 1))
    assert audit_chain.verify().ok


def test_the_audit_administrator_reads_and_exports_the_log(tree, web):
    auditor = make_user("auditor", Role.AUDIT_ADMIN, tree.C)
    _entries(tree, 2)
    page = web(auditor).get("/audit/")
    assert page.status_code == 200 and "第1条".encode() in page.content
    export = web(auditor).get("/exports/audit/")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(b"".join(export.streaming_content)), read_only=True).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "test.chain" in values
