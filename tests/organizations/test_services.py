import pytest
from django.core.exceptions import ValidationError

from organizations import services
from organizations.errors import AccessDenied, DomainError
from organizations.models import AuditEvent, Company, Membership, Operator, Role, User
from tests import factories

pytestmark = pytest.mark.django_db

SIGNUP = dict(email="new@hanbit.kr", password="Hanbit-secure-2026", full_name="김민준", phone="010-1234-5678")


def company_fields(**extra):
    from organizations.models import KsicDivision, Region

    fields = dict(
        kind=Company.Kind.MANUFACTURER,
        business_number="608-86-12344",
        name="한빛정밀",
        representative="김민준",
        ksic_division=KsicDivision.objects.get(code="C29"),
        region=Region.objects.get(code="48"),
        employees=48,
        annual_revenue=12_400_000_000,
        has_production_facility=True,
    )
    fields.update(extra)
    return fields


def counts():
    return (
        User.objects.count(),
        Company.objects.count(),
        Membership.objects.count(),
        AuditEvent.objects.count(),
    )


def test_sign_up_creates_user_company_membership_and_audit():
    from organizations.rules import complete_business_number

    number = complete_business_number("608861234")
    user, company = services.company_sign_up(**SIGNUP, company_fields=company_fields(business_number=number))
    assert company.business_number == number
    assert Membership.objects.get(user=user).role == Role.SME_MEMBER
    assert user.check_password(SIGNUP["password"])
    events = AuditEvent.objects.filter(actor=user).order_by("id")
    assert [e.action for e in events] == ["create", "create", "create"]
    assert [e.content_type.model for e in events] == ["user", "company", "membership"]
    assert "password" not in events[0].after
    welcome = user.notifications.get()
    assert (welcome.email, welcome.status) == ("new@hanbit.kr", "pending")
    assert welcome.subject == "[SFMS] 한빛정밀 회원가입이 완료되었습니다"


def test_sign_up_enqueues_the_welcome_mail_only_after_commit(django_capture_on_commit_callbacks):
    from organizations.rules import complete_business_number

    with django_capture_on_commit_callbacks() as callbacks:
        services.company_sign_up(
            **SIGNUP, company_fields=company_fields(business_number=complete_business_number("608861234"))
        )
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    ("number", "code"), [("608-86-12345", "business_number_checksum"), ("6088612", "business_number_format")]
)
def test_sign_up_with_a_bad_business_number_changes_nothing(number, code):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.company_sign_up(**SIGNUP, company_fields=company_fields(business_number=number))
    assert code in str(exc.value.error_dict["business_number"][0].code)
    assert counts() == before


def test_sign_up_refuses_a_registered_business_number_and_changes_nothing(company):
    before = counts()
    with pytest.raises(DomainError) as exc:
        services.company_sign_up(
            **SIGNUP, company_fields=company_fields(business_number=company.business_number)
        )
    assert exc.value.code == "business_number_taken"
    assert counts() == before


def test_sign_up_refuses_a_weak_password():
    before = counts()
    with pytest.raises(ValidationError):
        services.company_sign_up(**{**SIGNUP, "password": "1234"}, company_fields=company_fields())
    assert counts() == before


def test_member_updates_own_company_and_the_change_is_audited(company):
    member = factories.make_member(Role.SME_MEMBER, company=company)
    services.company_update(member, company, {"employees": 50}, reason="신규 채용")
    company.refresh_from_db()
    assert company.employees == 50
    event = AuditEvent.objects.for_object(company).get()
    assert (event.actor, event.action, event.reason) == (member, "update", "신규 채용")
    assert (event.before, event.after) == ({"employees": 42}, {"employees": 50})


def test_member_of_another_company_cannot_update_and_nothing_changes(company, other_company):
    outsider = factories.make_member(Role.SME_MEMBER, company=other_company)
    with pytest.raises(AccessDenied):
        services.company_update(outsider, company, {"employees": 1})
    company.refresh_from_db()
    assert company.employees == 42
    assert not AuditEvent.objects.exists()


def test_operator_staff_reads_but_cannot_edit_the_registry(company, operator):
    staff = factories.make_member(Role.OPERATOR_STAFF, operator=operator)
    assert Company.objects.visible_to(staff).filter(pk=company.pk).exists()
    with pytest.raises(AccessDenied):
        services.company_update(staff, company, {"employees": 1})


def test_company_update_refuses_fields_outside_the_editable_set(company):
    member = factories.make_member(Role.SME_MEMBER, company=company)
    with pytest.raises(DomainError):
        services.company_update(member, company, {"smart_factory_level": "advanced"})
    company.refresh_from_db()
    assert company.smart_factory_level == "none"


def test_operator_admin_grants_and_revokes_staff_roles_in_own_operator_only(operator, other_operator):
    admin = factories.make_member(Role.OPERATOR_ADMIN, operator=operator)
    newcomer = factories.make_user()
    membership = services.membership_grant(admin, newcomer, Role.OPERATOR_STAFF, operator=operator)
    assert Operator.objects.visible_to(newcomer).get() == operator
    with pytest.raises(AccessDenied):
        services.membership_grant(admin, newcomer, Role.OPERATOR_STAFF, operator=other_operator)
    services.membership_revoke(admin, membership, reason="퇴사")
    newcomer = User.objects.get(pk=newcomer.pk)
    assert not Operator.objects.visible_to(newcomer).exists()
    assert list(AuditEvent.objects.for_object(membership).values_list("action", flat=True)) == [
        "update",
        "create",
    ]


def test_staff_without_admin_role_cannot_grant(operator):
    staff = factories.make_member(Role.OPERATOR_STAFF, operator=operator)
    with pytest.raises(AccessDenied):
        services.membership_grant(staff, factories.make_user(), Role.OPERATOR_STAFF, operator=operator)
    assert Membership.objects.count() == 1


def test_membership_scope_must_match_role(company):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Membership.objects.create(user=factories.make_user(), role=Role.OPERATOR_STAFF, company=company)


def test_the_edit_form_and_the_api_offer_exactly_the_fields_the_service_accepts():
    from organizations.forms import CompanyEditForm
    from organizations.serializers import CompanySerializer

    form_fields = {*CompanyEditForm.detail_fields, *CompanyEditForm.facility_fields}
    assert form_fields == set(services.COMPANY_EDITABLE_FIELDS)
    serializer = CompanySerializer()
    writable = {name for name, field in serializer.fields.items() if not field.read_only}
    assert writable == set(services.COMPANY_EDITABLE_FIELDS)
