"""The certificate PDF read back the way a person and a phone would: its text through pdftotext, its QR code through
zbarimg on a 150 dpi rendering of the page (poppler-utils and zbar-tools)."""

from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from learner_records.adapters.pdf.certificate import CertificateContent, FpdfCertificateRenderer, render_certificate

CONTENT = CertificateContent(
    certificate_number="NGA-2026-000123",
    learner_name="Siobhán Ó Briain",
    qualification_title="Level 2 Certificate in Digital Skills for Work",
    qualification_reference="601/8675/3",
    level="Level 2",
    grade="Distinction",
    award_date=date(2026, 7, 1),
    centre_name="Riverside College",
    awarding_organisation_name="Northgate Awards",
    uln="1026893096",
    verify_url="http://127.0.0.1:8000/verify/Xk3aPq9dLm2ZrT7vBn4cWsQ",
    issued_on=date(2026, 8, 14),
)


@pytest.fixture(scope="module")
def renderer() -> FpdfCertificateRenderer:
    return FpdfCertificateRenderer()


def write(document: bytes, tmp_path: Path, name: str = "certificate.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(document)
    return path


def text_of(document: bytes, tmp_path: Path) -> str:
    """The page's text with runs of white space made single, so the two-column particulars read "ULN: 1026893096"."""
    path = write(document, tmp_path)
    layout = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(layout.stdout.split())


def pages_of(document: bytes, tmp_path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(write(document, tmp_path))], capture_output=True, text=True, check=True)
    return int(next(line.split()[1] for line in info.stdout.splitlines() if line.startswith("Pages:")))


@pytest.mark.parametrize(
    "name",
    ["Siobhán Ó Briain", "Łukasz Żółć", "Zoë Brontë-Ní Mhaoláin", "Олександра Коваленко"],
)
def test_the_name_and_the_award_print_exactly(renderer: FpdfCertificateRenderer, tmp_path: Path, name: str) -> None:
    document = renderer.render(replace(CONTENT, learner_name=name))
    assert document.startswith(b"%PDF-")
    assert pages_of(document, tmp_path) == 1
    text = text_of(document, tmp_path)
    for expected in (name, "Level 2 Certificate in Digital Skills for Work", "601/8675/3", "Level 2", "Distinction",
                     "NGA-2026-000123", "ULN: 1026893096", "NORTHGATE AWARDS", "Riverside College", "1 July 2026",
                     "This is to certify that", "has been awarded"):  # fmt: skip
        assert expected in text, expected
    assert f"Check this certificate at {CONTENT.verify_url}" in text
    assert "Replaces certificate" not in text


def test_without_a_validated_uln_no_uln_is_printed(renderer: FpdfCertificateRenderer, tmp_path: Path) -> None:
    text = text_of(renderer.render(replace(CONTENT, uln=None)), tmp_path)
    assert "ULN" not in text
    assert "1026893096" not in text
    assert "Siobhán Ó Briain" in text and "NGA-2026-000123" in text


def test_a_reissue_names_the_certificate_it_replaces(tmp_path: Path) -> None:
    content = replace(CONTENT, certificate_number="NGA-2026-000200", reissue_of="NGA-2026-000123")
    text = text_of(render_certificate(content), tmp_path)  # the plain function, with its own cached fonts
    assert "Replaces certificate NGA-2026-000123" in text
    assert "NGA-2026-000200" in text


def test_the_qr_code_reads_back_as_the_verify_url(renderer: FpdfCertificateRenderer, tmp_path: Path) -> None:
    assert shutil.which("zbarimg"), "zbarimg is missing: install the Debian package zbar-tools"
    for number, url in enumerate((CONTENT.verify_url, "http://127.0.0.1:8000/verify/" + "Ab9_-" * 12)):
        pdf = write(renderer.render(replace(CONTENT, verify_url=url)), tmp_path, f"qr{number}.pdf")
        subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                        str(tmp_path / f"qr{number}")], check=True)  # fmt: skip
        # zbarimg talks to D-Bus on stderr in containers: only stdout is the decoded data
        scan = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / f"qr{number}.png")],
                              capture_output=True, text=True, check=True)  # fmt: skip
        assert scan.stdout.splitlines() == [url]


def test_long_text_stays_on_one_page(renderer: FpdfCertificateRenderer, tmp_path: Path) -> None:
    content = replace(
        CONTENT,
        learner_name="Maximilian Alexander Fitzgerald Featherstonehaugh-Montgomery-Ó Súilleabháin",
        qualification_title="Level 3 Extended Diploma in Health and Social Care Practice for Adults in Residential "
        "and Community Settings (Wales and Northern Ireland)",
        centre_name="Coleg Cymunedol Dinas Caerdydd — Campws Canolog y Ddinas a'r Bae",
    )
    document = renderer.render(content)
    assert pages_of(document, tmp_path) == 1
    text = text_of(document, tmp_path)
    assert content.learner_name in text
    assert "Coleg Cymunedol Dinas Caerdydd — Campws Canolog y Ddinas a'r Bae" in text


def test_certificates_rendered_at_once_in_threads_keep_their_own_text(
    renderer: FpdfCertificateRenderer, tmp_path: Path
) -> None:
    # the parsed fonts are shared by every document of a renderer; the web app renders from a thread pool
    names = ["Siobhán Ó Briain", "Łukasz Żółć", "Zoë Brontë", "Ægir Þórsson", "Olusegun Adébáyọ", "Chloé Dupré"]
    with ThreadPoolExecutor(max_workers=3) as pool:
        documents = list(pool.map(lambda name: renderer.render(replace(CONTENT, learner_name=name)), names))
    for name, document in zip(names, documents, strict=True):
        text = text_of(document, tmp_path)
        assert name in text
        assert not any(other in text for other in names if other != name)


def test_a_missing_font_is_reported_when_the_renderer_is_built(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="fonts-dejavu-core"):
        FpdfCertificateRenderer(tmp_path / "DejaVuSans.ttf")
