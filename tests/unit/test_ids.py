from __future__ import annotations

import pytest

from learner_records.entrypoints.ids import MAX_ID, form_id


@pytest.mark.parametrize("text", ["1", " 42 ", str(MAX_ID)])
def test_a_form_id_is_read_as_its_number(text: str) -> None:
    assert form_id(text) == int(text)


@pytest.mark.parametrize("text", [None, "", "0", "-1", "1.5", "x1", str(MAX_ID + 1), "9" * 40, "²", "١٢"])
def test_a_form_field_that_can_be_no_id_is_none(text: str | None) -> None:
    assert form_id(text) is None
