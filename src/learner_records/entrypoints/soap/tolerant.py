"""Reading LearnerService requests the way the live MIAP back-end does, before the contract's schema checks them.

The WSDL that the live service publishes is a WCF proxy's: it marks some elements required and nillable
(`OrganisationRef`, `UKPRN`, `PreviousFamilyName`, ...) that the MIAP schema behind it, the one the live service
really validates against, makes optional, and clients written by hand against the live service (MoJ's
hmpps-learner-records-api, for one) leave them out or send them in another order. So, for the services listed in
`TOLERANT_SERVICES`, the request element is first put into the contract's shape: its children in the contract's
order, and each required-but-nillable element that is missing added as `xsi:nil`. Nothing else changes: an
unknown or misplaced-namespace element, a second copy of a single one, a missing element the contract does not
allow to be nil, and every bad value are left for the schema to refuse (WSEC0001), as the live service does.
"""

from __future__ import annotations

from lxml import etree

from .contract import Contract, QName
from .xml import XSI_NIL, tag_of

TOLERANT_SERVICES = frozenset({"LearnerService"})


def in_contract_order(contract: Contract, element: etree._Element) -> None:
    """Reorder `element`'s children (in place, all the way down) into the contract's sequence, adding each
    required-but-nillable child that is missing as nil; unknown children go last, for the schema to name."""
    qname = etree.QName(element)
    type_name = contract.elements.get((qname.namespace, qname.localname))
    if type_name is not None:
        _reorder(contract, element, type_name)


def _reorder(contract: Contract, node: etree._Element, type_name: QName) -> None:
    if type_name not in contract.complex_types or node.get(XSI_NIL) in ("true", "1"):
        return
    by_name: dict[QName, list[etree._Element]] = {}
    sent = [sub for sub in node if isinstance(sub.tag, str)]
    for sub in sent:
        qname = etree.QName(sub)
        by_name.setdefault((qname.namespace, qname.localname), []).append(sub)
    placed: list[etree._Element] = []
    for child in contract.children(type_name):
        matching = by_name.pop((child.namespace, child.name), [])
        if not matching and child.min_occurs >= 1 and child.nillable:
            missing = etree.Element(tag_of(child))
            missing.set(XSI_NIL, "true")
            matching = [missing]
        if not contract.is_simple(child.type):
            for sub in matching:
                _reorder(contract, sub, child.type)
        placed.extend(matching)
    known = {id(sub) for sub in placed}
    for sub in placed + [sub for sub in sent if id(sub) not in known]:
        node.append(sub)  # appending an element already here moves it to the end, its tail with it
