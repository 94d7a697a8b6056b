"""Each step of an issue is a button that opens a dialog on the issue's page, holding the step's form (here
the hidden version of a one-click step, the note of 办结), posting to the step's own view; the step's page
stays for a browser without script (the dialog's trigger is a link to it)."""
import re

from grids.models import Issue, IssueStatus

from .factories import make_issue


def _dialog(page: str, key: str) -> str:
    return page.split(f'<dialog id="verb-{key}"')[1].split("</dialog>")[0]


def test_a_one_click_step_asks_in_a_dialog_and_ends_on_the_issue_with_a_message(tree, personas, web):
    issue = make_issue(tree.A1g, reporter=personas.resident_a1, title="井盖缺失")
    client = web(personas.grid_leader_a1)
    page = client.get(issue.get_absolute_url()).content.decode()
    accept = f"/grids/issues/{issue.pk}/accept/"
    # the link (no script) and the dialog (script) go to the same step
    assert re.search(rf'<a [^>]*href="{accept}"[^>]*data-verb-dialog="verb-accept"', page)
    dialog = _dialog(page, "accept")
    assert 'aria-labelledby="verb-accept-title"' in page and f'action="{accept}"' in dialog
    assert "确认受理？" in dialog and 'name="version"' in dialog  # the question, and the state the user saw
    version = re.search(r'name="version" value="(\d+)"', dialog).group(1)
    resp = client.post(accept, {"version": version}, follow=True)
    assert resp.redirect_chain[-1][0] == issue.get_absolute_url()
    assert [str(m) for m in resp.context["messages"]] and Issue.objects.get(pk=issue.pk).status == IssueStatus.ACCEPTED


def test_a_step_with_fields_shows_them_in_its_dialog_and_its_page_still_works_without_script(tree, personas, web):
    issue = make_issue(tree.A1g, reporter=personas.resident_a1, status=IssueStatus.ACCEPTED)
    client = web(personas.grid_leader_a1)
    dialog = _dialog(client.get(issue.get_absolute_url()).content.decode(), "resolve")
    assert 'id="id_resolve_note"' in dialog and 'name="note"' in dialog and "required" in dialog
    assert client.get(f"/grids/issues/{issue.pk}/resolve/").status_code == 200  # the step's own page


def _crumbs(page: str) -> str:
    return page.split('id="breadcrumbs"')[1].split("</nav>")[0]


def test_the_issue_and_its_step_pages_say_where_they_are(tree, personas, web):
    issue = make_issue(tree.A1g, reporter=personas.resident_a1, status=IssueStatus.ACCEPTED, title="井盖缺失")
    client = web(personas.grid_leader_a1)
    crumbs = _crumbs(client.get(issue.get_absolute_url()).content.decode())
    places = [tree.A.name, tree.A1.name, tree.A1g.name]
    assert [crumbs.index(p) for p in places] == sorted(crumbs.index(p) for p in places)
    assert 'href="/grids/issues/"' in crumbs and 'aria-current="page"' in crumbs and tree.C.name not in crumbs
    step = _crumbs(client.get(f"/grids/issues/{issue.pk}/resolve/").content.decode())
    assert 'href="/grids/issues/"' in step and f'href="{issue.get_absolute_url()}"' in step
