"""The project dossier (issue 7, point 8): a zip with every agreement version's PDF and terms, the
progress reports with their evidence, the site visits with their photos, tranches, milestones,
risk flags and the audit trail of the project and its parts, plus what other apps contribute
through `<app>.dossier.entries(project)`; a manifest lists every entry with its SHA-256. Staff of
the call, the regional centre of the project's region and platform admins download it (page and
API), every download audited; companies get 403, other tenants 404."""

import csv
import datetime
import hashlib
import io
import json
import sys
import types
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from monitoring import dossier, risk_check, services
from monitoring.models import Milestone
from organizations.errors import AccessDenied
from organizations.models import AuditEvent, Membership, Operator, Role
from tests import factories

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
)


@pytest.fixture
def centre_user():
    c = factories.make_operator("경기센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="41")
    c.regions_covered.set(["41"])
    return factories.make_member(Role.CENTRE_STAFF, operator=c)


@pytest.fixture
def world(centre_user):
    w = factories.make_project(region_code="41")
    p = w.project
    today = timezone.localdate()
    services.milestone_save(
        w.lead_user, p, {"name": "MES 설치", "planned_on": p.starts_on + datetime.timedelta(days=3)}
    )
    services.progress_report_submit(
        w.lead_user,
        p,
        reporter_role="lead",
        period_end=today - datetime.timedelta(days=2),
        percent_complete=30,
        spent=10_000_000,
        work_done="MES 서버 설치",
        issues="",
        evidence=SimpleUploadedFile("점검표.pdf", factories.PDF_BYTES),
    )
    services.site_visit_record(
        centre_user,
        p,
        visited_on=today - datetime.timedelta(days=1),
        findings="설비 설치 확인",
        follow_up="",
        follow_up_due=None,
        photo=SimpleUploadedFile("현장.png", PNG),
    )
    services.agreement_issue(w.staff, p, reason="공급기업 주소 변경")  # a second version
    risk_check.check_risks(project_ids=[p.pk])  # the overdue milestone is flagged
    return w


def unzip(spool):
    return zipfile.ZipFile(io.BytesIO(spool.read()))


def rows(archive, name):
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def test_the_zip_holds_the_whole_record_with_a_manifest(world):
    spool, rows_ = dossier.build(world.project)
    archive = unzip(spool)
    names = set(archive.namelist())
    assert {
        "manifest.csv",
        "project.json",
        "agreement/v1-협약서.pdf",
        "agreement/v1-terms.json",
        "agreement/v2-협약서.pdf",
        "agreement/v2-terms.json",
        "tranches.csv",
        "milestones.csv",
        "risk_flags.csv",
        "progress/reports.csv",
        "progress/reports.json",
        "visits/visits.csv",
        "audit/audit_trail.csv",
    } <= names
    assert archive.read("agreement/v1-협약서.pdf").startswith(b"%PDF")
    (evidence,) = [n for n in names if n.startswith("progress/evidence/")]
    assert evidence.endswith("점검표.pdf") and archive.read(evidence) == factories.PDF_BYTES
    (photo,) = [n for n in names if n.startswith("visits/photos/")]
    assert archive.read(photo) == PNG

    project = json.loads(archive.read("project.json"))
    assert project["receipt_number"] == world.project.submission.receipt_number
    terms = json.loads(archive.read("agreement/v1-terms.json"))
    assert {p["role"] for p in terms["parties"]} >= {"operator", "lead", "supplier"}
    assert all(p["accepted_at"] for p in terms["parties"])
    assert json.loads(archive.read("agreement/v2-terms.json"))["reason"] == "공급기업 주소 변경"
    (report,) = json.loads(archive.read("progress/reports.json"))
    assert report["work_done"] == "MES 서버 설치" and report["evidence"] == evidence
    assert [r["name"] for r in rows(archive, "milestones.csv")] == ["MES 설치"]
    assert "마일스톤 지연" in [r["kind"] for r in rows(archive, "risk_flags.csv")]
    assert len(rows(archive, "tranches.csv")) == world.project.tranches.count()

    manifest = rows(archive, "manifest.csv")
    listed = {r["path"]: r for r in manifest}
    assert set(listed) == names - {"manifest.csv"}
    for path, row in listed.items():
        content = archive.read(path)
        assert row["sha256"] == hashlib.sha256(content).hexdigest() and int(row["bytes"]) == len(content)
    assert len(rows_) == len(manifest)


def test_the_audit_trail_covers_the_project_and_its_parts(world):
    archive = unzip(dossier.build(world.project)[0])
    trail = rows(archive, "audit/audit_trail.csv")
    types_ = {r["object_type"] for r in trail}
    assert {
        "monitoring.project",
        "monitoring.agreement",
        "monitoring.agreementparty",
        "monitoring.milestone",
        "monitoring.progressreport",
        "monitoring.sitevisit",
        "monitoring.riskflag",
    } <= types_
    other = factories.make_project()
    assert not any(
        r["object_type"] == "monitoring.project" and r["object_id"] == str(other.project.pk) for r in trail
    )
    assert all(
        r["object_id"] == str(world.project.pk) for r in trail if r["object_type"] == "monitoring.project"
    )


def test_another_apps_entries_are_included_through_its_dossier_module(world, monkeypatch):
    module = types.ModuleType("inspections.dossier")
    module.entries = lambda project: [
        ("inspections/result.json", json.dumps({"project": project.pk}).encode()),
        ("note.txt", "점검 메모".encode()),  # without the folder: put under it
    ]
    monkeypatch.setitem(sys.modules, "inspections.dossier", module)
    archive = unzip(dossier.build(world.project)[0])
    assert json.loads(archive.read("inspections/result.json")) == {"project": world.project.pk}
    assert archive.read("inspections/note.txt").decode() == "점검 메모"
    listed = {r["path"] for r in rows(archive, "manifest.csv")}
    assert {"inspections/result.json", "inspections/note.txt"} <= listed


def test_rows_without_a_dossier_module_are_dumped_as_json(world, monkeypatch):
    """Without a provider module, every monitoring model this module does not write itself is dumped
    under changes/records/. Shown with the change-request provider taken away and milestones treated
    so."""
    from monitoring.models import Milestone as M

    monkeypatch.setattr(dossier, "CHANGES_MODULE", "monitoring.no_such_dossier_module")
    monkeypatch.setattr(dossier, "OWN_MODELS", tuple(m for m in dossier.OWN_MODELS if m is not M))
    archive = unzip(dossier.build(world.project)[0])
    (row,) = json.loads(archive.read("changes/records/milestone.json"))
    assert row["model"] == "monitoring.milestone" and row["fields"]["name"] == "MES 설치"


def test_a_stored_file_gone_missing_is_listed_not_fatal(world):
    report = world.project.progress_reports.get()
    report.evidence.storage.delete(report.evidence.name)
    archive = unzip(dossier.build(world.project)[0])
    missing = [r for r in rows(archive, "manifest.csv") if r["sha256"] == ""]
    assert len(missing) == 1 and missing[0]["path"].startswith("progress/evidence/")
    assert "저장소에 파일이 없습니다." in missing[0]["note"]


# --- who downloads, audited --------------------------------------------------------------------------


def _downloads(project):
    return AuditEvent.objects.unrestricted().filter(
        content_type__model="project", object_id=str(project.pk), action="dossier_download"
    )


def test_staff_download_the_page_link_and_the_download_is_audited(client, world, centre_user):
    url = reverse("monitoring:project-dossier", args=[world.project.pk])
    for user in (world.staff, centre_user):
        client.force_login(user)
        response = client.get(url, REMOTE_ADDR="198.51.100.9")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert "attachment" in response["Content-Disposition"]
        body = b"".join(response.streaming_content)
        assert "project.json" in zipfile.ZipFile(io.BytesIO(body)).namelist()
        event = _downloads(world.project).filter(actor=user).get()
        assert event.ip_address == "198.51.100.9"
        assert event.after["sha256"] == hashlib.sha256(body).hexdigest()
        assert event.operator_id == world.operator.pk


def test_platform_admins_download_through_the_api(client, world):
    admin = factories.make_user()
    Membership.objects.create(user=admin, role=Role.PLATFORM_ADMIN)
    client.force_login(admin)
    response = client.get(reverse("project-dossier", args=[world.project.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert _downloads(world.project).filter(actor=admin).count() == 1


def test_companies_are_refused_and_other_tenants_see_nothing(client, world):
    page = reverse("monitoring:project-dossier", args=[world.project.pk])
    api = reverse("project-dossier", args=[world.project.pk])
    for user in (world.lead_user, world.supplier_user):
        client.force_login(user)
        assert client.get(page).status_code == 403
        assert client.get(api).status_code == 403
    other = factories.make_project()
    busan_centre = factories.make_operator("부산센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="26")
    busan_centre.regions_covered.set(["26"])
    outsiders = [
        other.staff,
        other.lead_user,
        factories.make_member(Role.CENTRE_STAFF, operator=busan_centre),
    ]
    for user in outsiders:
        client.force_login(user)
        assert client.get(page).status_code == 404
        assert client.get(api).status_code == 404
    with pytest.raises(AccessDenied):
        dossier.download(world.lead_user, world.project)
    assert _downloads(world.project).count() == 0
    client.logout()
    assert client.get(page).status_code == 302


def test_a_project_without_reports_or_visits_still_builds(client):
    w = factories.make_project(in_force=False)
    Milestone.objects.all().delete()
    archive = unzip(dossier.build(w.project)[0])
    assert rows(archive, "progress/reports.csv") == []
    assert json.loads(archive.read("progress/reports.json")) == []
    assert "agreement/v1-협약서.pdf" in archive.namelist()


def test_the_centres_copy_leaves_out_unfair_practice_reports_and_restrictions(world, centre_user):
    """What the centre may not read on the pages is not in its copy; the call's staff get all of it."""
    from aftercare import services as aftercare_services
    from sanctions import services as sanctions_services

    p = world.project
    report = aftercare_services.unfair_report(
        world.lead_user, p, reported_company=world.supplier.company, description="부당한 추가 비용 요구기밀"
    )
    restriction = sanctions_services.restriction_impose(
        world.staff,
        company=world.supplier.company,
        reason_kind="false_report",
        reason="허위 보고기밀",
        project=p,
    )

    def trail_types(archive):
        return {row["object_type"] for row in rows(archive, "audit/audit_trail.csv")}

    staff_copy = unzip(dossier.download(world.staff, p)[0])
    assert "sanctions/restrictions.csv" in staff_copy.namelist()
    assert {"aftercare.unfairpracticereport", "sanctions.restriction"} <= trail_types(staff_copy)

    centre_copy = unzip(dossier.download(centre_user, p)[0])
    assert "sanctions/restrictions.csv" not in centre_copy.namelist()
    assert not {"aftercare.unfairpracticereport", "sanctions.restriction"} & trail_types(centre_copy)
    for name in centre_copy.namelist():
        body = centre_copy.read(name)
        assert "기밀".encode() not in body, name
    assert report.pk and restriction.pk


def test_change_requests_come_from_their_provider(world):
    from monitoring import changes

    changes.change_request_submit(
        world.lead_user, world.project, kind="ceo", values={"ceo_name": "이한빛"}, reason="대표이사 선임"
    )
    archive = unzip(dossier.build(world.project)[0])
    (row,) = rows(archive, "changes/change_requests.csv")
    assert "이한빛" in json.dumps(row, ensure_ascii=False)
    assert json.loads(archive.read("changes/change_requests.json"))[0]["kind"] == "ceo"
    assert not [n for n in archive.namelist() if n.startswith("changes/records/")]
