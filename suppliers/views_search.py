"""SME-facing supplier pages: search (filters with result counts per value, cards, pagination), a
supplier's profile, and comparing up to four suppliers side by side.

Thin, like programs/views_public.py: search reads registered suppliers only (`search.search_suppliers`),
a profile is looked up inside `visible_to(user)` (firms see registered suppliers; operator staff
see any; missing and forbidden answer 404), the comparison resolves its ids among registered
suppliers the user may see. The comparison list lives in the session; nothing here writes a model.
"""

import re

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from organizations.access import principal_for
from organizations.models import Company, Role, SmartFactoryLevel
from organizations.templatetags.sfms_format import lname

from . import rating
from .filters import SupplierFilter
from .forms_search import (
    MAX_COMPARE,
    MIN_COMPARE,
    CompareAddForm,
    cases_by_scale,
    cases_by_sector,
    compare_selection,
    next_level,
    rating_counts,
    scale_range,
    search_form,
    top_solutions,
)
from .models import (
    CapabilityAssessment,
    Certification,
    ImplementationCase,
    Solution,
    SupplierProfile,
    SupplierStatus,
)
from .search import search_suppliers

PAGE_SIZE = 20
WON_FIELDS = ("scale_min", "scale_max")
COMPARE_KEY = "supplier_compare"
NOTICE_KEY = "supplier_compare_notice"
# Filters with result counts per value (search facets), and how each is shown.
FACETED = ("domain", "region", "deployment", "certification", "level")
SORT_DEFAULT = gettext_lazy("기본 정렬")
# The filter controls in the order the filter declares them.
FILTER_ORDER = tuple(SupplierFilter.Meta.fields)


def _english():
    return (translation.get_language() or "ko").lower().startswith("en")


def _level_label(code):
    return str(SmartFactoryLevel(code).label) if code in SmartFactoryLevel.values else code


def _registered(request):
    """Registered suppliers the user may see: what search, cards and comparisons start from."""
    return SupplierProfile.objects.visible_to(request.user).searchable()


def _detail_queryset(queryset):
    cases = ImplementationCase.objects.unrestricted().select_related("client_sector", "client_region")
    return queryset.select_related("company", "company__region").prefetch_related(
        "domains",
        Prefetch("solutions", queryset=Solution.objects.unrestricted().select_related("domain")),
        Prefetch("certifications", queryset=Certification.objects.unrestricted()),
        Prefetch("cases", queryset=cases),
        Prefetch(
            "assessments",
            queryset=CapabilityAssessment.objects.unrestricted().order_by("-assessed_on", "-pk"),
        ),
    )


# --- the comparison list (session) -------------------------------------------------------------------


def _compare_ids(request):
    ids = request.session.get(COMPARE_KEY, [])
    return [pk for pk in ids if isinstance(pk, int)][:MAX_COMPARE] if isinstance(ids, list) else []


def _set_compare_ids(request, ids):
    request.session[COMPARE_KEY] = list(ids)


def _notice(request, level, text):
    request.session[NOTICE_KEY] = [level, str(text)]


def _compare_tray(request):
    """The suppliers on the comparison list that can still be compared, in the order added."""
    ids = _compare_ids(request)
    found = (
        {p.pk: p for p in _registered(request).filter(pk__in=ids).select_related("company")} if ids else {}
    )
    kept = [pk for pk in ids if pk in found]
    if kept != ids:  # a supplier suspended since it was added drops out quietly
        _set_compare_ids(request, kept)
    notice = request.session.pop(NOTICE_KEY, None)
    query = ",".join(str(pk) for pk in kept)
    return {
        "suppliers": [{"pk": pk, "name": _name(found[pk])} for pk in kept],
        "ids": kept,
        "count": len(kept),
        "max": MAX_COMPARE,
        "min": MIN_COMPARE,
        "full": len(kept) >= MAX_COMPARE,
        "url": f"{reverse('suppliers:compare')}?ids={query}" if len(kept) >= MIN_COMPARE else "",
        "notice": {"level": notice[0], "text": notice[1]} if notice else None,
    }


def _back(request, value):
    """Where to go after changing the comparison list: one of our supplier pages, else the search."""
    search = reverse("suppliers:search")
    safe = bool(value) and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value.split("#", 1)[0] if safe and value.startswith(search) else search


