"""The main menu: each role sees the pages it may use, and nothing it would be refused."""

import pytest
from django.urls import reverse

from organizations.access import principal_for
from organizations.models import Company, Operator
from organizations.models_roles import Role
from organizations.navigation import navigation_for
from tests import factories

pytestmark = pytest.mark.django_db


def _menu(user):
    return {str(label): url for label, url in navigation_for(principal_for(user), user)}


def test_supplier_member_sees_profile_and_search_but_not_review():
    company = factories.make_company(kind=Company.Kind.SUPPLIER)
    menu = _menu(factories.make_member(Role.SUPPLIER_MEMBER, company=company))
    assert menu["공급기업 정보"] == reverse("suppliers:profile-home")
    assert menu["공급기업 찾기"] == reverse("suppliers:search")
    assert "공급기업 심사" not in menu


def test_national_agency_staff_review_but_centre_staff_do_not():
    agency = factories.make_operator(kind=Operator.Kind.NATIONAL_AGENCY)
    centre = factories.make_operator(kind=Operator.Kind.REGIONAL_CENTRE)
    assert _menu(factories.make_member(Role.OPERATOR_STAFF, operator=agency))["공급기업 심사"] == reverse(
        "suppliers:review-queue"
    )
    assert "공급기업 심사" not in _menu(factories.make_member(Role.OPERATOR_STAFF, operator=centre))
    assert "공급기업 심사" not in _menu(factories.make_member(Role.CENTRE_STAFF, operator=centre))


def test_every_menu_entry_opens_for_its_role(client):
    """A menu entry the role would be refused is a broken promise: follow each one."""
    agency = factories.make_operator(kind=Operator.Kind.NATIONAL_AGENCY)
    users = [
        factories.make_member(Role.SME_MEMBER, company=factories.make_company()),
        factories.make_member(
            Role.SUPPLIER_MEMBER, company=factories.make_company(kind=Company.Kind.SUPPLIER)
        ),
        factories.make_member(Role.OPERATOR_ADMIN, operator=agency),
        factories.make_member(
            Role.LARGE_FIRM_MEMBER, company=factories.make_company(kind=Company.Kind.LARGE_FIRM)
        ),
        factories.make_member(
            Role.CENTRE_STAFF, operator=factories.make_operator(kind=Operator.Kind.REGIONAL_CENTRE)
        ),
    ]
    for user in users:
        client.force_login(user)
        for label, url in _menu(user).items():
            assert client.get(url).status_code in (200, 302), (user, label, url)


def test_application_entries_by_role():
    sme = factories.make_member(Role.SME_MEMBER, company=factories.make_company())
    supplier = factories.make_member(
        Role.SUPPLIER_MEMBER, company=factories.make_company(kind=Company.Kind.SUPPLIER)
    )
    staff = factories.make_member(Role.OPERATOR_STAFF, operator=factories.make_operator())
    centre = factories.make_member(
        Role.CENTRE_STAFF, operator=factories.make_operator(kind=Operator.Kind.REGIONAL_CENTRE)
    )
    assert _menu(sme)["내 신청서"] == reverse("applications:my-list")
    assert "컨소시엄 참여 요청" not in _menu(sme) and "신청서 관리" not in _menu(sme)
    assert _menu(supplier)["컨소시엄 참여 요청"] == reverse("applications:invitations")
    assert "내 신청서" not in _menu(supplier)
    assert _menu(staff)["신청서 관리"] == reverse("applications:operator-list")
    assert _menu(centre)["지역 신청 현황"] == reverse("applications:centre-list")
    assert "신청서 관리" not in _menu(centre)
