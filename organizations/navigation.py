"""The main menu for each role. Later apps add their entries here as their pages land."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models_roles import Role


def navigation_for(principal, user=None):
    from suppliers.querysets import reviewer_operator_ids

    if principal.is_anonymous:
        return [(_("홈"), reverse("home")), (_("사업 공고"), reverse("programs:call-list"))]
    items = [
        (_("나의 홈"), reverse("home")),
        (_("사업 공고"), reverse("programs:call-list")),
        (_("공급기업 찾기"), reverse("suppliers:search")),
    ]
    if principal.is_company_side:
        items.append((_("기업 정보"), reverse("organizations:my-company")))
    if principal.has_role(Role.SUPPLIER_MEMBER):
        items.append((_("공급기업 정보"), reverse("suppliers:profile-home")))
    if principal.has_role(Role.SME_MEMBER):
        items.append((_("우리 회사 수준"), reverse("programs:my-level")))
        items.append((_("자가진단"), reverse("programs:diagnosis")))
        items.append((_("맞춤 공고 추천"), reverse("programs:recommendations")))
        items.append((_("내 신청서"), reverse("applications:my-list")))
        items.append((_("평가 결과"), reverse("evaluations:my-results")))
    if principal.has_role(Role.SUPPLIER_MEMBER, Role.LARGE_FIRM_MEMBER):
        items.append((_("컨소시엄 참여 요청"), reverse("applications:invitations")))
    if principal.is_company_side:
        items.append((_("내 과제"), reverse("monitoring:project-list")))
    items.append((_("저장한 검색"), reverse("programs:saved-search-list")))
    if principal.has_role(Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF) or principal.is_platform_admin:
        items.append((_("사업·공고 관리"), reverse("programs:operator-call-list")))
        items.append((_("신청서 관리"), reverse("applications:operator-list")))
        items.append((_("평가·선정 관리"), reverse("evaluations:operator-home")))
    if principal.has_role(Role.EVALUATOR):
        items.append((_("내 평가"), reverse("evaluations:reviewer-home")))
    if principal.has_role(Role.CENTRE_STAFF):
        items.append((_("지역 신청 현황"), reverse("applications:centre-list")))
    if user is not None and _is_inspector(user):
        items.append((_("내 점검"), reverse("inspections:my-inspections")))
    if principal.is_operator_side or principal.is_platform_admin:
        items.append((_("과제 관리"), reverse("monitoring:project-list")))
    if principal.is_platform_admin or (user is not None and reviewer_operator_ids(user)):
        items.append((_("공급기업 심사"), reverse("suppliers:review-queue")))
    if principal.has_role(Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF) or principal.is_platform_admin:
        items.append((_("제재·환수 관리"), reverse("sanctions:home")))
    if principal.is_operator_side or principal.is_platform_admin:
        items.append((_("기업 목록"), reverse("organizations:company-list")))
        items.append((_("감사 기록"), reverse("organizations:audit-list")))
    if principal.has_role(Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF, Role.CENTRE_STAFF):
        items.append((_("소속 기관"), reverse("organizations:my-operator")))
    items.append((_("API 문서"), reverse("api-docs")))
    return items


def _is_inspector(user):
    """Users appointed as the supervising inspector of a final inspection (inspections app)."""
    from inspections.models import FinalInspection

    return FinalInspection.objects.unrestricted().filter(inspector=user).exists()