def _name(profile):
    company = profile.company
    return company.name_en if _english() and company.name_en else company.name


@require_POST
@login_required
def compare_add(request):
    form = CompareAddForm(request.POST)
    back = _back(request, request.POST.get("next"))
    if not form.is_valid():
        _notice(request, "error", _("비교 목록에 담을 공급기업을 다시 골라 주십시오."))
        return redirect(f"{back}#compare-tray")
    pk = form.cleaned_data["supplier"]
    profile = _registered(request).filter(pk=pk).select_related("company").first()
    if profile is None:
        raise Http404
    ids = _compare_ids(request)
    name = _name(profile)
    if pk in ids:
        _notice(request, "info", _("%(name)s은(는) 이미 비교 목록에 있습니다.") % {"name": name})
    elif len(ids) >= MAX_COMPARE:
        _notice(
            request,
            "error",
            _(
                "비교 목록에는 최대 %(max)d곳까지 담을 수 있습니다. %(name)s을(를) 담으려면 "
                "먼저 비교 목록에서 다른 공급기업을 빼 주십시오."
            )
            % {"max": MAX_COMPARE, "name": name},
        )
    else:
        ids.append(pk)
        _set_compare_ids(request, ids)
        _notice(
            request,
            "success",
            _("%(name)s을(를) 비교 목록에 담았습니다(%(count)d/%(max)d).")
            % {"name": name, "count": len(ids), "max": MAX_COMPARE},
        )
    return redirect(f"{back}#compare-tray")


@require_POST
@login_required
def compare_remove(request):
    form = CompareAddForm(request.POST)
    back = _back(request, request.POST.get("next"))
    if form.is_valid():
        pk = form.cleaned_data["supplier"]
        ids = _compare_ids(request)
        if pk in ids:
            ids.remove(pk)
            _set_compare_ids(request, ids)
            profile = SupplierProfile.objects.visible_to(request.user).filter(pk=pk).select_related("company")
            profile = profile.first()
            _notice(
                request,
                "success",
                _("%(name)s을(를) 비교 목록에서 뺐습니다.")
                % {"name": _name(profile) if profile else _("공급기업")},
            )
    return redirect(f"{back}#compare-tray")


@require_POST
@login_required
def compare_clear(request):
    _set_compare_ids(request, [])
    _notice(request, "success", _("비교 목록을 비웠습니다."))
    return redirect(f"{_back(request, request.POST.get('next'))}#compare-tray")


# --- search ----------------------------------------------------------------------------------------


def _option_rows(bound, facet_counts, selected):
    rows = []
    for value, label in bound.field.choices:
        value = str(getattr(value, "value", value))
        if value == "":
            continue
        rows.append(
            {
                "value": value,
                "label": label,
                "count": facet_counts.get(value),
                "selected": value in selected,
                "id": f"{bound.auto_id}_{len(rows)}",
            }
        )
    return rows


def _controls(filterset, facets):
    """Each filter as the template draws it: text, select, checkbox list or single checkbox, with
    result counts beside the values that have them."""
    form = filterset.form
    data = filterset.data
    controls = []
    for name in FILTER_ORDER:
        if name not in form.fields:
            continue
        bound = form[name]
        field = bound.field
        widget_type = bound.widget_type
        facet_counts = {str(value): count for value, _ko, _en, count in facets.get(name, ())}
        selected = {str(v) for v in (data.getlist(name) if hasattr(data, "getlist") else [data.get(name)])}
        selected.discard("None")
        control = {
            "name": name,
            "bound": bound,
            "kind": "text",
            "faceted": name in FACETED,
            "checked": str(data.get(name, "")).lower() in ("true", "on", "1", "yes"),
            "described_by": " ".join(
                f"{bound.auto_id}-{part}"
                for part, present in (("hint", bound.help_text), ("error", bound.errors))
                if present
            ),
        }
        if widget_type in ("checkboxselectmultiple", "selectmultiple"):
            control.update(kind="checkboxes", options=_option_rows(bound, facet_counts, selected))
        elif isinstance(field.widget, forms.CheckboxInput):
            control["kind"] = "checkbox"
        elif hasattr(field, "choices"):
            control.update(kind="select", options=_option_rows(bound, facet_counts, selected))
            control["empty_label"] = SORT_DEFAULT if name == "sort" else _("전체")
        controls.append(control)
    return controls


