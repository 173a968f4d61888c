"""The demo applications seed_demo loads: a half-done draft for the SME login, an invitation for the
supplier login, and twelve frozen, checked submissions for the operator lists."""

import pytest
from django.utils import timezone

from applications import demo
from applications.models import Application, ConsortiumMember, EligibilityResult, EligibilityRun, Submission

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_draft_an_invitation_and_twelve_checked_submissions():
    from organizations.demo import seed_demo as seed_organizations
    from programs.demo import seed_demo as seed_programs
    from suppliers.demo import _demo_supplier_profile

    seed_organizations()
    seed_programs()
    _demo_supplier_profile(timezone.localdate())
    assert demo.seed_demo() == 13
    drafts = Application.objects.filter(status="draft")
    assert (
        drafts.count() == 1 and drafts.get().lead.memberships.filter(user__email="sme@demo.sfms.kr").exists()
    )
    assert ConsortiumMember.objects.filter(application__in=drafts, status="invited").count() == 1
    assert Submission.objects.count() == 12
    assert EligibilityRun.objects.filter(status="done").count() == 12
    # the demo call asks for the documents its rules check, so complete applications pass that rule
    assert EligibilityResult.objects.filter(kind="required_documents", outcome="pass").count() == 12
    assert (
        not EligibilityResult.objects.filter(kind__in=["sme_size", "production_facility"])
        .exclude(outcome="pass")
        .exists()
    )
    assert demo.seed_demo() == 0  # idempotent
