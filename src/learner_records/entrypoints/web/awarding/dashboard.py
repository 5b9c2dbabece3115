"""The awarding dashboard: how many registrations are in each ULN state and certification status, the anomalies
whose ULN goes soon, and two charts drawn on the server (validation outcomes, anomalies open each week)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from ....domain.awarding import UlnState
from ....domain.users import Permission
from ..access import route
from . import charts
from .common import CERTIFICATION, ULN_STATES, actor, router, services, show

_COLOURS = {UlnState.NONE: "#505a5f", UlnState.PENDING: "#1d70b8", UlnState.VALIDATED: "#00703c",
            UlnState.ANOMALY: "#d4351c", UlnState.REMOVED: "#f47738"}  # fmt: skip


@route(router, "GET", "", Permission.CENTRE)
def dashboard(request: Request) -> HTMLResponse:
    _, acting = actor(request)
    board = services(request).awarding_overview.dashboard(acting)
    outcomes = [(ULN_STATES[state][0], count) for state, count in board.uln_states]
    weeks = [(f"{day.day} {day:%b}", count) for day, count in board.anomalies_by_week]
    outcome_chart = charts.bar_chart("outcomes", "Registrations by ULN validation outcome", outcomes,
                                     [_COLOURS[state] for state, _ in board.uln_states])  # fmt: skip
    weekly_chart = charts.line_chart("anomalies", "Anomalies open at the end of each week", weeks)
    statuses = [(CERTIFICATION[status][0], count) for status, count in board.certification]
    return show(request, "awarding/dashboard.html", title="Awarding dashboard", board=board, outcomes=outcomes,
                weeks=weeks, statuses=statuses, outcome_chart=outcome_chart, weekly_chart=weekly_chart)  # fmt: skip
