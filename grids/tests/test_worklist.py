"""Each handler's home counts the open issues at their own level, overdue ones in red."""
import datetime as dt

from django.utils import timezone

from grids.models import EscalationLevel, IssueStatus

from .factories import make_issue


def _card(html: str) -> str:
    start = html.index('data-task="grids.issues_at_my_level"')
    return html[html.rindex("<a", 0, start):html.index("</a>", start)]


def test_issues_wait_for_the_level_that_holds_them(tree, personas, web):
    reporter = personas.resident_a1
    make_issue(tree.A1g, reporter=reporter)
    make_issue(tree.A1g, reporter=reporter, deadline=timezone.now() - dt.timedelta(hours=2))
    make_issue(tree.A1g, reporter=reporter, level=EscalationLevel.VILLAGE)
    make_issue(tree.A1g, reporter=reporter, status=IssueStatus.CLOSED)
    make_issue(tree.B1g, reporter=personas.resident_b1)
    grid = _card(web(personas.grid_leader_a1).get("/").content.decode())
    assert 'aria-hidden="true">2<' in grid and "1 件已超时" in grid and "level=1" in grid
    village = _card(web(personas.village_secretary_a1).get("/").content.decode())
    assert 'aria-hidden="true">1<' in village and "level=2" in village
    township = _card(web(personas.township_head_a).get("/").content.decode())
    assert 'aria-hidden="true">0<' in township and "暂无待办" in township
    assert "grids.issues_at_my_level" not in web(personas.resident_a1).get("/").content.decode()
