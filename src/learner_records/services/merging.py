"""Duplicate learners: the scan that finds them, merging into a master ULN, unmerging, and the report by date."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import islice

from ..domain import matching
from ..domain.access import Actor, Operation
from ..domain.errors import InvalidMerge, NotFound
from ..domain.learner import Learner
from ..domain.matching.clustering import clusters
from ..domain.matching.training import fitted_to_register
from .ports import AccessEntry, Clock, MergeEvent, UnitOfWork, UnitOfWorkFactory

_SCAN_BATCH = 50_000
# The largest group of records the scan offers as one person; a bigger chain is more likely look-alikes.
CLUSTER_LIMIT = 10


@dataclass(frozen=True, slots=True)
class MergeReportLine:
    event: MergeEvent
    master: Learner | None
    linked: Learner | None


class MergingService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, matcher: matching.Matcher) -> None:
        self._uow = uow
        self._clock = clock
        self._matcher = matcher

    def _event(self, uow: UnitOfWork, actor: Actor, master: str, linked: str, merged: bool) -> None:
        now = self._clock.now()
        uow.merges.record(MergeEvent(now, master, linked, merged, actor.organisation_id, actor.user_name))
        action = "merge" if merged else "unmerge"
        uow.access_log.record([AccessEntry.by(actor, now, action, uln) for uln in (master, linked)])

    def merge(self, actor: Actor, master_uln: str, linked_uln: str) -> Learner:
        """Link `linked_uln` (and any learners already linked to it) to `master_uln`."""
        actor.require(Operation.MERGE)
        if master_uln == linked_uln:
            raise InvalidMerge("A learner cannot be merged into itself")
        with self._uow(write=True) as uow:
            found = uow.learners.get_many([master_uln, linked_uln])
            for uln in (master_uln, linked_uln):
                if uln not in found:
                    raise NotFound(f"ULN {uln} is not on the register")
            master, linked = found[master_uln], found[linked_uln]
            if master.is_linked:
                raise InvalidMerge(f"ULN {master_uln} is itself linked to master ULN {master.master_uln}")
            if linked.is_linked:
                raise InvalidMerge(f"ULN {linked_uln} is already linked to master ULN {linked.master_uln}")
            now = self._clock.now()
            for uln in (linked_uln, *linked.linked_ulns):
                uow.learners.set_master(uln, master_uln, now)
                self._event(uow, actor, master_uln, uln, merged=True)
            uow.commit()
        return self._reload(master_uln)

    def unmerge(self, actor: Actor, linked_uln: str) -> Learner:
        """Give a linked learner back its own record; the report shows the unmerge."""
        actor.require(Operation.MERGE)
        with self._uow(write=True) as uow:
            linked = uow.learners.get(linked_uln)
            if linked is None:
                raise NotFound(f"ULN {linked_uln} is not on the register")
            if linked.master_uln is None:
                raise InvalidMerge(f"ULN {linked_uln} is not linked to a master")
            uow.learners.set_master(linked_uln, None, self._clock.now())
            self._event(uow, actor, linked.master_uln, linked_uln, merged=False)
            uow.commit()
        return self._reload(linked_uln)

    def _reload(self, uln: str) -> Learner:
        with self._uow() as uow:
            learner = uow.learners.get(uln)
        assert learner is not None  # written in the committed transaction just before
        return learner

    def report(self, actor: Actor, start: datetime, end: datetime) -> list[MergeReportLine]:
        """Merges and unmerges between two times, with both learners' names and dates of birth.

        Register administrators only. The report is register-wide and names learners no single organisation
        necessarily knows; the current LRS interface has no merge report for organisations (it was in the legacy
        MIAP WSDL only). An organisation learns of a merge of its own learner on its next read of that learner:
        find, verify and the PLR answer a linked ULN with its master (WSRC0022, WSVRC002/004) and the learner
        carries its linked ULNs. Each learner shown is a disclosure, written to the access log with its ULN."""
        actor.require(Operation.MERGE_REPORT)
        with self._uow() as uow:
            events = uow.merges.between(start, end)
            shown = sorted({u for e in events for u in (e.master_uln, e.linked_uln)})
            learners = uow.learners.get_many(shown)
            now = self._clock.now()
            uow.access_log.record([AccessEntry.by(actor, now, "merge_report", uln) for uln in shown if uln in learners])
            uow.commit()
            return [MergeReportLine(e, learners.get(e.master_uln), learners.get(e.linked_uln)) for e in events]

    def scan_duplicates(self, actor: Actor, limit: int | None = None) -> list[matching.DuplicatePair]:
        """Pairs of unmerged learners that are probably one person, best first, each with its cluster: the
        records joined by such pairs (at most `CLUSTER_LIMIT`), numbered from 1, to merge as one person."""
        actor.require(Operation.DUPLICATE_SCAN)
        pairs = list(self.iter_duplicates())
        groups = clusters(((p.first.uln, p.second.uln, p.score) for p in pairs), CLUSTER_LIMIT)
        cluster_of = {uln: number for number, group in enumerate(groups, 1) for uln in group}
        pairs = [replace(pair, cluster=cluster_of.get(pair.first.uln, 0)) for pair in pairs
                 if cluster_of.get(pair.first.uln) == cluster_of.get(pair.second.uln)]  # fmt: skip
        pairs.sort(key=lambda pair: (-pair.score, pair.first.uln, pair.second.uln))
        shown = pairs[:limit] if limit is not None else pairs
        with self._uow() as uow:  # the pairs show the learners' details: each shown is a read, in the access log
            now = self._clock.now()
            uow.access_log.record([AccessEntry.by(actor, now, "duplicate_scan", uln)
                                   for pair in shown for uln in (pair.first.uln, pair.second.uln)])  # fmt: skip
            uow.commit()
        return shown

    def iter_duplicates(self) -> Iterator[matching.DuplicatePair]:
        """The probable duplicates among the candidate pairs of the blocking keys. Records are read once, pairs
        streamed in batches. A model not trained on a register (the default) is first given this one's name
        frequencies and prior from the records read (`fitted_to_register`)."""
        with self._uow() as uow:
            records = {record.uln: record for record in uow.learners.iter_records()}
            model = fitted_to_register(self._matcher.model, list(records.values()))
            matcher = self._matcher if model is self._matcher.model else self._matcher.with_model(model)
            pairs = uow.learners.candidate_pairs()
            while batch := list(islice(pairs, _SCAN_BATCH)):
                for first, second in batch:
                    pair = matcher.duplicate(records[first], records[second])
                    if pair is not None:
                        yield pair
