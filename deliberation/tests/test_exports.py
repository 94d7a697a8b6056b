"""The topic list exported to Excel with each topic's locked tally: the user's villages only, no personal data."""
import io

from openpyxl import load_workbook

from deliberation import actions
from governance.tests.fixtures import valid_id_number

from .factories import make_topic, make_villager
from .test_dashboard import held_topic


def rows_of(response):
    content = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(content), read_only=True).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def by_title(rows):
    header = rows[0]
    return {r[0]: dict(zip(header, r)) for r in rows[1:]}


def test_it_exports_a_townships_topics_with_their_tallies_and_nothing_of_another_township(tree, personas, web):
    held_topic(tree.A1g, personas.village_secretary_a1, personas.county_admin, online=2, remote=1, in_person=3)
    held_topic(tree.B1b, personas.village_secretary_b1, personas.county_admin, online=1, title="小区加装电梯")
    resp = web(personas.township_staff_a).get("/exports/deliberation-topics/")
    assert resp.status_code == 200 and resp["Content-Disposition"].startswith("attachment")
    topics = by_title(rows_of(resp))
    assert set(topics) == {"修建村道路灯"}
    row = topics["修建村道路灯"]
    assert row["村/社区"] == "甲一村" and row["状态"] == "已结束" and row["通过"] == "是"
    assert (row["本地村（现场）"], row["外地村（远程）"], row["网上村（线上）"], row["参与表决人数"]) == (3, 1, 2, 6)
    assert row["各选项得票"].startswith("同意 6（现场 3，远程 1，线上 2）；反对 0")
    assert row["通过的选项"] == "同意" and row["议事开始"] is not None


def test_it_holds_no_id_number_or_phone_of_the_villagers_who_voted(tree, personas, web):
    number = valid_id_number()
    voter = make_villager(tree.A1g, "voter", id_number=number, phone="13912345678")
    topic = make_topic(tree.A1g)
    actions.vote_cast(actor=voter.user, topic_id=topic.pk, option_id=topic.options.get(meaning="for").pk)
    actions.topic_close(actor=personas.village_secretary_a1, topic_id=topic.pk)
    rows = rows_of(web(personas.village_secretary_a1).get("/exports/deliberation-topics/"))
    flat = " ".join(str(c) for r in rows for c in r)
    assert "修建村道路灯" in flat
    assert number not in flat and "13912345678" not in flat and "139****5678" not in flat
    assert voter.name not in flat  # a tally, not a register of who voted how


def test_it_follows_the_list_filters_and_is_staff_work(tree, personas, web):
    held_topic(tree.A1g, personas.village_secretary_a1, personas.county_admin, online=1, title="已表决的议题")
    make_topic(tree.A1g, title="议事中的议题")
    make_topic(tree.A1g, title="草拟中的议题", status="draft")
    office = web(personas.village_secretary_a1)
    assert set(by_title(rows_of(office.get("/exports/deliberation-topics/", {"status": "closed"})))) == {"已表决的议题"}
    assert set(by_title(rows_of(office.get("/exports/deliberation-topics/")))) == {"已表决的议题", "议事中的议题", "草拟中的议题"}
    # a villager has no exports (villager mode): they read the topics on the page, drafts hidden
    assert web(personas.resident_a1).get("/exports/deliberation-topics/").status_code == 404
    page = web(personas.resident_a1).get("/deliberation/").content.decode()
    assert "议事中的议题" in page and "草拟中的议题" not in page


def test_it_puts_the_export_button_on_the_topic_list_for_the_village_office(tree, personas, web):
    page = web(personas.village_secretary_a1).get("/deliberation/", {"status": "closed"}).content.decode()
    assert "/exports/deliberation-topics/?status=closed" in page and "导出 Excel" in page
    assert "导出 Excel" not in web(personas.resident_a1).get("/deliberation/").content.decode()
