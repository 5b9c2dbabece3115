"""LearnerService requests put into the contract's shape before the schema sees them, as the live MIAP service reads
them: any order, required-but-nillable elements optional; nothing else forgiven."""

from __future__ import annotations

from lxml import etree

from learner_records.entrypoints.soap.contract import contract
from learner_records.entrypoints.soap.tolerant import in_contract_order
from learner_records.entrypoints.soap.xml import XSI_NIL

FIND = "http://api.lrs.miap.gov.uk/findmsg"
REG = "http://api.lrs.miap.gov.uk/regmsg"


def shaped(xml: str) -> etree._Element:
    element = etree.fromstring(xml)
    in_contract_order(contract("LearnerService"), element)
    return element


def test_children_come_out_in_the_contracts_order_with_missing_nillable_ones_as_nil() -> None:
    element = shaped(f'<f:FindLearnerByULN xmlns:f="{FIND}"><GivenName>A</GivenName><ULN>1</ULN><UserName>u</UserName>'
                     "<FindType>FUL</FindType><FamilyName>B</FamilyName></f:FindLearnerByULN>")  # fmt: skip
    assert [child.tag for child in element] == ["FindType", "OrganisationRef", "UKPRN", "UserName", "ULN",
                                                "FamilyName", "GivenName"]  # fmt: skip
    assert [child.get(XSI_NIL) for child in element[1:3]] == ["true", "true"]
    assert contract("LearnerService").schema.validate(element)


def test_unknown_and_repeated_elements_are_kept_for_the_schema_to_refuse() -> None:
    element = shaped(f'<f:FindLearnerByULN xmlns:f="{FIND}"><Nickname>x</Nickname><ULN>1</ULN><ULN>2</ULN>'
                     f"<f:FindType>FUL</f:FindType></f:FindLearnerByULN>")  # fmt: skip
    assert [etree.QName(child).localname for child in element] == ["OrganisationRef", "UKPRN", "ULN", "ULN",
                                                                   "Nickname", "FindType"]  # fmt: skip
    assert not contract("LearnerService").schema.validate(element)


def test_nested_learner_elements_are_put_in_order_too() -> None:
    element = shaped(f'<r:RegisterLearner xmlns:r="{REG}"><Learner><FamilyName>B</FamilyName>'
                     "<GivenName>A</GivenName></Learner><UKPRN>10000001</UKPRN></r:RegisterLearner>")  # fmt: skip
    assert [child.tag for child in element] == ["OrganisationRef", "UKPRN", "Learner"]
    names = [child.tag for child in element.find("Learner") if child.tag in ("GivenName", "FamilyName")]
    assert names == ["GivenName", "FamilyName"]
