import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from organizations.models import AuditEvent, Company, Membership, Role, User
from organizations.rules import complete_business_number
from tests import factories

pytestmark = pytest.mark.django_db


def signup_payload(**extra):
    data = dict(
        email="kim@hanbit.kr",
        password="Hanbit-secure-2026",
        full_name="김민준",
        kind="manufacturer",
        business_number="608-86-" + complete_business_number("608861234")[5:],
        name="한빛정밀",
        representative="김민준",
        ksic_division="C29",
        region="48",
        employees=48,
        annual_revenue=12_400_000_000,
        has_production_facility=True,
    )
    data.update(extra)
    return data


def counts():
    return (
        User.objects.count(),
        Company.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )


def test_api_sign_up_then_token_then_me(client):
    response = client.post(reverse("api-signup"), signup_payload(), content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["business_number"] == complete_business_number("608861234")
    assert response.json()["business_number_display"] == "608-86-" + complete_business_number("608861234")[5:]
    token = client.post(reverse("api-token"), {"username": "kim@hanbit.kr", "password": "Hanbit-secure-2026"})
    assert token.status_code == 200
    me = client.get(reverse("api-me"), HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert me.status_code == 200
    assert me.json()["roles"] == ["sme_member"]
    assert me.json()["company_ids"] == [Company.objects.get().pk]


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ko", "유효하지 않은 사업자등록번호입니다. 번호를 다시 확인해 주십시오."),
        ("en", "This business registration number is not valid. Check the number and try again."),
    ],
)
def test_api_sign_up_with_a_bad_number_answers_in_the_users_language_and_changes_nothing(
    client, language, message
):
    before = counts()
    response = client.post(
        reverse("api-signup"),
        signup_payload(business_number="608-86-12345"),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]["business_number"] == [message]
    assert counts() == before


def test_api_sign_up_refuses_a_registered_number_with_a_field_error(client, company):
    before = counts()
    response = client.post(
        reverse("api-signup"),
        signup_payload(business_number=company.business_number),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "business_number_taken"
    assert list(response.json()["errors"]) == ["business_number"]
    assert counts() == before


def test_manufacturer_needs_a_sector(client):
    response = client.post(
        reverse("api-signup"), signup_payload(ksic_division=None), content_type="application/json"
    )
    assert response.status_code == 400
    assert "ksic_division" in response.json()["errors"]


def test_anonymous_gets_401_with_the_error_body(client):
    response = client.get(reverse("company-list"))
    assert response.status_code in (401, 403)
    assert set(response.json()) == {"message", "code", "errors"}


def test_member_patches_own_company_and_it_is_audited(client, company):
    member = factories.make_member(Role.SME_MEMBER, company=company)
    token = Token.objects.create(user=member)
    url = reverse("company-detail", args=[company.pk])
    response = client.patch(
        url, {"employees": 51}, content_type="application/json", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["employees"] == 51
    assert AuditEvent.objects.for_object(company).get().after == {"employees": 51}


def test_patch_with_negative_revenue_is_refused_and_changes_nothing(client, company):
    member = factories.make_member(Role.SME_MEMBER, company=company)
    client.force_login(member)
    url = reverse("company-detail", args=[company.pk])
    response = client.patch(url, {"annual_revenue": -1}, content_type="application/json")
    assert response.status_code == 400
    assert "annual_revenue" in response.json()["errors"]
    company.refresh_from_db()
    assert company.annual_revenue == 12_300_000_000
    assert not AuditEvent.objects.exists()


def test_operator_staff_may_read_but_not_patch_a_company(client, company, operator):
    client.force_login(factories.make_member(Role.OPERATOR_STAFF, operator=operator))
    url = reverse("company-detail", args=[company.pk])
    assert client.get(url).status_code == 200
    response = client.patch(url, {"employees": 1}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    company.refresh_from_db()
    assert company.employees == 42


def test_company_filters_all_exist_and_work(client, operator):
    client.force_login(factories.make_member(Role.OPERATOR_STAFF, operator=operator))
    busan = factories.make_company("부산기계", region_code="26", ksic="C29")
    seoul_supplier = factories.make_company(
        "서울솔루션", kind=Company.Kind.SUPPLIER, region_code="11", ksic=None, smart_factory_level="basic"
    )
    url = reverse("company-list")

    def names(**params):
        return sorted(r["name"] for r in client.get(url, params).json()["results"])

    assert names(region="26") == [busan.name]
    assert names(kind="supplier") == [seoul_supplier.name]
    assert names(ksic_division="C29") == [busan.name]
    assert names(smart_factory_level="basic") == [seoul_supplier.name]
    assert names(q="부산") == [busan.name]
    assert names(q=busan.business_number[:5]) == [busan.name]
    from organizations.filters import CompanyFilter

    assert set(CompanyFilter.base_filters) == {"q", "kind", "region", "ksic_division", "smart_factory_level"}


@pytest.mark.parametrize("url_name", ["company-list", "operator-list", "membership-list", "audit-event-list"])
def test_list_endpoints_keep_a_constant_number_of_queries(client, operator, url_name):
    admin = factories.make_member(Role.PLATFORM_ADMIN)
    client.force_login(admin)

    def add(i):
        if url_name == "company-list":
            factories.make_company(f"기업{i}")
        elif url_name == "operator-list":
            factories.make_operator(f"기관{i}")
        elif url_name == "membership-list":
            factories.make_member(Role.OPERATOR_STAFF, operator=operator)
        else:
            from organizations import audit

            audit.record_create(admin, factories.make_company(f"감사{i}"))

    add(0)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(url_name)).status_code == 200
    add(1)
    add(2)
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.json()["count"] >= 3
    assert len(three) == len(one), [q["sql"] for q in three.captured_queries]


def test_schema_and_local_docs(client):
    schema = client.get(reverse("api-schema"))
    assert schema.status_code == 200
    assert b"/api/v1/companies/" in schema.content
    docs = client.get(reverse("api-docs"))
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()


def test_pages_are_korean_first_whatever_the_browser_says(client):
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="ko"' in page.content.decode()
    client.cookies["sfms_language"] = "en"
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ko")
    assert '<html lang="en"' in page.content.decode()


def test_membership_filter_does_not_reveal_whether_a_foreign_company_exists(client, company, other_company):
    member = factories.make_member(Role.SME_MEMBER, company=company)
    client.force_login(member)
    url = reverse("membership-list")
    foreign = client.get(url, {"company": other_company.pk})
    missing = client.get(url, {"company": 999_999})
    assert (foreign.status_code, foreign.json()["count"]) == (200, 0)
    assert (missing.status_code, missing.json()["count"]) == (200, 0)
    assert client.get(url, {"company": company.pk}).json()["count"] == 1
