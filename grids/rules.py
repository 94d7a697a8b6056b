"""Who may take which step of an issue (and manage a grid), declared once (governance.rules): the actions
check these rules on the row they lock, the pages offer exactly the steps they allow.

An issue is handled by its current level's office and anyone above it in the same subtree
(models.LEVEL_HANDLERS); the reporter confirms or reopens a resolution; whoever sees the issue may comment
on it and, while it is not finished, attach a file. A handler's scope already implies the issue's "change"
scope (the handler roles are staff roles on the issue's path), which the actions' scoped load enforces too:
the rules need no query of their own.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from governance.rules import Rule, Rules
from governance.scoping import Role, region_allows, user_roles

from .models import ACTIVE_STATUSES, LEVEL_HANDLERS, EscalationLevel, EscalationSLA, Grid, Issue, IssueStatus, Responsibility

S = IssueStatus


def handles(user, issue) -> bool:
    """The user handles the issue at its current level (its region must be loaded)."""
    return region_allows(user, issue.region, LEVEL_HANDLERS[issue.level])


def handles_below_county(user, issue) -> bool:
    return issue.level < EscalationLevel.COUNTY and handles(user, issue)


def reported_it(user, issue) -> bool:
    return issue.reporter_id == user.pk


@dataclass(frozen=True)
class IssueRule(Rule):
    """A rule whose denial may name the level that handles the issue now (%(level)s)."""

    def check(self, user, obj) -> None:
        if not self.permitted(user, obj):
            raise PermissionDenied(self.denial % {"level": obj.get_level_display()})
        super().check(user, obj)


_handler = dict(scope=None, who=handles, denial=_("该事件现由%(level)s处置，您不能办理。"))
_reporter = dict(scope=None, who=reported_it, denial=_("只有上报人可以确认或重新打开事件。"))
_open = frozenset(ACTIVE_STATUSES)

ISSUE = Rules(Issue, [
    IssueRule("accept", _("受理"), states=frozenset({S.REPORTED, S.REOPENED}), url_name="grids:issue_accept",
              refusal=_("该事件当前为“%(status)s”，不能受理。"), **_handler),
    IssueRule("start", _("开始办理"), states=frozenset({S.ACCEPTED, S.REOPENED}), url_name="grids:issue_start",
              refusal=_("该事件当前为“%(status)s”，不能开始办理。"), **_handler),
    IssueRule("assign", _("指派"), states=_open, url_name="grids:issue_assign", asks=True, style="outline-primary",
              refusal=_("该事件当前为“%(status)s”，不能指派。"), **_handler),
    IssueRule("resolve", _("办结"), states=_open, url_name="grids:issue_resolve", asks=True,
              refusal=_("该事件当前为“%(status)s”，不能办结。"), **_handler),
    IssueRule("escalate", _("提级处置"), states=_open, url_name="grids:issue_escalate", asks=True,
              style="outline-primary", refusal=_("该事件当前为“%(status)s”，不能提级。"),
              **{**_handler, "who": handles_below_county}),
    IssueRule("reject", _("不予受理"), states=frozenset({S.REPORTED, S.ACCEPTED}), url_name="grids:issue_reject",
              asks=True, style="outline-danger", refusal=_("该事件当前为“%(status)s”，不能不予受理。"), **_handler),
    IssueRule("confirm", _("确认办结"), states=frozenset({S.RESOLVED}), url_name="grids:issue_confirm",
              refusal=_("该事件当前为“%(status)s”，不能确认关闭。"), **_reporter),
    IssueRule("reopen", _("不满意，重新打开"), states=frozenset({S.RESOLVED}), url_name="grids:issue_reopen",
              asks=True, style="outline-primary", refusal=_("该事件当前为“%(status)s”，不能重新打开。"), **_reporter),
    # Whoever sees the issue (its handlers above and below, the reporter) may add to its record.
    IssueRule("comment", _("备注"), scope=None, url_name="grids:issue_comment", asks=True, style="outline-secondary"),
    IssueRule("attach", _("添加附件"), scope=None, states=_open | {S.RESOLVED}, url_name="grids:issue_attach",
              asks=True, style="outline-secondary", refusal=_("事件已结束，不能再添加附件。")),
])


def manages_grid(user, grid) -> bool:
    return region_allows(user, grid.region, Grid.scope_spec.roles_for("change"))


def assigns_responsibility(user, grid) -> bool:
    return region_allows(user, grid.region, Responsibility.scope_spec.roles_for("change"))


GRID = Rules(Grid, [
    Rule("member_add", _("安排党员履职"), scope=None, who=manages_grid, url_name="grids:grid_member_add", asks=True,
         style="outline-primary", denial=_("只有村（社区）书记及以上可以安排党员到网格履职。")),
    Rule("responsibility_assign", _("分配责任户"), scope=None, who=assigns_responsibility,
         url_name="grids:responsibility_assign", asks=True,
         denial=_("只有网格长、村（社区）书记及以上可以分配责任户。")),
])


def sets_slas(user, sla=None) -> bool:
    return user.is_superuser or Role.COUNTY_ADMIN in user_roles(user)


SLA = Rules(EscalationSLA, [
    Rule("edit", _("修改"), scope=None, who=sets_slas, url_name="grids:sla_edit", asks=True,
         denial=_("办理时限由县委组织部配置。")),
])
