"""The journey in real Chromium: a migrant joins remotely, the secretary closes and reads the tally."""
import pytest

from deliberation import actions

from .factories import make_topic, make_villager


@pytest.mark.browser
def test_a_migrant_reads_comments_and_votes_then_the_secretary_closes_and_sees_three_channels(page, tree, personas):
    topic = make_topic(tree.A1g, title="是否修建村口文化广场")
    migrant = make_villager(tree.A1g, "migrant_a1", away=True, name="外出张强")
    # Others take part in person and online.
    at_meeting = make_villager(tree.A1g, name="现场李梅")
    secretary = personas.village_secretary_a1
    actions.meeting_sign_in(actor=secretary, topic_id=topic.pk, resident_ids=[at_meeting.pk])
    actions.hand_tally_record(actor=secretary, topic_id=topic.pk, counts={topic.options.get(meaning="for").pk: 1})
    actions.vote_cast(actor=personas.resident_a1, topic_id=topic.pk, option_id=topic.options.get(meaning="against").pk)

    failed = []  # every response the user's browser got an error for (the core serves no favicon: ignored)
    page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico") and failed.append(r.url))

    page.login(migrant.user.username)
    page.goto("/deliberation/")
    page.click("text=是否修建村口文化广场")
    assert "村道夜间无照明" in page.inner_text("#topic-background")
    assert "外地村" in page.inner_text("#my-vote")
    page.fill("textarea[name=body]", "我在杭州打工，支持修广场，建议加装健身器材。")
    page.click("#post-comment")
    assert "建议加装健身器材" in page.inner_text("#comment-list")
    page.check("label:has-text('同意')")
    page.click("#cast-vote")
    # The choice comes back once to be confirmed; a public vote can still be changed afterwards.
    assert "同意" in page.inner_text("#vote-choice") and "可以更改" in page.inner_text("#vote-confirm")
    page.click("#confirm-vote")
    assert "外地村（远程）" in page.inner_text("#my-vote-status")
    assert page.locator("#change-vote").count() == 1
    page.click("form[action='/accounts/logout/'] button")

    page.login(secretary.username)
    page.goto(topic.get_absolute_url())
    # Closing is a step on the topic's page: one click asks once, in a small confirmation on the page.
    page.click("#topic-actions >> button:has-text('结束表决')")
    assert "结果将锁定" in page.locator("#verb-close").inner_text()
    page.click("#verb-close button[type=submit]")
    assert "结果已锁定" in page.locator(".alert-success").inner_text()
    page.wait_for_selector("#result-verdict")
    assert "已结束" in page.inner_text("#topic-status")
    counts = {c: page.inner_text(f"#tally-{c}") for c in ("in-person", "remote", "online", "total")}
    assert counts == {"in-person": "1", "remote": "1", "online": "1", "total": "3"}
    assert "表决结果（已锁定）" in page.content()
    assert not failed and not page.external_requests
