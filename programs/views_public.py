"""Public announcement pages (anyone), the live quote, saved searches and watches (signed in), the
self-diagnosis and call recommendations (SME members). Thin: reads go through `visible_to(user)`
and the selectors, writes through programs.services; missing and forbidden objects answer 404.
"""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from organizations.access import principal_for
from organizations.errors import AccessDenied, DomainError
from organizations.models import Company, KsicDivision, LevelAssessment, Region, Role
from organizations.pages import filter_form, level_rows, paginate
from organizations.templatetags.sfms_format import kdate, krw, lname

from . import diagnosis, documents, eligibility, selectors, services
from .filters import CallFilter
from .forms_public import DiagnosisForm, QuoteForm, SavedSearchForm, criteria_from_query
from .funding import FundingInputError
from .models import Call, CallStatus, CallWatch, DeliveryModel, FunderRole, SavedSearch, SelfDiagnosis

PAGE_SIZE = 10
# Filters shown on the list page, in this order; `status` and `programme` still work from a URL.
LIST_FILTERS = ("q", "region", "sector", "level", "delivery_model", "closes_before", "phase")
# Calculator fields -> quote form fields, so a refusal is shown beside the input it is about.
QUOTE_ERROR_FIELDS = {"total_cost": "cost", "consortium": "large_firm", "region_code": "region"}


def _english():
    return (translation.get_language() or "ko").lower().startswith("en")


def _posted(request):
    return request.POST if request.method == "POST" else None


def _today():
    return timezone.localdate(timezone.now(), documents.SEOUL)


def _filter_form(filterset):
    """The shared filter look, plus the hints this list needs."""
    filter_form(filterset)
    closes = filterset.form.fields["closes_before"]
    closes.help_text = _("이 날짜까지 마감하는 공고만 봅니다. 예: 2026. 12. 31.")
    closes.widget.attrs["class"] = "w-12ch"
    closes.widget.attrs["autocomplete"] = "off"
    closes.error_messages["invalid"] = _("날짜는 2026. 12. 31. 형식으로 입력해 주십시오.")
    filterset.form.fields["q"].help_text = _("공고명, 공고번호, 사업명, 내용에서 찾습니다.")
    return filterset


def _visible_call(request, pk):
    call = selectors.call_detail(Call.objects.visible_to(request.user), pk)
    if call is None:
        raise Http404
    return call


def _sme_company(request):
    """The company the signed-in SME member acts for (the first, when there are several)."""
    principal = principal_for(request.user)
    ids = principal.company_ids_with(Role.SME_MEMBER)
    company = (
        Company.objects.visible_to(request.user)
        .filter(pk__in=ids)
        .select_related("region", "ksic_division")
        .order_by("pk")
        .first()
    )
    if company is None:
        raise PermissionDenied(
            _(
                "자가진단과 추천 공고는 도입기업(제조기업) 담당자만 이용할 수 있습니다. 기업 회원으로 가입해 주십시오."
            )
        )
    return company


def _user_region(request):
    principal = principal_for(request.user)
    if principal.is_anonymous or not principal.company_ids:
        return None
    company = (
        Company.objects.visible_to(request.user)
        .filter(pk__in=principal.company_ids)
        .order_by("pk")
        .only("region_id")
        .first()
    )
    return company.region_id if company else None


# --- call list ----------------------------------------------------------------------------------


