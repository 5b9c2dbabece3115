"""Clusters of records of one person: connected components over the probable-duplicate pairs.

Two records of one learner can each pair with a third without pairing with each other (a typo in one, a move
in the other); the components bring such chains together so that an administrator merges one person at once.
A component larger than `max_size` is more likely a chain of look-alikes than one person: it is split back into
its strongest pairs' components by dropping the weakest pairs until every part fits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


class _Components:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self.parent.setdefault(item, item)
        while parent != item:
            grand = self.parent[parent]
            self.parent[item] = grand
            item, parent = parent, grand
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def clusters(pairs: Iterable[tuple[str, str, float]], max_size: int = 10) -> list[list[str]]:
    """Groups of ids joined by pairs (first id, second id, score), best pairs first; each group sorted, no group
    larger than `max_size`; groups ordered by their first id."""
    ranked: Sequence[tuple[str, str, float]] = sorted(pairs, key=lambda pair: (-pair[2], pair[0], pair[1]))
    components = _Components()
    sizes: dict[str, int] = {}
    for a, b, _ in ranked:  # strongest first: a weak link that would make a group too large is left out
        ra, rb = components.find(a), components.find(b)
        if ra == rb:
            continue
        size_a, size_b = sizes.get(ra, 1), sizes.get(rb, 1)
        if size_a + size_b > max_size:
            continue
        components.union(ra, rb)
        sizes[components.find(ra)] = size_a + size_b
    groups: dict[str, list[str]] = {}
    for item in list(components.parent):
        groups.setdefault(components.find(item), []).append(item)
    return sorted((sorted(group) for group in groups.values() if len(group) > 1), key=lambda group: group[0])
