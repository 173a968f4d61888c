"""Who a user is, as far as access goes: the one place every app asks.

Every app's `visible_to(user)` queryset methods and permission checks start from `Principal`.
A principal is built once per request (cached on the user object) from active memberships.
"""

from dataclasses import dataclass, field

from .models_roles import COMPANY_ROLES, OPERATOR_ROLES, Role


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    roles: frozenset = field(default_factory=frozenset)
    company_ids: frozenset = field(default_factory=frozenset)
    operator_ids: frozenset = field(default_factory=frozenset)
    # (role, scope id) pairs, e.g. ("operator_admin", 3)
    grants: frozenset = field(default_factory=frozenset)

    @property
    def is_anonymous(self):
        return self.user_id is None

    @property
    def is_platform_admin(self):
        return Role.PLATFORM_ADMIN in self.roles

    @property
    def is_operator_side(self):
        return bool(self.roles & OPERATOR_ROLES)

    @property
    def is_company_side(self):
        return bool(self.roles & COMPANY_ROLES)

    def has_role(self, *roles):
        return bool(self.roles & set(roles))

    def operator_ids_with(self, *roles):
        return frozenset(scope for role, scope in self.grants if role in roles and scope in self.operator_ids)

    def company_ids_with(self, *roles):
        return frozenset(scope for role, scope in self.grants if role in roles and scope in self.company_ids)


ANONYMOUS = Principal(user_id=None)


def principal_for(user) -> Principal:
    """The user's roles and scopes; cached on the user object for the life of the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_sfms_principal", None)
    if cached is not None:
        return cached
    from .models import Membership

    rows = list(
        Membership.objects.filter(user_id=user.pk, is_active=True).values_list(
            "role", "company_id", "operator_id"
        )
    )
    roles = {role for role, _c, _o in rows}
    if user.is_superuser:
        roles.add(Role.PLATFORM_ADMIN)
    principal = Principal(
        user_id=user.pk,
        roles=frozenset(roles),
        company_ids=frozenset(c for _r, c, _o in rows if c),
        operator_ids=frozenset(o for _r, _c, o in rows if o),
        grants=frozenset((r, c or o) for r, c, o in rows if (c or o)),
    )
    user._sfms_principal = principal
    return principal


def forget_principal(user):
    """Call after memberships change inside a request, so the next check sees them."""
    if user is not None and hasattr(user, "_sfms_principal"):
        del user._sfms_principal
