"""What project tests start from: a Basic-track call (central government 50%, capped at 50M) with a
submission from 한빛정밀 (경기) and its supplier, selected, confirmed and released by the call's staff."""

import pytest
from django.utils import timezone

from evaluations.models import Decision, EvaluationPlan
from organizations.models import Role
from tests import factories


@pytest.fixture
def call(operator):
    call = factories.make_call(operator, status="open", opens_in_days=-1, closes_in_days=10)
    factories.make_required_documents(call)
    return call


@pytest.fixture
def track(call):
    return factories.make_track(call, "basic")


@pytest.fixture
def staff(operator):
    return factories.make_member(Role.OPERATOR_STAFF, operator=operator)


@pytest.fixture
def supplier():
    return factories.make_supplier("용접자동화")


@pytest.fixture
def sme_user(company):
    return factories.make_member(Role.SME_MEMBER, company=company)


@pytest.fixture
def supplier_user(supplier):
    return factories.make_member(Role.SUPPLIER_MEMBER, company=supplier.company)


@pytest.fixture
def submission(track, company, sme_user, supplier):
    return factories.make_submitted(track, company, user=sme_user, supplier=supplier)


def make_decision(submission, staff, *, status="selected", final=True, released=True, share=50_000_000):
    plan, _ = EvaluationPlan.objects.get_or_create(call=submission.application.call)
    now = timezone.now()
    return Decision.objects.create(
        plan=plan,
        submission=submission,
        track=submission.application.track,
        status=status,
        government_share=share,
        decided_by=staff,
        decided_at=now,
        final=final,
        finalised_at=now if final else None,
        released_at=now if released else None,
    )


@pytest.fixture
def decision(submission, staff):
    return make_decision(submission, staff)
