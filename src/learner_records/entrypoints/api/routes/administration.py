"""/api/v1: merges, the duplicate scan, organisations and their API keys, and the ULN check."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Query, status

from ....domain import uln as uln_rules
from ....domain.access import OrganisationKind
from ....domain.errors import InvalidField, InvalidUln
from ....domain.learner import validate_uln
from ....services.ports import Organisation
from ...ids import Id
from ..deps import ActorDep, ServicesDep
from ..key_schemas import ApiKeyIn, ApiKeyOut, IssuedKeyOut, RotateIn
from ..schemas import (
    DuplicateOut,
    LearnerOut,
    MergeEventOut,
    MergeIn,
    NewOrganisationOut,
    OrganisationIn,
    OrganisationOut,
    UlnCheckOut,
)
from .learners import PROBLEMS

router = APIRouter(prefix="/api/v1", tags=["administration"])


@router.post("/merges", response_model=LearnerOut, responses={**PROBLEMS, 404: {}, 409: {}})
def merge(body: MergeIn, actor: ActorDep, services: ServicesDep) -> LearnerOut:
    """Merge a duplicate into a master ULN; every read of the linked ULN then answers with the master."""
    master = services.merging.merge(
        actor, validate_uln(body.master_uln, "master_uln"), validate_uln(body.linked_uln, "linked_uln")
    )
    return LearnerOut.of(master)


@router.delete("/merges/{linked_uln}", response_model=LearnerOut, responses={**PROBLEMS, 404: {}, 409: {}})
def unmerge(linked_uln: str, actor: ActorDep, services: ServicesDep) -> LearnerOut:
    """Undo a merge: the linked learner gets its own record back."""
    return LearnerOut.of(services.merging.unmerge(actor, validate_uln(linked_uln)))


@router.get("/merges", response_model=list[MergeEventOut], responses=PROBLEMS)
def merge_report(
    actor: ActorDep,
    services: ServicesDep,
    from_date: date = Query(alias="from", description="First day, yyyy-mm-dd"),
    to_date: date | None = Query(None, alias="to", description="Last day (inclusive); default today"),
) -> list[MergeEventOut]:
    """Learners merged and unmerged between two dates."""
    last = to_date or services.clock.now().date()
    if last < from_date:
        raise InvalidField("to", f"{last} is before {from_date}", "to must not be before from")
    start, end = datetime.combine(from_date, time()), datetime.combine(last + timedelta(days=1), time())
    lines = services.merging.report(actor, start, end)
    return [
        MergeEventOut(
            at=line.event.at,
            kind="merged" if line.event.merged else "unmerged",
            master_uln=line.event.master_uln,
            linked_uln=line.event.linked_uln,
            master_name=f"{line.master.details.given_name} {line.master.details.family_name}" if line.master else None,
            linked_name=f"{line.linked.details.given_name} {line.linked.details.family_name}" if line.linked else None,
            master_date_of_birth=line.master.details.date_of_birth if line.master else None,
            linked_date_of_birth=line.linked.details.date_of_birth if line.linked else None,
        )
        for line in lines
    ]


@router.get("/duplicates", response_model=list[DuplicateOut], responses=PROBLEMS)
def duplicate_candidates(
    actor: ActorDep, services: ServicesDep, limit: int = Query(100, ge=1, le=10_000)
) -> list[DuplicateOut]:
    """Pairs of learners that are probably the same person, best first, with the reasons."""
    return [DuplicateOut.of(pair) for pair in services.merging.scan_duplicates(actor, limit)]


def _organisation(org: Organisation) -> OrganisationOut:
    return OrganisationOut(
        id=org.id, ukprn=org.ukprn, name=org.name, kind=org.kind.value, organisation_ref=org.organisation_ref
    )


@router.post(
    "/organisations",
    status_code=status.HTTP_201_CREATED,
    response_model=NewOrganisationOut,
    responses={**PROBLEMS, 409: {}},
)
def create_organisation(body: OrganisationIn, actor: ActorDep, services: ServicesDep) -> NewOrganisationOut:
    """Create an organisation and its first API key (register administrators only)."""
    try:
        kind = OrganisationKind(body.kind)
    except ValueError:
        raise InvalidField(
            "kind", f"{body.kind!r} is not a kind", "one of " + ", ".join(k.value for k in OrganisationKind)
        ) from None
    created = services.organisations.create(actor, body.ukprn, body.name, kind, body.organisation_ref)
    return NewOrganisationOut(organisation=_organisation(created.organisation), api_key=created.api_key)


@router.get("/organisations", response_model=list[OrganisationOut], responses=PROBLEMS)
def list_organisations(actor: ActorDep, services: ServicesDep) -> list[OrganisationOut]:
    return [_organisation(org) for org in services.organisations.list(actor)]


@router.get("/uln/{uln}", response_model=UlnCheckOut)
def check_uln(uln: str) -> UlnCheckOut:
    """Check a ULN's format and check digit. Says nothing about whether it is on the register."""
    try:
        return UlnCheckOut(uln=uln_rules.validate(uln), valid=True, problem=None)
    except InvalidUln as error:
        return UlnCheckOut(uln=uln, valid=False, problem=error.problem)


KEY_PROBLEMS: dict[int | str, dict[str, Any]] = {
    **PROBLEMS,
    404: {"description": "No organisation has this UKPRN, or it has no such key"},
}


@router.get("/organisations/{ukprn}/keys", response_model=list[ApiKeyOut], responses=KEY_PROBLEMS)
def list_keys(ukprn: str, actor: ActorDep, services: ServicesDep) -> list[ApiKeyOut]:
    """An organisation's API keys, revoked ones too (register administrators only; never the secrets)."""
    now = services.clock.now()
    return [ApiKeyOut.of(key, now) for key in services.api_keys.keys(actor, ukprn)]


@router.post("/organisations/{ukprn}/keys", status_code=status.HTTP_201_CREATED, response_model=IssuedKeyOut,
             responses=KEY_PROBLEMS)  # fmt: skip
def create_key(ukprn: str, body: ApiKeyIn, actor: ActorDep, services: ServicesDep) -> IssuedKeyOut:
    """Another API key for an organisation; the answer is the only time its secret is shown."""
    return IssuedKeyOut.of(services.api_keys.create(actor, ukprn, body.label), services.clock.now())


@router.delete("/organisations/{ukprn}/keys/{key_id}", response_model=ApiKeyOut,
               responses={**KEY_PROBLEMS, 409: {"description": "The key is revoked already"}})  # fmt: skip
def revoke_key(ukprn: str, key_id: Id, actor: ActorDep, services: ServicesDep) -> ApiKeyOut:
    """Revoke a key: every request with it is refused (401) from now on."""
    return ApiKeyOut.of(services.api_keys.revoke(actor, ukprn, key_id), services.clock.now())


@router.post("/organisations/{ukprn}/keys/{key_id}/rotate", status_code=status.HTTP_201_CREATED,
             response_model=IssuedKeyOut,
             responses={**KEY_PROBLEMS, 409: {"description": "The key is revoked or rotated already"}})  # fmt: skip
def rotate_key(
    ukprn: str, key_id: Id, actor: ActorDep, services: ServicesDep, body: RotateIn | None = None
) -> IssuedKeyOut:
    """A new key in place of this one; the old one is refused at once, or after `overlap_minutes` (at most 60)."""
    overlap = timedelta(minutes=body.overlap_minutes if body else 0)
    return IssuedKeyOut.of(services.api_keys.rotate(actor, ukprn, key_id, overlap), services.clock.now())
