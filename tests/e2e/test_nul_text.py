"""U+0000 cannot be stored in PostgreSQL's text: in a query, a JSON body or an uploaded CSV file it is refused with
422 naming where it is, on both databases alike, and nothing is stored."""

from __future__ import annotations

from pathlib import Path

from .conftest import LiveServer
from .test_batch_files import registration_file
from .test_plr_cli import ACHIEVEMENTS_HEADER


def test_a_nul_in_a_query_is_refused_naming_the_parameter(server: LiveServer) -> None:
    answer = server.client("admin").get("/api/v1/challenges", params={"status": "open\x00"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "status"


def test_a_nul_in_a_json_body_is_refused_naming_the_field(server: LiveServer) -> None:
    awarding = server.client("awarding")
    answer = awarding.post("/api/v1/awarding/centres", json={"name": "North\x00gate", "centre_number": "E1"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "name"
    assert "E1" not in awarding.get("/api/v1/awarding/centres").text


def test_a_nul_in_a_batch_file_refuses_the_file(server: LiveServer, tmp_path: Path) -> None:
    made = registration_file(tmp_path / "intake.csv", extra=[["M9", "", "", "Zo\x00e"]])
    answer = server.client("school").post("/api/v1/batches/registration",
                                          files={"file": ("f.csv", made.read_bytes(), "text/csv")})  # fmt: skip
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "file"
    assert "line 6 contains the NUL character" in answer.json()["detail"]


def test_a_nul_in_an_achievements_file_refuses_the_file(server: LiveServer) -> None:
    content = ACHIEVEMENTS_HEADER + "Grade,Action\n1000000043,Zo\x00e,Bronte,10000001,601/8675/3,2026-07-01,Merit,1\n"
    awarding = server.client("awarding")
    answer = awarding.post("/api/v1/achievement-jobs/file", files={"file": ("f.csv", content.encode(), "text/csv")})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "file"
    assert "line 2 contains the NUL character" in answer.json()["detail"]