def _sme_company(request):
    principal = principal_for(request.user)
    ids = principal.company_ids_with(Role.SME_MEMBER)
    if not ids:
        return None
    return Company.objects.visible_to(request.user).filter(pk__in=ids).order_by("pk").first()


def _next_step(request):
    """Point 7: the search pre-filtered for the level after the SME's official one."""
    company = _sme_company(request)
    if company is None:
        return None
    target = next_level(company.smart_factory_level)
    if target is None:
        return {"company": company, "current": _level_label(company.smart_factory_level), "target": None}
    return {
        "company": company,
        "current": _level_label(company.smart_factory_level),
        "target": _level_label(target),
        "url": f"{reverse('suppliers:search')}?level={target}&sort=rating",
    }


def basis_text(counts):
    """ "역량 평가 반영 · 도입기업 평가 5건 · 최종점검 2건": the records behind a rating."""
    parts = []
    if counts["assessments"]:
        parts.append(_("역량 평가 반영"))
    if counts["sme_reviews"]:
        parts.append(_("도입기업 평가 %(n)d건") % {"n": counts["sme_reviews"]})
    if counts["inspections"]:
        parts.append(_("최종점검 %(n)d건") % {"n": counts["inspections"]})
    return " · ".join(parts)


def _card(profile, compare_ids):
    """What a result card shows, worked out once."""
    low, high = scale_range(profile)
    counts = rating_counts(profile.rating_basis)
    return {
        "profile": profile,
        "name": _name(profile),
        "region": lname(profile.company.region),
        "domains": [lname(d) for d in profile.domains.all()],
        "solutions": top_solutions(profile),
        "solution_count": len(profile.solutions.all()),
        "counts": counts,
        "basis_text": basis_text(counts),
        "scale_min": low,
        "scale_max": high,
        "in_compare": profile.pk in compare_ids,
    }


def _page_number(request):
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except (TypeError, ValueError):
        return 1


def _search_params(request):
    """The query with won amounts as digits: people type "100,000,000" or "300 000 000원"."""
    params = request.GET.copy()
    for name in WON_FIELDS:
        if name in params:
            params[name] = re.sub(r"[\s,]", "", params[name]).removesuffix("원")
    return params


@require_safe
@login_required
def supplier_search(request):
    result = search_suppliers(_search_params(request), page_size=PAGE_SIZE, page=_page_number(request))
    filterset = search_form(result.filterset)
    valid = filterset.is_valid()
    page = result.page
    profiles = list(page.object_list) if valid else []
    prefetch_related_objects(profiles, "domains", "solutions", "cases")
    tray = _compare_tray(request)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "suppliers/search/search.html",
        {
            "filter": filterset,
            "controls": _controls(filterset, result.facets if valid else {}),
            "page": page,
            "cards": [_card(p, tray["ids"]) for p in profiles],
            "result_count": result.count if valid else 0,
            "has_errors": not valid,
            "errors": [(name, e) for name, errs in filterset.form.errors.items() for e in errs],
            "tray": tray,
            "next_step": _next_step(request),
            "here": request.get_full_path(),
            "has_query": bool(query),
        },
    )


# --- profile -----------------------------------------------------------------------------------------


def _rating_rows(basis):
    names = {
        "assessment": _("전담기관 역량 평가"),
        "reviews": _("도입기업 평가"),
        "inspections": _("최종점검 결과"),
    }
    components = (basis or {}).get("components", {})
    return [
        {
            "name": names[key],
            "value": components[key]["value"],
            "weight": components[key]["weight"],
            "count": components[key]["count"],
        }
        for key in ("assessment", "reviews", "inspections")
        if key in components
    ]


def _formula():
    """The rating formula in words (rating.py), with its numbers."""
    w = rating.WEIGHTS
    return [
        _(
            "전담기관 역량 평가(가중치 %(w)s): 가장 최근 평가의 세 영역(경영·기술·사업 관리, 각 0~100점) "
            "평균을 20으로 나누어 5점 만점으로 환산합니다."
        )
        % {"w": w["assessment"]},
        _(
            "도입기업 평가(가중치 %(w)s): 사업을 마친 도입기업이 준 점수(1~5점)의 평균입니다. 평가 한두 건이 "
            "긴 실적을 앞지르지 않도록 %(n)d건의 %(mean)s점 가상 평가를 더해 계산합니다(베이즈 평균)."
        )
        % {"w": w["reviews"], "n": rating.PRIOR_WEIGHT, "mean": rating.PRIOR_MEAN},
        _("최종점검 결과(가중치 %(w)s): 최종점검 통과(3점 이상) 비율에 5를 곱합니다.")
        % {"w": w["inspections"]},
        _(
            "평점은 근거가 있는 항목만 가중치에 따라 평균하고 소수 셋째 자리에서 반올림합니다. "
            "근거가 하나도 없으면 평점을 매기지 않습니다."
        ),
    ]


