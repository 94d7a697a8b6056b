"""Two sessions of the same villager pressing "vote" at the same moment: the tally counts one."""
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from deliberation import actions
from deliberation.models import Vote

from .factories import make_topic


@pytest.mark.django_db(transaction=True)
def test_the_same_villager_voting_from_two_sessions_at_once_counts_once(tree, personas):
    topic = make_topic(tree.A1g)
    options = [topic.options.get(meaning="for").pk, topic.options.get(meaning="against").pk]
    barrier = threading.Barrier(2)
    outcomes = []

    def vote(option_id):
        try:
            barrier.wait()
            actions.vote_cast(actor=personas.resident_a1, topic_id=topic.pk, option_id=option_id)
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=vote, args=(o,)) for o in options]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=lambda s: s != "ok")[0] == "ok"
    assert len(outcomes) == 2 and "只能表决一次" in outcomes[1 - outcomes.index("ok")]
    assert Vote.objects.filter(topic=topic).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_database_itself_refuses_a_second_vote_row(tree, personas):
    from django.db import IntegrityError, transaction

    topic = make_topic(tree.A1g)
    resident = personas.resident_a1.resident
    Vote.objects.create(topic=topic, resident=resident, channel="online", option=topic.options.first())
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(topic=topic, resident=resident, channel="in_person")


@pytest.mark.django_db(transaction=True)
def test_two_secretaries_recording_the_same_procedure_step_at_once_record_it_once(tree, personas):
    import datetime as dt

    from django.utils import timezone

    from deliberation.models import Procedure, ProcedureStep
    from governance.errors import Conflict

    procedure = Procedure.objects.create(topic=make_topic(tree.A1g))
    barrier = threading.Barrier(2)
    outcomes = []

    def record(actor):
        try:
            barrier.wait()
            actions.procedure_record_step(actor=actor, procedure_id=procedure.pk, stage="propose",
                                          held_at=timezone.now() - dt.timedelta(hours=1), summary="党支部提议")
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(str(exc.message))
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(a,))
               for a in (personas.village_secretary_a1, personas.township_head_a)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == sorted(["ok", outcomes[1 - outcomes.index("ok")]]) and "按顺序" in "".join(outcomes)
    assert ProcedureStep.objects.filter(procedure=procedure).count() == 1
    procedure.refresh_from_db()
    assert procedure.status == "consult"
