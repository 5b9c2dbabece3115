"""Values to and from contract XML, driven by the contract's type model (never by hand per element).

A message is a dict keyed by element local names: a complex child is a dict, a repeated child a list, a simple
child a string (ints, bools, dates and datetimes are written in their XML forms), None an absent element, or an
`xsi:nil` one when the contract says the element must be there and may be nil.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from lxml import etree

from .contract import Child, Contract, QName

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
Message = dict[str, Any]


class Nil:
    """An element present and nil (`xsi:nil="true"`), where absence would break the contract."""


NIL = Nil()


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def tag_of(child: Child) -> str:
    return f"{{{child.namespace}}}{child.name}" if child.namespace else child.name


def render(
    contract: Contract, element: QName, values: Mapping[str, Any], nsmap: Mapping[Any, str] | None = None
) -> etree._Element:
    """The global `element` of the contract, filled from `values` (`nsmap`: the prefixes declared on
    it, None the default namespace)."""
    node = etree.Element(f"{{{element[0]}}}{element[1]}", nsmap=nsmap)
    _fill(contract, node, contract.elements[element], values)
    return node


def _fill(contract: Contract, node: etree._Element, type_name: QName, values: Mapping[str, Any]) -> None:
    for child in contract.children(type_name):
        value = values.get(child.name)
        if value is None:
            if child.min_occurs >= 1 and child.nillable:
                etree.SubElement(node, tag_of(child)).set(XSI_NIL, "true")
            continue
        for item in value if child.repeated and isinstance(value, list) else [value]:
            sub = etree.SubElement(node, tag_of(child))
            if isinstance(item, Nil):
                sub.set(XSI_NIL, "true")
            elif contract.is_simple(child.type):
                sub.text = _text(item)
            else:
                _fill(contract, sub, child.type, item)


def read(contract: Contract, element: etree._Element) -> Message:
    """A validated request element as a message (unknown elements cannot occur: validation came first)."""
    return _read(contract, element, contract.elements[_qname(element)])


def _qname(element: etree._Element) -> QName:
    qname = etree.QName(element)
    return (qname.namespace, qname.localname)


def _read(contract: Contract, node: etree._Element, type_name: QName) -> Message:
    by_name = {child.name: child for child in contract.children(type_name)}
    message: Message = {}
    for sub in node:
        if not isinstance(sub.tag, str):
            continue  # comments and processing instructions
        child = by_name[etree.QName(sub).localname]
        if sub.get(XSI_NIL) in ("true", "1"):
            value: Any = None
        elif contract.is_simple(child.type):
            value = sub.text or ""
        else:
            value = _read(contract, sub, child.type)
        if child.repeated:
            message.setdefault(child.name, []).append(value)
        else:
            message[child.name] = value
    return message
