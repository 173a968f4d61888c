"""Demo applications for `manage.py seed_demo`, on the open 2026 KOSMO call's Basic track:

- the demo SME login's draft, half done (plan, budget and KPIs filled; documents and declarations
  left to do) with the demo supplier invited, so the supplier login has an invitation to answer;
- twelve submitted applications from other demo manufacturers, each frozen, with its eligibility
  checked, so the operator and regional-centre lists have something to show.

Idempotent: nothing is created once the call has any application."""

import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction

from organizations.models import Company, KsicDivision, Region, User
from organizations.rules import complete_business_number
from programs.models import Call

from . import services
from .models import REQUIRED_KPIS, Application, ApplicationDocument, ConsortiumMember, Kpi, MemberStatus

DEMO_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PLAN = dict(
    summary="가공 라인 설비 데이터를 모아 불량 원인을 찾고 작업 지시를 전산화합니다.",
    existing_systems="ERP(회계·구매), 설비 PLC 8대, 엑셀 생산일보",
    integration_plan="ERP의 작업지시와 자재 정보를 MES로 받아 생산 실적을 ERP로 되돌려 보냅니다.",
    data_plan="설비 가동·정지 신호와 품질 검사 결과를 1분 단위로 모아 불량 원인 분석에 씁니다.",
    expected_return="불량률 40% 감소, 설비 가동률 15%p 향상, 납기 준수율 개선",
    duration_months=6,
)
BUDGET = dict(
    total_cost=80_000_000,
    budget_software=36_000_000,
    budget_hardware=24_000_000,
    budget_integration=14_000_000,
    budget_consulting=6_000_000,
    budget_other=0,
)
KPI_VALUES = {"defect_rate": ("3.2", "1.9"), "utilisation": ("68", "83"), "lead_time": ("12", "9")}
DECLARATIONS = {
    "no_tax_arrears": True,
    "no_sanctions": True,
    "not_closed": True,
    "no_financial_default": True,
    "prior_supports": [],
}
SUBMITTERS = [
    # name, region, KSIC, employees
    ("대성정밀", "48", "C29", 38),
    ("한울금속", "48", "C25", 52),
    ("동진플라스틱", "26", "C22", 27),
    ("새한전자", "41", "C26", 64),
    ("미래식품", "47", "C10", 45),
    ("청우기계", "48", "C29", 71),
    ("보람화학", "44", "C20", 33),
    ("태광섬유", "27", "C13", 58),
    ("우진부품", "31", "C30", 120),
    ("경남주물", "48", "C24", 29),
    ("성원가구", "43", "C32", 22),
    ("한빛의료기기", "41", "C27", 40),
]


def _draft(track, company, user, supplier, title, *, kpis=True):
    application = Application.objects.create(
        call=track.call, track=track, lead=company, created_by=user, title=title, **PLAN, **BUDGET
    )
    for order, (code, unit) in enumerate(REQUIRED_KPIS):
        baseline, target = KPI_VALUES[code] if kpis else (None, None)
        Kpi.objects.create(
            application=application,
            code=code,
            unit=str(unit),
            order=order,
            baseline=Decimal(baseline) if baseline else None,
            target=Decimal(target) if target else None,
        )
    if supplier is not None:
        ConsortiumMember.objects.create(
            application=application,
            company=supplier,
            role="supplier",
            status=MemberStatus.INVITED,
            invited_by=user,
        )
    return application


def submit_demo(track, company, admin, supplier, title, *, now=None):
    """A complete application by `admin` for `company` with `supplier` accepted, submitted (at `now`,
    when a past call's history is replayed) and its eligibility checked. Returns the submission."""
    application = _draft(track, company, admin, supplier, title)
    application.declarations = DECLARATIONS
    application.save(update_fields=["declarations"])
    application.members.update(status=MemberStatus.ACCEPTED)
    for required in track.call.required_documents.all():
        if required.advancement_only:
            continue
        document = ApplicationDocument(
            application=application,
            kind=required.kind,
            original_name=f"{required.get_kind_display()}.pdf",
            size=len(DEMO_PDF),
            sha256=hashlib.sha256(DEMO_PDF).hexdigest(),
            uploaded_by=admin,
        )
        document.file.save(f"demo-{application.pk}-{required.kind}.pdf", ContentFile(DEMO_PDF), save=False)
        document.save()
    submission, _ = services.application_submit(admin, application, idempotency_key="demo", now=now)
    run = submission.eligibility_runs.get()
    services.eligibility_run(run.pk)
    return submission


@transaction.atomic
def seed_demo():
    """Returns the number of applications created."""
    call = Call.objects.unrestricted().filter(reference="2026-kosmo-001").first()
    if call is None or Application.objects.unrestricted().filter(call=call).exists():
        return 0
    track = call.tracks.get(level="basic")
    admin = User.objects.filter(email="admin@demo.sfms.kr").first()
    sme_company = (
        Company.objects.unrestricted().filter(business_number=complete_business_number("608861234")).first()
    )
    supplier = (
        Company.objects.unrestricted().filter(business_number=complete_business_number("220864455")).first()
    )
    sme_user = User.objects.filter(email="sme@demo.sfms.kr").first()
    if not (admin and sme_company and supplier and sme_user):
        return 0
    created = 1
    _draft(track, sme_company, sme_user, supplier, "MES 도입을 통한 가공 공정 데이터 수집")
    for n, (name, region, ksic, employees) in enumerate(SUBMITTERS):
        company = Company.objects.create(
            kind=Company.Kind.MANUFACTURER,
            business_number=complete_business_number(f"61386{n + 1:04d}"),
            name=name,
            representative="대표자",
            ksic_division=KsicDivision.objects.get(code=ksic),
            region=Region.objects.get(code=region),
            address="데모 주소",
            employees=employees,
            annual_revenue=employees * 250_000_000,
            has_production_facility=True,
        )
        submit_demo(track, company, admin, supplier, f"{name} 스마트공장 기초 구축")
        created += 1
    return created
