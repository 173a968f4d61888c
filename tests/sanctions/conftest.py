import datetime

import pytest
from django.utils import timezone

from monitoring import services as monitoring_services
from organizations.models import Role
from tests import factories


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def pay_advance(world):
    """The advance tranche requested, approved and paid (the government share paid so far)."""
    tranche = world.project.tranches.get(order=1)
    monitoring_services.tranche_request(world.lead_user, tranche)
    monitoring_services.tranche_approve(world.staff, tranche)
    monitoring_services.tranche_mark_paid(world.staff, tranche, paid_on=timezone.localdate())
    tranche.refresh_from_db()
    return tranche


@pytest.fixture
def world():
    return factories.make_project()


@pytest.fixture
def other_tenant():
    """Operator B with its own staff and an open call with a Basic track."""
    operator = factories.make_operator("운영기관B")
    staff = factories.make_member(Role.OPERATOR_STAFF, operator=operator)
    call = factories.make_call(operator, status="open", opens_in_days=-1, closes_in_days=10)
    track = factories.make_track(call, "basic")
    return type("Tenant", (), {"operator": operator, "staff": staff, "call": call, "track": track})
