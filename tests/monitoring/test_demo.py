"""The demo projects seed_demo loads from the concluded 2025 call: the SME login's project in
progress (advance paid, reports, milestones, a centre visit), a second one in progress for the risk
check, and one waiting for signatures. The replayed call is left concluded."""

import pytest
from django.utils import timezone

from monitoring import demo
from monitoring.models import ProgressReport, Project, RiskFlag, SiteVisit
from programs.models import Call

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_three_projects_once_and_leaves_the_call_concluded():
    from applications.demo import seed_demo as seed_applications
    from organizations.demo import seed_demo as seed_organizations
    from programs.demo import seed_demo as seed_programs
    from suppliers.demo import _demo_supplier_profile

    seed_organizations()
    seed_programs()
    _demo_supplier_profile(timezone.localdate())
    seed_applications()
    assert demo.seed_demo() == 3
    projects = {p.lead.name: p for p in Project.objects.select_related("lead")}
    assert set(projects) == {"한빛정밀", "청우기계", "경남주물"}
    hanbit = projects["한빛정밀"]
    assert hanbit.status == "in_progress" and hanbit.region_id == "48"
    assert hanbit.lead.memberships.filter(user__email="sme@demo.sfms.kr").exists()
    assert hanbit.tranches.get(order=1).status == "paid"
    assert ProgressReport.objects.filter(project=hanbit).count() == 2
    assert SiteVisit.objects.filter(project=hanbit, operator__code="centre-gyeongnam").count() == 1
    assert hanbit.milestones.filter(done_on__isnull=False).count() == 1
    assert projects["청우기계"].status == "in_progress"
    flagged = set(RiskFlag.objects.filter(project=projects["청우기계"]).values_list("kind", flat=True))
    assert {"milestone_overdue", "report_missing", "no_site_visit"} <= flagged
    assert projects["경남주물"].status == "agreement"
    assert Call.objects.get(reference="2025-kosmo-001").status == "concluded"
    assert demo.seed_demo() == 0  # idempotent