def _assessment_summary(profile):
    rows = list(profile.assessments.all())
    if not rows:
        return None
    latest = rows[0]
    return {
        "count": len(rows),
        "latest": latest,
        "average": round((latest.management + latest.technology + latest.project_management) / 3, 1),
    }


def _solution_rows(profile):
    return [
        {
            "solution": s,
            "domain": lname(s.domain),
            "levels": [_level_label(code) for code in s.levels],
            "deployment": s.get_deployment_display(),
        }
        for s in profile.solutions.all()
    ]


def _certification_rows(profile, today):
    return [
        {"cert": c, "expired": c.valid_until is not None and c.valid_until < today}
        for c in profile.certifications.all()
    ]


def _case_rows(profile):
    return [
        {
            "case": c,
            "sector": lname(c.client_sector) if c.client_sector_id else "",
            "region": lname(c.client_region) if c.client_region_id else "",
            "level": _level_label(c.level) if c.level else "",
        }
        for c in profile.cases.all()
    ]


@require_safe
@login_required
def supplier_detail(request, pk):
    profile = _detail_queryset(SupplierProfile.objects.visible_to(request.user)).filter(pk=pk).first()
    if profile is None:
        raise Http404
    today = timezone.localdate()
    in_compare = pk in _compare_ids(request)
    return render(
        request,
        "suppliers/search/detail.html",
        {
            "profile": profile,
            "name": _name(profile),
            "company": profile.company,
            "registered": profile.status == SupplierStatus.REGISTERED,
            "introduction": (profile.introduction_en if _english() and profile.introduction_en else "")
            or profile.introduction_ko,
            "domains": [lname(d) for d in profile.domains.all()],
            "solutions": _solution_rows(profile),
            "certifications": _certification_rows(profile, today),
            "cases": _case_rows(profile),
            "by_scale": cases_by_scale(profile),
            "by_sector": cases_by_sector(profile),
            "rating_rows": _rating_rows(profile.rating_basis),
            "formula": _formula(),
            "assessment": _assessment_summary(profile),
            "in_compare": in_compare,
            "compare_full": len(_compare_ids(request)) >= MAX_COMPARE,
            "here": request.get_full_path(),
            "search_url": reverse("suppliers:search"),
        },
    )


# --- comparison --------------------------------------------------------------------------------------


def _compared(profile, today):
    low, high = scale_range(profile)
    return {
        "profile": profile,
        "name": _name(profile),
        "region": lname(profile.company.region),
        "domains": [lname(d) for d in profile.domains.all()],
        "solutions": _solution_rows(profile),
        "certifications": _certification_rows(profile, today),
        "by_scale": cases_by_scale(profile),
        "by_sector": cases_by_sector(profile),
        "basis_text": basis_text(rating_counts(profile.rating_basis)),
        "case_count": len(profile.cases.all()),
        "scale_min": low,
        "scale_max": high,
    }


@require_safe
@login_required
def compare(request):
    values = (
        request.GET.getlist("ids") if "ids" in request.GET else [",".join(map(str, _compare_ids(request)))]
    )
    selection = compare_selection(values, _detail_queryset(_registered(request)))
    today = timezone.localdate()
    columns = [_compared(p, today) for p in selection.profiles]
    bands = [label for _code, label, *_rest in (columns[0]["by_scale"] if columns else [])]
    return render(
        request,
        "suppliers/search/compare.html",
        {
            "selection": selection,
            "columns": columns,
            "band_rows": [(label, [c["by_scale"][i][2] for c in columns]) for i, label in enumerate(bands)],
            "search_url": reverse("suppliers:search"),
            "max": MAX_COMPARE,
        },
    )


# The access walk (tests/test_access_walk.py) reads which model each object URL refers to.
supplier_detail.sfms_model = SupplierProfile
