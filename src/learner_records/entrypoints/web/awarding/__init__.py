"""The awarding portal under /awarding: the dashboard, registrations (one, or a CSV file), the Administration page
of ULN anomalies, results and certificates, and data challenges.

An awarding body user works across the organisation's centres; a centre user only in their own centre (the
services scope every read and action by the actor), and results, certificates and challenges are not theirs.
"""

from __future__ import annotations

from ....domain.users import Permission
from ..navigation import add_section
from . import anomalies, challenges, dashboard, registrations, results
from .common import router

__all__ = ["anomalies", "challenges", "dashboard", "registrations", "results", "router"]

add_section("/awarding", "Awarding dashboard", Permission.CENTRE)
add_section("/awarding/registrations", "Registrations", Permission.CENTRE)
add_section("/awarding/anomalies", "Administration", Permission.CENTRE)
add_section("/awarding/results", "Results and certificates", Permission.AWARDING)
add_section("/awarding/challenges", "Data challenges", Permission.AWARDING)
