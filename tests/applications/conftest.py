"""What most applications tests start from: an open call with two required documents and a Basic
track, the lead SME's member, a registered supplier with its member, and the call's staff."""

import pytest

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
def sme_user(company):
    return factories.make_member(Role.SME_MEMBER, company=company)


@pytest.fixture
def supplier():
    return factories.make_supplier("용접자동화")


@pytest.fixture
def supplier_user(supplier):
    return factories.make_member(Role.SUPPLIER_MEMBER, company=supplier.company)


@pytest.fixture
def staff(operator):
    return factories.make_member(Role.OPERATOR_STAFF, operator=operator)
