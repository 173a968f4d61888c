"""Plain factory functions: explicit arguments, no hidden randomness beyond a counter."""

import itertools

from organizations.models import Company, KsicDivision, Membership, Operator, Region, Role, User
from organizations.rules import complete_business_number

_seq = itertools.count(1)

PASSWORD = "Sfms-test-password-2026"


def next_business_number():
    return complete_business_number(f"{700 + next(_seq) % 200:03d}86{next(_seq):04d}")


def make_operator(name="테스트 운영기관", kind=Operator.Kind.NATIONAL_AGENCY, region_code="11", **extra):
    n = next(_seq)
    return Operator.objects.create(
        code=f"op-{n}", kind=kind, name_ko=f"{name} {n}", region=Region.objects.get(code=region_code), **extra
    )


def make_company(name="테스트기업", kind=Company.Kind.MANUFACTURER, region_code="41", ksic="C29", **extra):
    n = next(_seq)
    defaults = dict(
        kind=kind,
        business_number=next_business_number(),
        name=f"{name} {n}",
        representative="홍길동",
        ksic_division=KsicDivision.objects.get(code=ksic) if ksic else None,
        region=Region.objects.get(code=region_code),
        employees=42,
        annual_revenue=12_300_000_000,
        has_production_facility=kind == Company.Kind.MANUFACTURER,
    )
    defaults.update(extra)
    return Company.objects.create(**defaults)


def make_user(email=None, full_name="테스트 사용자", **extra):
    email = email or f"user{next(_seq)}@example.kr"
    return User.objects.create_user(email=email, password=PASSWORD, full_name=full_name, **extra)


def make_member(role, *, company=None, operator=None, email=None, **user_extra):
    """A user holding one role in a company or an operator."""
    user = make_user(email=email, **user_extra)
    Membership.objects.create(user=user, role=role, company=company, operator=operator)
    return user


ROLE_KINDS = {
    Role.SME_MEMBER: Company.Kind.MANUFACTURER,
    Role.SUPPLIER_MEMBER: Company.Kind.SUPPLIER,
    Role.LARGE_FIRM_MEMBER: Company.Kind.LARGE_FIRM,
}
