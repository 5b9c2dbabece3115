"""The LRS contract, read from the three WSDLs that ship with the package (`learner_records.lrs_contract`).

From each WSDL this builds what the endpoint needs and nothing is written by hand per field:
- an lxml `XMLSchema` of its embedded schemas, against which every request body is validated first;
- its operations: request element, response element, SOAPAction, fault element;
- a model of its complex types (children in sequence order, namespace-qualified or not, min/max occurs,
  nillable), from which responses are rendered and requests read (see `xml.py`).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache

from lxml import etree

from ...lrs_contract import CONTRACT_DIR

XS = "http://www.w3.org/2001/XMLSchema"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
SOAP_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"

QName = tuple[str | None, str]  # (namespace, local name); namespace None: unqualified


@dataclass(frozen=True, slots=True)
class Child:
    name: str
    namespace: str | None  # None: an unqualified element
    type: QName
    min_occurs: int
    max_occurs: int | None  # None: unbounded
    nillable: bool

    @property
    def repeated(self) -> bool:
        return self.max_occurs is None or self.max_occurs > 1


@dataclass(frozen=True, slots=True)
class Operation:
    name: str
    soap_action: str
    request: QName
    response: QName
    fault: QName


class Contract:
    """One service's WSDL: its schema, operations and type model."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.wsdl_bytes = (CONTRACT_DIR / f"{service}.wsdl").read_bytes()
        root = etree.fromstring(self.wsdl_bytes)
        schemas = root.findall(f"{{{WSDL}}}types/{{{XS}}}schema")
        self._schemas = {schema.get("targetNamespace", ""): schema for schema in schemas}
        self.schema = _xml_schema(self._schemas)
        self.complex_types: dict[QName, tuple[Child, ...]] = {}
        self.elements: dict[QName, QName] = {}  # global element -> its type
        self._simple: set[QName] = set()
        for namespace, schema in self._schemas.items():
            self._read_schema(namespace, schema)
        self.operations = _operations(root)
        self.by_request = {op.request: op for op in self.operations.values()}

    def is_simple(self, type_name: QName) -> bool:
        return type_name[0] == XS or type_name in self._simple

    def children(self, type_name: QName) -> tuple[Child, ...]:
        return self.complex_types[type_name]

    def _read_schema(self, namespace: str, schema: etree._Element) -> None:
        qualified = schema.get("elementFormDefault") == "qualified"
        for node in schema:
            name = node.get("name")
            if name is None:
                continue
            if node.tag == f"{{{XS}}}simpleType":
                self._simple.add((namespace, name))
            elif node.tag == f"{{{XS}}}complexType":
                self._pending_type((namespace, name), node, namespace, qualified)
            elif node.tag == f"{{{XS}}}element":
                anonymous = node.find(f"{{{XS}}}complexType")
                if anonymous is not None:
                    key: QName = (f"#element:{namespace}", name)
                    self._pending_type(key, anonymous, namespace, qualified)
                    self.elements[(namespace, name)] = key
                else:
                    self.elements[(namespace, name)] = _resolve(node, node.get("type", "xs:string"))

    def _pending_type(self, key: QName, node: etree._Element, namespace: str, qualified: bool) -> None:
        self.complex_types[key] = self._sequence(node, namespace, qualified)

    def _sequence(self, node: etree._Element, namespace: str, qualified: bool) -> tuple[Child, ...]:
        children: list[Child] = []
        extension = node.find(f"{{{XS}}}complexContent/{{{XS}}}extension")
        if extension is not None:
            base = _resolve(extension, extension.get("base", ""))
            children.extend(self._base_children(base))
            node = extension
        for element in node.findall(f"{{{XS}}}sequence/{{{XS}}}element"):
            form = element.get("form")
            is_qualified = form == "qualified" or (form is None and qualified)
            maximum = element.get("maxOccurs", "1")
            children.append(
                Child(
                    name=element.get("name", ""),
                    namespace=namespace if is_qualified else None,
                    type=_resolve(element, element.get("type", "xs:string")),
                    min_occurs=int(element.get("minOccurs", "1")),
                    max_occurs=None if maximum == "unbounded" else int(maximum),
                    nillable=element.get("nillable") == "true",
                )
            )
        return tuple(children)

    def _base_children(self, base: QName) -> tuple[Child, ...]:
        if base in self.complex_types:
            return self.complex_types[base]
        namespace = base[0] or ""
        schema = self._schemas[namespace]
        for node in schema.findall(f"{{{XS}}}complexType"):
            if node.get("name") == base[1]:
                self._pending_type(base, node, namespace, schema.get("elementFormDefault") == "qualified")
                return self.complex_types[base]
        raise KeyError(f"type {base} is not in the contract")


def _resolve(node: etree._Element, prefixed: str) -> QName:
    prefix, _, local = prefixed.rpartition(":")
    return (node.nsmap.get(prefix or None), local)


def _operations(root: etree._Element) -> dict[str, Operation]:
    messages = {}
    for message in root.findall(f"{{{WSDL}}}message"):
        part = message.find(f"{{{WSDL}}}part")
        if part is not None and part.get("element"):
            messages[message.get("name")] = _resolve(part, part.get("element", ""))
    port_ops = {}
    for operation in root.findall(f"{{{WSDL}}}portType/{{{WSDL}}}operation"):

        def message_of(tag: str, op: etree._Element = operation) -> QName:
            node = op.find(f"{{{WSDL}}}{tag}")
            assert node is not None
            return messages[node.get("message", "").rpartition(":")[2]]

        port_ops[operation.get("name")] = (message_of("input"), message_of("output"), message_of("fault"))
    operations = {}
    for operation in root.findall(f"{{{WSDL}}}binding/{{{WSDL}}}operation"):
        name = operation.get("name", "")
        soap = operation.find(f"{{{SOAP_BINDING}}}operation")
        action = soap.get("soapAction", "") if soap is not None else ""
        request, response, fault = port_ops[name]
        operations[name] = Operation(name, action, request, response, fault)
    return operations


def _xml_schema(schemas: dict[str, etree._Element]) -> etree.XMLSchema:
    """One XMLSchema over all the WSDL's schemas: each is served to libxml2 by namespace through a resolver."""

    class ByNamespace(etree.Resolver):
        def resolve(self, system_url: str, public_id: str, context: object) -> object:  # type: ignore[override]
            if not system_url.startswith("contract:"):
                return None
            original = schemas[system_url.removeprefix("contract:")]
            # A fresh root that declares every prefix in scope: type="q1:..." values need their prefixes declared.
            schema = etree.Element(original.tag, attrib=dict(original.attrib), nsmap=original.nsmap)  # type: ignore[arg-type,misc]
            for child in original:
                schema.append(copy.deepcopy(child))
            for imported in schema.findall(f"{{{XS}}}import"):
                imported.set("schemaLocation", "contract:" + imported.get("namespace", ""))
            return self.resolve_string(etree.tostring(schema), context)  # type: ignore[call-arg]

    wrapper = etree.Element(f"{{{XS}}}schema", nsmap={"xs": XS})
    for namespace in schemas:
        etree.SubElement(wrapper, f"{{{XS}}}import", namespace=namespace, schemaLocation="contract:" + namespace)
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    parser.resolvers.add(ByNamespace())
    return etree.XMLSchema(etree.fromstring(etree.tostring(wrapper), parser))


@cache
def contract(service: str) -> Contract:
    return Contract(service)
