"""A firm's business group (for evaluator conflict checks) is edited by its own members and audited."""

import pytest

from organizations import services
from organizations.models import AuditEvent, Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_member_sets_business_group_on_the_company_page(client, company):
    user = factories.make_member(Role.SME_MEMBER, company=company)
    client.force_login(user)
    page = client.get(f"/org/companies/{company.pk}/edit/")
    assert "소속 기업집단" in page.content.decode()


def test_business_group_change_is_audited(company):
    user = factories.make_member(Role.SME_MEMBER, company=company)
    services.company_update(user, company, {"business_group": "한빛그룹"}, reason="기업집단 편입")
    company.refresh_from_db()
    assert company.business_group == "한빛그룹"
    event = AuditEvent.objects.filter(company=company, action="update").latest("id")
    assert event.after.get("business_group") == "한빛그룹"