def _list_query(request):
    """The list's query string without the page number: what "save this search" keeps."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_safe
def call_list(request):
    call_filter = _filter_form(selectors.public_calls(request.GET.dict()))
    queryset = call_filter.qs if call_filter.is_valid() else Call.objects.none()
    page = paginate(request, queryset, PAGE_SIZE)
    today = _today()
    for call in page.object_list:
        documents.localize_call(call, today)
    signed_in = request.user.is_authenticated
    save_form = (
        SavedSearchForm(initial={"query": _list_query(request)}, auto_id="save_%s") if signed_in else None
    )
    return render(
        request,
        "programs/public/call_list.html",
        {
            "filter": call_filter,
            "filter_fields": [call_filter.form[name] for name in LIST_FILTERS],
            "kept_filters": [
                (name, request.GET[name]) for name in ("status", "programme") if request.GET.get(name)
            ],
            "page": page,
            "result_count": page.paginator.count,
            "save_form": save_form,
            "has_criteria": bool(criteria_from_query(_list_query(request))[0]),
        },
    )


# --- call detail and the live quote --------------------------------------------------------------


def _rate_share(part, total):
    if not total:
        return "0%"
    share = (Decimal(part) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{share.normalize():f}%"


def _quote_rows(result):
    rows = []
    for line in result.lines:
        notes = []
        if line.bonus:
            notes.append(_("우대 지역 비율 적용"))
        if line.capped:
            notes.append(_("한도 적용"))
        rows.append(
            {
                "role": str(FunderRole(line.role).label) if line.role in FunderRole.values else line.role,
                "rate": documents.percent(line.rate),
                "cap": krw(line.cap) if line.cap else _("없음"),
                "amount": line.amount,
                "notes": notes,
                "capped": line.capped,
                "bonus": line.bonus,
            }
        )
    return rows


def _quote(request, call):
    """The quote form for a call and, when a cost was given, its result or the reason it has none."""
    tracks = list(call.tracks.all())
    if not tracks:
        return None
    for track in tracks:
        if not hasattr(track, "label"):
            documents.localize_track(track)
    show_large_firm = any(f.role == FunderRole.LARGE_FIRM for t in tracks for f in t.funders.all())
    context = {"form": None, "result": None, "rows": [], "asked": "cost" in request.GET}
    if context["asked"]:
        form = QuoteForm(request.GET, tracks=tracks, show_large_firm=show_large_firm)
        if form.is_valid():
            data = form.cleaned_data
            region = data.get("region")
            try:
                result = services.quote(
                    data["track"],
                    data["cost"],
                    region_code=region.code if region else None,
                    consortium_roles=form.consortium_roles,
                )
            except FundingInputError as exc:
                field = QUOTE_ERROR_FIELDS.get(exc.field, exc.field)
                form.add_error(field if field in form.fields else None, str(exc.message))
            else:
                context.update(
                    {
                        "result": result,
                        "rows": _quote_rows(result),
                        "track": data["track"],
                        "region": region,
                        "sme_rate": _rate_share(result.sme_share, result.total_cost),
                    }
                )
    else:
        form = QuoteForm(
            tracks=tracks,
            show_large_firm=show_large_firm,
            initial={"track": tracks[0].pk, "region": _user_region(request)},
        )
    context["form"] = form
    context["errors"] = [(name, error) for name, errs in form.errors.items() for error in errs]
    return context


def _quote_query(request):
    query = QueryDict(mutable=True)
    for key in ("track", "cost", "region", "large_firm"):
        if key in request.GET:
            query[key] = request.GET[key]
    return query.urlencode()


@require_safe
def call_detail(request, pk):
    call = _visible_call(request, pk)
    context = documents.call_context(call, _today())
    watching = (
        request.user.is_authenticated
        and CallWatch.objects.visible_to(request.user).filter(call_id=call.pk).exists()
    )
    context.update(
        {
            "quote": _quote(request, call),
            "watching": watching,
            "can_watch": request.user.is_authenticated and call.is_public,
            "is_sme": bool(principal_for(request.user).company_ids_with(Role.SME_MEMBER)),
        }
    )
    return render(request, "programs/public/call_detail.html", context)


@require_safe
def call_quote(request, pk):
    """The quote result alone, for htmx; a plain request goes to the full page with the same query."""
    call = _visible_call(request, pk)
    url = reverse("programs:call-detail", args=[call.pk])
    query = _quote_query(request)
    full_url = f"{url}?{query}" if query else url
    if request.headers.get("HX-Request") != "true":
        return redirect(f"{full_url}#quote")
    documents.localize_call(call)
    response = render(
        request, "programs/public/_quote_result.html", {"call": call, "quote": _quote(request, call)}
    )
    response["HX-Replace-Url"] = full_url
    response["Vary"] = "HX-Request"
    return response


# --- announcement PDF and calendars --------------------------------------------------------------


@require_safe
def call_announcement_pdf(request, pk):
    call = _visible_call(request, pk)
    detail_url = request.build_absolute_uri(reverse("programs:call-detail", args=[call.pk]))
    pdf = documents.announcement_pdf(call, detail_url=detail_url)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="call-{call.reference}.pdf"'
    return response


def _ics_response(body, filename):
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _detail_url_for(request):
    return lambda call: request.build_absolute_uri(reverse("programs:call-detail", args=[call.pk]))


@require_safe
def calendar_feed(request):
    """Every open and upcoming public call: subscribe once, see new deadlines as they are announced."""
    calls = selectors.public_calls({}).qs
    body = documents.calendar_ics(calls, url_for=_detail_url_for(request), host=request.get_host())
    return _ics_response(body, "sfms-calls.ics")


@require_safe
def call_calendar(request, pk):
    call = _visible_call(request, pk)
    body = documents.calendar_ics(
        [call], url_for=_detail_url_for(request), host=request.get_host(), name=call.title_ko
    )
    return _ics_response(body, f"call-{call.reference}.ics")


# --- watching a call ------------------------------------------------------------------------------


@require_POST
@login_required
def call_watch(request, pk):
    call = _visible_call(request, pk)
    try:
        services.call_watch(request.user, call)
    except AccessDenied as exc:
        raise Http404 from exc
    messages.success(
        request, _("관심 공고로 등록했습니다. 접수 마감 7일 전과 1일 전에 이메일로 알려 드립니다.")
    )
    return redirect("programs:call-detail", pk=call.pk)


@require_POST
@login_required
def call_unwatch(request, pk):
    call = _visible_call(request, pk)
    services.call_unwatch(request.user, call)
    messages.success(request, _("관심 공고에서 해제했습니다. 마감 알림을 더 보내지 않습니다."))
    return redirect("programs:call-detail", pk=call.pk)


# --- saved searches --------------------------------------------------------------------------------


def describe_criteria(criteria, names=None):
    """[(label, value)] in words for a saved search's criteria. `names` = _reference_names()."""
    names = names or _reference_names()
    labels = {name: f.label for name, f in CallFilter.base_filters.items()}
    rows = []
    for key, value in criteria.items():
        shown = value
        if key in ("region", "sector"):
            obj = names[key].get(str(value))
            shown = lname(obj) if obj is not None else value
        elif key == "level":
            shown = documents.level_label(value)
        elif key == "delivery_model" and value in DeliveryModel.values:
            shown = DeliveryModel(value).label
        elif key == "status" and value in CallStatus.values:
            shown = CallStatus(value).label
        elif key == "closes_before":
            form_field = forms.DateField()
            try:
                shown = kdate(form_field.clean(value))
            except forms.ValidationError:
                shown = value
        rows.append((labels.get(key, key), shown))
    return rows


