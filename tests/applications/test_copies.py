"""Copies of a submitted application, made from the frozen snapshot: the receipt PDF, the whole
application as PDF (Korean text really drawn: checked with pdftotext), the zip with every document
exactly as frozen (sha256 checked, snapshot.json equal to the stored snapshot), downloads of single
documents, and 404 for everyone outside the consortium and the call's staff."""

import hashlib
import io
import json
import subprocess
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.documents import FrozenFileChanged, safe_name, unique_names
from applications.models import ApplicationDocument
from organizations.models import Membership, Role
from programs.documents import level_label
from tests import factories

pytestmark = pytest.mark.django_db


def _pdf(text):
    return b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"


@pytest.fixture
def submission(call, company, sme_user, supplier):
    """A submitted application whose documents were uploaded through the service (real hashes), two
    of them under the same original name."""
    application = factories.make_application(
        factories.make_track(call, "basic"), company, sme_user, supplier=supplier
    )
    ApplicationDocument.objects.filter(application=application).delete()
    for kind, name, body in [
        ("business_plan", "사업계획서.pdf", "plan"),
        ("financial_statements", "재무제표.pdf", "fs-2025"),
        ("other", "재무제표.pdf", "fs-2024"),
        ("other", "../../etc/passwd.pdf", "tricky"),
    ]:
        services.document_add(
            sme_user,
            application,
            kind=kind,
            file=SimpleUploadedFile(name, _pdf(body)),
            original_name=name,
        )
    created, _ = services.application_submit(sme_user, application, idempotency_key="copy")
    return created


def act_as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def pdf_text(content, tmp_path):
    path = tmp_path / "copy.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def test_receipt_pdf_has_the_receipt_number_and_korean_text(client, submission, sme_user, company, tmp_path):
    act_as(client, sme_user)
    response = client.get(reverse("applications:receipt-pdf", args=[submission.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    text = pdf_text(response.content, tmp_path)
    assert submission.receipt_number in text
    assert "접수증" in text and company.name in text and "용접자동화" in text
    assert "(KST)" in text and hashlib.sha256(_pdf("plan")).hexdigest()[:16] in text.replace("\n", "")


def test_application_pdf_comes_from_the_snapshot_not_the_live_draft(
    client, submission, sme_user, supplier_user, tmp_path
):
    application = submission.application
    services.application_withdraw(sme_user, application, reason="수정")
    services.application_update(sme_user, application, {"title": "나중에 고친 과제명"})
    act_as(client, supplier_user)  # an accepted member
    response = client.get(reverse("applications:copy-pdf", args=[submission.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "사업 신청서" in text and submission.receipt_number in text
    assert level_label("basic") in text  # the track, by its level when it has no name of its own
    assert factories.READY_PLAN["title"] in text and "나중에 고친 과제명" not in text
    assert "100,000,000원" in text and "50,000,000원" in text  # total cost and the central share
    assert "불량률" in text and "국세·지방세 체납이 없습니다" in text


def test_zip_holds_the_pdf_the_snapshot_and_every_file_as_frozen(client, submission, staff):
    act_as(client, staff)
    response = client.get(reverse("applications:copy-zip", args=[submission.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["X-Content-Type-Options"] == "nosniff"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    assert names == [
        "application.pdf",
        "snapshot.json",
        "documents/사업계획서.pdf",
        "documents/재무제표.pdf",
        "documents/재무제표 (2).pdf",
        "documents/passwd.pdf",
    ]
    assert json.loads(archive.read("snapshot.json")) == submission.snapshot
    assert archive.read("application.pdf").startswith(b"%PDF")
    frozen = submission.snapshot["documents"]
    for entry, name in zip(frozen, names[2:], strict=True):
        assert hashlib.sha256(archive.read(name)).hexdigest() == entry["sha256"]


def test_zip_refuses_to_ship_a_file_that_changed_after_freezing(client, submission, sme_user):
    document = ApplicationDocument.objects.get(pk=submission.snapshot["documents"][0]["id"])
    with open(document.file.path, "wb") as stored:
        stored.write(_pdf("swapped"))
    act_as(client, sme_user)
    with pytest.raises(FrozenFileChanged):
        client.get(reverse("applications:copy-zip", args=[submission.pk]))


def test_outsiders_get_404_and_anonymous_the_login(client, submission, other_company, other_operator):
    document_id = submission.snapshot["documents"][0]["id"]
    urls = [
        reverse("applications:receipt-pdf", args=[submission.pk]),
        reverse("applications:copy-pdf", args=[submission.pk]),
        reverse("applications:copy-zip", args=[submission.pk]),
        reverse("applications:document-download", args=[document_id]),
    ]
    outsiders = [
        factories.make_member(Role.SME_MEMBER, company=other_company),
        factories.make_member(Role.SUPPLIER_MEMBER, company=factories.make_supplier("남의공급").company),
        factories.make_member(Role.OPERATOR_STAFF, operator=other_operator),
    ]
    for user in outsiders:
        act_as(client, user)
        for address in urls:
            assert client.get(address).status_code == 404, (user, address)
    act_as(client, None)
    for address in urls:
        response = client.get(address)
        assert response.status_code == 302 and "login" in response["Location"]


def test_document_download_streams_the_original_under_its_name(client, submission, supplier_user):
    document = ApplicationDocument.objects.get(pk=submission.snapshot["documents"][0]["id"])
    act_as(client, supplier_user)
    response = client.get(reverse("applications:document-download", args=[document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _pdf("plan")
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%EC%82%AC%EC%97%85%EA%B3%84%ED%9A%8D%EC%84%9C.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"


def test_safe_and_unique_names():
    assert safe_name("../../a/b\\c:d.pdf") == "c_d.pdf"
    assert safe_name("...", fallback="doc-1") == "doc-1"
    assert safe_name("a" * 300 + ".pdf") == "a" * 116 + ".pdf"
    assert unique_names(["A.pdf", "a.pdf", "a.pdf", "noext", "noext"]) == [
        "A.pdf",
        "a (2).pdf",
        "a (3).pdf",
        "noext",
        "noext (2)",
    ]


def test_a_sparse_older_snapshot_still_renders(client, submission):
    """Copies read the snapshot defensively: a version frozen with fewer keys still prints."""
    from applications.models import Submission

    Submission.objects.filter(pk=submission.pk).update(snapshot={"plan": {"title": "옛 형식"}})
    admin = factories.make_user(is_staff=True, is_superuser=True)
    Membership.objects.create(user=admin, role=Role.PLATFORM_ADMIN)
    act_as(client, admin)
    for name in ("applications:receipt-pdf", "applications:copy-pdf", "applications:copy-zip"):
        assert client.get(reverse(name, args=[submission.pk])).status_code == 200, name
