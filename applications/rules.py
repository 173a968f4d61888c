"""What a complete application is, as pure functions over the draft and its parts (no queries), so
the task list, the check-answers page, the submit button and the API all say the same thing."""

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from programs.eligibility import DECLARATION_KINDS

# Task-list sections, in the order the applicant meets them.
SECTIONS = ("plan", "budget", "kpis", "consortium", "documents", "declarations")
SECTION_LABELS = {
    "plan": gettext_lazy("사업 계획"),
    "budget": gettext_lazy("사업비와 분담금"),
    "kpis": gettext_lazy("성과 지표"),
    "consortium": gettext_lazy("컨소시엄 구성"),
    "documents": gettext_lazy("제출 서류"),
    "declarations": gettext_lazy("확인 사항"),
}
_FIELD_SECTION = {
    "title": "plan",
    "summary": "plan",
    "existing_systems": "plan",
    "integration_plan": "plan",
    "data_plan": "plan",
    "expected_return": "plan",
    "duration_months": "plan",
    "total_cost": "budget",
    "declarations": "declarations",
}
PLAN_REQUIRED = {
    "title": gettext_lazy("과제명"),
    "summary": gettext_lazy("과제 요약"),
    "existing_systems": gettext_lazy("보유 시스템"),
    "integration_plan": gettext_lazy("기존 시스템 연계 방안"),
    "data_plan": gettext_lazy("데이터 활용 계획"),
    "expected_return": gettext_lazy("기대 효과"),
}
DECLARATIONS = tuple(DECLARATION_KINDS)


def section_of(field_name):
    return _FIELD_SECTION.get(field_name, "budget" if field_name.startswith("budget_") else "plan")


PRIOR_SUPPORTS = "prior_supports"  # declarations key: [] = none received, [{year, level}] = received
SUPPORT_LEVELS = ("basic", "intermediate_1", "intermediate_2", "advanced")


def clean_prior_supports(value):
    """[{"year": 2025, "level": "basic", "programme": "..."}] with sane values, or None if unusable."""
    if not isinstance(value, list):
        return None
    cleaned = []
    for item in value:
        if not isinstance(item, dict):
            return None
        year, level = item.get("year"), item.get("level")
        if not (isinstance(year, int) and 2000 <= year <= 2100 and level in SUPPORT_LEVELS):
            return None
        cleaned.append({"year": year, "level": level, "programme": str(item.get("programme") or "")[:100]})
    return cleaned


def clean_declarations(value):
    """Only known declarations, as booleans, and the prior-support answer; anything else is dropped."""
    value = value if isinstance(value, dict) else {}
    cleaned = {key: value.get(key) is True for key in DECLARATIONS if key in value}
    supports = clean_prior_supports(value.get(PRIOR_SUPPORTS))
    if supports is not None:
        cleaned[PRIOR_SUPPORTS] = supports
    return cleaned


def won(amount):
    return f"{amount:,}"


def plan_problems(application, max_duration):
    problems = [
        _("%(field)s을(를) 입력해 주십시오.") % {"field": label}
        for name, label in PLAN_REQUIRED.items()
        if not (getattr(application, name) or "").strip()
    ]
    if not application.duration_months:
        problems.append(_("사업 기간(개월)을 입력해 주십시오."))
    elif max_duration and application.duration_months > max_duration:
        problems.append(
            _("사업 기간은 이 지원 유형의 최대 기간인 %(max)s개월 이하여야 합니다. 지금: %(months)s개월")
            % {"max": max_duration, "months": application.duration_months}
        )
    return problems


def budget_problems(application):
    if not application.total_cost:
        return [_("총 사업비를 원 단위로 입력해 주십시오.")]
    if application.budget_sum != application.total_cost:
        difference = application.total_cost - application.budget_sum
        return [
            _(
                "항목별 사업비의 합계(%(sum)s원)가 총 사업비(%(total)s원)와 다릅니다. "
                "%(diff)s원을 항목에 %(direction)s 주십시오."
            )
            % {
                "sum": won(application.budget_sum),
                "total": won(application.total_cost),
                "diff": won(abs(difference)),
                "direction": _("더해") if difference > 0 else _("줄여"),
            }
        ]
    return []


def kpi_problems(kpis):
    problems = []
    for kpi in kpis:
        if kpi.baseline is None or kpi.target is None:
            problems.append(_("%(kpi)s의 현재 값과 목표 값을 입력해 주십시오.") % {"kpi": kpi.label})
        elif kpi.baseline == kpi.target:
            problems.append(
                _("%(kpi)s의 목표 값이 현재 값과 같습니다. 개선 목표를 입력해 주십시오.") % {"kpi": kpi.label}
            )
    return problems


def consortium_problems(members, *, win_win):
    live = [m for m in members if m.status not in ("removed", "declined")]
    problems = []
    if not any(m.role == "supplier" for m in live):
        problems.append(_("공급기업을 한 곳 이상 초대해 주십시오."))
    if win_win and not any(m.role == "large_firm" for m in live):
        problems.append(_("대·중소 상생형 공고입니다. 참여할 대기업을 초대해 주십시오."))
    for m in members:
        if m.status == "declined":
            problems.append(
                _("%(name)s이(가) 참여를 거절했습니다. 초대를 취소하고 다른 기업을 초대해 주십시오.")
                % {"name": m.company.name}
            )
        elif m.status == "invited":
            problems.append(_("%(name)s이(가) 아직 참여를 수락하지 않았습니다.") % {"name": m.company.name})
        elif m.status == "awaiting_approval":
            problems.append(
                _(
                    "%(name)s의 공급기업 등록을 운영기관이 심사하고 있습니다. 승인 후 참여를 수락하면 제출할 수 있습니다."
                )
                % {"name": m.company.name}
            )
    return problems


def document_problems(missing_labels):
    if not missing_labels:
        return []
    return [_("필수 서류를 올려 주십시오: %(docs)s") % {"docs": ", ".join(str(x) for x in missing_labels)}]


def declaration_label(key):
    ko, en = DECLARATION_KINDS[key]
    return en if (get_language() or "ko").startswith("en") else ko


def declaration_problems(declarations):
    problems = []
    unanswered = [declaration_label(k) for k in DECLARATIONS if declarations.get(k) is not True]
    if unanswered:
        problems.append(_("다음 사항을 확인해 주십시오: %(items)s") % {"items": ", ".join(unanswered)})
    if clean_prior_supports(declarations.get(PRIOR_SUPPORTS)) is None:
        problems.append(_("최근 3년 안에 정부 스마트공장 구축 지원을 받은 적이 있는지 답해 주십시오."))
    return problems


def section_problems(application, *, members, kpis, missing_documents, win_win, max_duration):
    problems = {
        "plan": plan_problems(application, max_duration),
        "budget": budget_problems(application),
        "kpis": kpi_problems(kpis),
        "consortium": consortium_problems(members, win_win=win_win),
        "documents": document_problems(missing_documents),
        "declarations": declaration_problems(application.declarations or {}),
    }
    return {section: found for section, found in problems.items() if found}
