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