def _reference_names():
    return {
        "region": {r.pk: r for r in Region.objects.all()},
        "sector": {str(s.pk): s for s in KsicDivision.objects.all()},
    }


@require_safe
@login_required
def saved_search_list(request):
    searches = list(SavedSearch.objects.visible_to(request.user).order_by("-created_at", "-pk"))
    list_url = reverse("programs:call-list")
    names = _reference_names()
    for search in searches:
        search.criteria_rows = describe_criteria(search.criteria, names)
        query = QueryDict(mutable=True)
        query.update(search.criteria)
        search.results_url = f"{list_url}?{query.urlencode()}" if search.criteria else list_url
    watches = list(
        CallWatch.objects.visible_to(request.user)
        .select_related("call", "call__programme")
        .order_by("call__closes_at", "pk")
    )
    for watch in watches:
        call = watch.call
        call.title = call.title_en if _english() and call.title_en else call.title_ko
        call.closes_text = documents.deadline_text(call.closes_at)
        call.phase, call.phase_label = documents.PHASES.get(
            call.status, ("closed", call.get_status_display())
        )
    return render(
        request, "programs/public/saved_search_list.html", {"searches": searches, "watches": watches}
    )


@require_http_methods(["GET", "POST"])
@login_required
def saved_search_create(request):
    if request.method == "POST":
        form = SavedSearchForm(request.POST)
    else:
        form = SavedSearchForm(initial={"query": _list_query(request)})
    query = form.data.get("query", "") if form.is_bound else form.initial["query"]
    criteria, _filterset = criteria_from_query(query)
    if request.method == "POST" and form.is_valid():
        try:
            services.saved_search_create(
                request.user,
                name=form.cleaned_data["name"],
                criteria=form.criteria,
                notify=form.cleaned_data["notify"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(
                request,
                _("검색 '%(name)s'을(를) 저장했습니다.") % {"name": form.cleaned_data["name"]},
            )
            return redirect("programs:saved-search-list")
    list_url = reverse("programs:call-list")
    return render(
        request,
        "programs/public/saved_search_form.html",
        {
            "form": form,
            "criteria_rows": describe_criteria(criteria),
            "back_url": f"{list_url}?{query}" if query else list_url,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def saved_search_delete(request, pk):
    search = get_object_or_404(SavedSearch.objects.visible_to(request.user), pk=pk)
    if request.method == "POST":
        try:
            services.saved_search_delete(request.user, search)
        except AccessDenied as exc:
            raise Http404 from exc
        messages.success(request, _("검색 '%(name)s'을(를) 삭제했습니다.") % {"name": search.name})
        return redirect("programs:saved-search-list")
    return render(
        request,
        "programs/public/saved_search_delete.html",
        {"search": search, "criteria_rows": describe_criteria(search.criteria)},
    )


# --- self-diagnosis and recommendations ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def diagnosis_start(request):
    company = _sme_company(request)
    form = DiagnosisForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            record = services.self_diagnosis_submit(request.user, company, form.cleaned_data)
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except diagnosis.DiagnosisError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            return redirect("programs:diagnosis-result", pk=record.pk)
    return render(
        request,
        "programs/public/diagnosis_form.html",
        {"form": form, "company": company, "latest": selectors.latest_diagnosis(company)},
    )


def _points_text(points):
    if points > 0:
        return _("+%(points)s점") % {"points": points}
    if points < 0:
        return _("−%(points)s점") % {"points": -points}
    return _("참고")


def _reasons(reasons):
    english = _english()
    return [
        {
            "text": r.text_en if english else r.text_ko,
            "points": r.points,
            "points_text": _points_text(r.points),
        }
        for r in reasons
    ]


def _rule_results(results, outcome):
    return [
        {"name": documents.rule_label(r.kind), "reason": r.reason()} for r in results if r.outcome == outcome
    ]


def _recommendation_rows(company, estimate):
    """(eligible rows best first, not eligible rows), each a dict ready for the template."""
    today = _today()
    eligible, others = [], []
    for call, fit, results in selectors.recommendations(company, estimate=estimate):
        documents.localize_call(call, today)
        track = next((t for t in call.tracks.all() if t.pk == fit.track_id), None)
        row = {
            "call": call,
            "fit": fit,
            "track": track,
            "reasons": _reasons(fit.reasons),
            "review": _rule_results(results, eligibility.Outcome.REVIEW),
            "failed": _rule_results(results, eligibility.Outcome.FAIL),
        }
        (eligible if selectors.is_recommendable(fit, results) else others).append(row)
    return eligible, others


def _estimate_for(company, record=None):
    """A self-diagnosis stands in for the level only while there is no official one."""
    if company.smart_factory_level != "none":
        return None
    return record or selectors.latest_diagnosis(company)


@require_safe
@login_required
def diagnosis_result(request, pk):
    record = get_object_or_404(
        SelfDiagnosis.objects.visible_to(request.user).select_related("company", "company__region"), pk=pk
    )
    company = record.company
    try:
        result = diagnosis.diagnose(record.answers)
    except diagnosis.DiagnosisError:  # answered an older questionnaire
        result = None
    areas = [(diagnosis.AREAS[a], s) for a, s in result.area_scores.items()] if result else []
    eligible, _others = _recommendation_rows(company, _estimate_for(company, record))
    return render(
        request,
        "programs/public/diagnosis_result.html",
        {
            "record": record,
            "company": company,
            "level_label": documents.level_label(record.estimated_level),
            "official_label": documents.level_label(company.smart_factory_level),
            "areas": areas,
            "eligible": eligible[:3],
            "eligible_count": len(eligible),
            "is_sme": company.pk in principal_for(request.user).company_ids_with(Role.SME_MEMBER),
        },
    )


@require_safe
@login_required
def recommendations(request):
    company = _sme_company(request)
    estimate = _estimate_for(company)
    eligible, others = _recommendation_rows(company, estimate)
    return render(
        request,
        "programs/public/recommendations.html",
        {
            "company": company,
            "estimate": estimate,
            "estimate_label": documents.level_label(estimate.estimated_level) if estimate else "",
            "official_label": documents.level_label(company.smart_factory_level),
            "eligible": eligible,
            "others": others,
        },
    )


@require_safe
@login_required
def my_level(request):
    """우리 회사 스마트공장 수준: the official assessments (latest first, the one in force marked, reports
    to download) beside the latest self-diagnosis, which is marked as unofficial."""
    company = _sme_company(request)
    assessments = list(
        LevelAssessment.objects.visible_to(request.user).filter(company=company).latest_first()
    )
    current = level_rows(assessments)
    return render(
        request,
        "programs/public/my_level.html",
        {
            "company": company,
            "assessments": assessments,
            "current": current,
            "diagnosis": selectors.latest_diagnosis(company),
        },
    )


# The access walk (tests/test_access_walk.py) reads which model each object URL refers to.
for _view in (call_detail, call_quote, call_announcement_pdf, call_calendar, call_watch, call_unwatch):
    _view.sfms_model = Call
saved_search_delete.sfms_model = SavedSearch
diagnosis_result.sfms_model = SelfDiagnosis
