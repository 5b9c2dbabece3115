"""/api/v1/learners: register, find, update, verify and retrieve learners."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status

from ....domain.codes import ResponseCode
from ....domain.errors import NotFound
from ....domain.learner import validate_uln
from ....domain.queries import demographics, verification_query
from ..deps import ActorDep, ServicesDep
from ..schemas import (
    DemographicsIn,
    FoundOut,
    LearnerFields,
    LearnerOut,
    LearnerUpdate,
    MatchOut,
    RegisteredOut,
    RetrievedOut,
    RetrieveIn,
    RetrieveOut,
    SearchOut,
    VerifiedOut,
    VerifyBatchIn,
    VerifyBatchOut,
    VerifyIn,
)

router = APIRouter(prefix="/api/v1/learners", tags=["learners"])
PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No or unknown API key"},
    403: {"description": "Not allowed for this organisation"},
    422: {"description": "A field breaks its rule"},
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=RegisteredOut,
    responses={**PROBLEMS, 409: {"description": "WSRC0021: the learner is registered already"}},
)
def register_learner(body: LearnerFields, actor: ActorDep, services: ServicesDep) -> RegisteredOut:
    """Register a learner and allocate a new ULN (WSRC0005)."""
    learner = services.register.register(actor, body.to_details())
    code = ResponseCode.LEARNER_REGISTERED
    return RegisteredOut(code=code.value, wording=code.wording, learner=LearnerOut.of(learner))


@router.post("/search", response_model=SearchOut, responses=PROBLEMS)
def find_by_demographics(body: DemographicsIn, actor: ActorDep, services: ServicesDep) -> SearchOut:
    """Find learners by the five mandatory fields.

    WSRC0004 exact, 0003 possible matches, 0002 too many, 0001 none, 0022 exact on a merged learner (its master).
    """
    query = demographics(
        body.given_name, body.family_name, body.date_of_birth, body.gender, body.postcode, body.previous_family_name
    )
    result = services.register.find_by_demographics(actor, query)
    return SearchOut(
        code=result.code.value, wording=result.code.wording, matches=[MatchOut.of(m) for m in result.matches]
    )


@router.post("/verify", response_model=VerifiedOut, responses=PROBLEMS)
def verify_learner(body: VerifyIn, actor: ActorDep, services: ServicesDep) -> VerifiedOut:
    """Verify a ULN against names (and optionally date of birth and gender): WSVRC001-006 with VRF flags."""
    query = verification_query(body.uln, body.given_name, body.family_name, body.date_of_birth, body.gender)
    (verification,) = services.register.verify(actor, [query])
    return VerifiedOut.of(body, verification)


@router.post("/verify/batch", response_model=VerifyBatchOut, responses=PROBLEMS)
def verify_learners(body: VerifyBatchIn, actor: ActorDep, services: ServicesDep) -> VerifyBatchOut:
    """Verify up to 200 learners at once."""
    queries = [verification_query(v.uln, v.given_name, v.family_name, v.date_of_birth, v.gender) for v in body.learners]
    verifications = services.register.verify(actor, queries)
    return VerifyBatchOut(learners=[VerifiedOut.of(s, v) for s, v in zip(body.learners, verifications, strict=True)])


@router.post("/retrieve", response_model=RetrieveOut, responses=PROBLEMS)
def retrieve_ulns(body: RetrieveIn, actor: ActorDep, services: ServicesDep) -> RetrieveOut:
    """Look up to 200 ULNs at once; a linked ULN reports its master."""
    ulns = [validate_uln(uln, f"ulns[{index}]") for index, uln in enumerate(body.ulns)]
    return RetrieveOut(learners=[RetrievedOut.of(item) for item in services.register.retrieve(actor, ulns)])


@router.get("/{uln}", response_model=FoundOut, responses={**PROBLEMS, 404: {"description": "WSRC0001: no such ULN"}})
def find_by_uln(
    uln: str, actor: ActorDep, services: ServicesDep, given_name: str | None = None, family_name: str | None = None
) -> FoundOut:
    """A learner by ULN. A linked ULN answers with its master (WSRC0022). With names, they must match."""
    found = services.register.find_by_uln(actor, validate_uln(uln), given_name, family_name)
    if found.learner is None:
        raise NotFound(f"No learner with ULN {uln}" + (" and these names" if given_name else ""))
    return FoundOut(
        code=found.code.value,
        wording=found.code.wording,
        incoming_uln=found.incoming_uln,
        master_substituted=found.master_substituted,
        learner=LearnerOut.of(found.learner),
    )


@router.put(
    "/{uln}",
    response_model=RegisteredOut,
    responses={**PROBLEMS, 404: {"description": "WSRC0019"}, 409: {"description": "WSRC0013/0014/0020/0021"}},
)
def update_learner(uln: str, body: LearnerUpdate, actor: ActorDep, services: ServicesDep) -> RegisteredOut:
    """Replace a learner's details; `version` must be the one you read (optimistic concurrency)."""
    learner = services.register.update(actor, validate_uln(uln), body.version, body.to_details())
    code = ResponseCode.LEARNER_UPDATED
    return RegisteredOut(code=code.value, wording=code.wording, learner=LearnerOut.of(learner))
