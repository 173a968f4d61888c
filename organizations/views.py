"""Browser pages for organisations. Thin: read through `visible_to(user)`, write through services.

Missing and forbidden objects both answer 404 (objects are looked up inside the user's scope);
an object the user may see but not change answers 403 with the reason.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.i18n import set_language as django_set_language

from . import services
from .access import principal_for
from .errors import AccessDenied, DomainError
from .filters import AuditEventFilter, CompanyFilter
from .forms import (
    CompanyEditForm,
    EmailAuthenticationForm,
    LevelAssessmentForm,
    SignUpForm,
    SignUpKindForm,
    WithdrawForm,
)
from .models import AuditEvent, Company, LevelAssessment, Membership, Operator, Role
from .pages import file_response, filter_form, level_rows, paginate

# The heading and template of each role's home page, in order of precedence.
HOME_FOR_ROLE = (
    (Role.PLATFORM_ADMIN, "platform_admin", gettext_lazy("플랫폼 관리자 홈")),
    (Role.OPERATOR_ADMIN, "operator", gettext_lazy("운영기관 홈")),
    (Role.OPERATOR_STAFF, "operator", gettext_lazy("운영기관 홈")),
    (Role.CENTRE_STAFF, "operator", gettext_lazy("지역센터 홈")),
    (Role.EVALUATOR, "evaluator", gettext_lazy("평가위원 홈")),
    (Role.SME_MEMBER, "company", gettext_lazy("도입기업 홈")),
    (Role.SUPPLIER_MEMBER, "company", gettext_lazy("공급기업 홈")),
    (Role.LARGE_FIRM_MEMBER, "company", gettext_lazy("대기업 홈")),
)


def _posted(request):
    """The submitted data on POST (even when empty, so an empty form shows its errors), else None."""
    return request.POST if request.method == "POST" else None


def _require_operator_side(principal, message):
    if not (principal.is_operator_side or principal.is_platform_admin):
        raise PermissionDenied(message)


# --- home -------------------------------------------------------------------------------------


@require_safe
def home(request):
    principal = principal_for(request.user)
    if principal.is_anonymous:
        return render(request, "home.html")
    for role, kind, heading in HOME_FOR_ROLE:
        if principal.has_role(role):
            context = {"heading": heading, "role": role}
            context.update(_HOME_CONTEXT[kind](request, principal, role))
            return render(request, f"home/{kind}.html", context)
    return render(request, "home/no_role.html", {"heading": _("나의 홈")})


def _company_home(request, principal, role):
    ids = principal.company_ids_with(role)
    companies = list(
        Company.objects.visible_to(request.user)
        .filter(pk__in=ids)
        .select_related("region", "ksic_division")
        .annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
        .order_by("name", "id")
    )
    return {"companies": companies}


def _operator_home(request, principal, role):
    ids = principal.operator_ids_with(Role.OPERATOR_ADMIN, Role.OPERATOR_STAFF, Role.CENTRE_STAFF)
    operators = list(
        Operator.objects.visible_to(request.user)
        .filter(pk__in=ids)
        .select_related("region")
        .prefetch_related("regions_covered")
        .annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
        .order_by("name_ko")
    )
    return {
        "operators": operators,
        "company_count": Company.objects.visible_to(request.user).count(),
    }


def _evaluator_home(request, principal, role):
    return {}


def _platform_admin_home(request, principal, role):
    return {
        "operator_count": Operator.objects.visible_to(request.user).count(),
        "company_count": Company.objects.visible_to(request.user).count(),
        "audit_count": AuditEvent.objects.visible_to(request.user).count(),
    }


_HOME_CONTEXT = {
    "platform_admin": _platform_admin_home,
    "operator": _operator_home,
    "evaluator": _evaluator_home,
    "company": _company_home,
}


# --- accounts ---------------------------------------------------------------------------------


def _set_language_cookie(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )


class SignInView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        language = form.get_user().preferred_language
        if language in dict(settings.LANGUAGES):
            translation.activate(language)
            _set_language_cookie(response, language)
        return response


@require_POST
def set_language(request):
    """Django's set_language, and for a signed-in user the preference is kept on the account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_set_language(request.user, language)
    return response


SIGNUP_KINDS = {
    Company.Kind.MANUFACTURER.value: gettext_lazy("제조기업(도입기업)"),
    Company.Kind.SUPPLIER.value: gettext_lazy("공급기업"),
    Company.Kind.LARGE_FIRM.value: gettext_lazy("대기업"),
}


@require_http_methods(["GET", "POST"])
def signup(request):
    """First question: which kind of company is signing up."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpKindForm(_posted(request), initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        return redirect("signup-form", kind=form.cleaned_data["kind"])
    options = [(choice, SignUpKindForm.HINTS[choice.data["value"]]) for choice in form["kind"]]
    return render(request, "registration/signup_kind.html", {"form": form, "options": options})


def _apply_validation_error(form, exc, field_map=None):
    field_map = field_map or {}
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = field_map.get(name, name)
            form.add_error(target if target in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@require_http_methods(["GET", "POST"])
def signup_form(request, kind):
    if kind not in SIGNUP_KINDS:
        raise Http404
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(_posted(request), kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, company = services.company_sign_up(
                email=data["email"],
                password=data["password1"],
                full_name=data["full_name"],
                phone=data["phone"],
                preferred_language=translation.get_language() or "ko",
                company_fields=form.company_data(),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        except ValidationError as exc:
            _apply_validation_error(form, exc, {"password": "password1"})
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("%(company)s의 가입이 완료되었습니다. 환영합니다.") % {"company": company.name}
            )
            return redirect("home")
    return render(
        request,
        "registration/signup_form.html",
        {"form": form, "kind": kind, "kind_label": SIGNUP_KINDS[kind]},
    )


# --- companies --------------------------------------------------------------------------------


@require_safe
@login_required
def my_company(request):
    principal = principal_for(request.user)
    company = (
        Company.objects.visible_to(request.user).filter(pk__in=principal.company_ids).order_by("pk").first()
    )
    if company is None:
        raise Http404
    return redirect("organizations:company-detail", pk=company.pk)


@require_safe
@login_required
def company_list(request):
    principal = principal_for(request.user)
    _require_operator_side(
        principal, _("기업 목록은 운영기관·지역센터 담당자와 플랫폼 관리자만 볼 수 있습니다.")
    )
    queryset = Company.objects.visible_to(request.user).select_related("region", "ksic_division")
    company_filter = filter_form(CompanyFilter(request.GET or None, queryset=queryset))
    page = paginate(request, company_filter.qs)
    return render(
        request,
        "organizations/company_list.html",
        {"filter": company_filter, "page": page, "result_count": page.paginator.count},
    )


def _visible_company(request, pk):
    return get_object_or_404(
        Company.objects.visible_to(request.user).select_related("region", "ksic_division"), pk=pk
    )


@require_safe
@login_required
def company_detail(request, pk):
    company = _visible_company(request, pk)
    principal = principal_for(request.user)
    members = (
        Membership.objects.visible_to(request.user)
        .filter(company=company, is_active=True)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    assessments = list(
        LevelAssessment.objects.visible_to(request.user).filter(company=company).latest_first()
    )
    level_rows(assessments)
    if assessments and (principal.is_operator_side or principal.is_platform_admin):
        scope = services.level_withdraw_scope(request.user, company)
        for a in assessments:
            a.can_withdraw = not a.is_withdrawn and services.may_withdraw_level(request.user, a, scope=scope)
    return render(
        request,
        "organizations/company_detail.html",
        {
            "company": company,
            "members": members,
            "can_edit": Company.objects.editable_by(request.user).filter(pk=company.pk).exists(),
            "can_audit": principal.is_operator_side or principal.is_platform_admin,
            "assessments": assessments,
            "can_record_level": company.kind == Company.Kind.MANUFACTURER
            and services.may_record_level(request.user, company),
            "can_withdraw_level": any(getattr(a, "can_withdraw", False) for a in assessments),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def company_edit(request, pk):
    company = _visible_company(request, pk)
    if not Company.objects.editable_by(request.user).filter(pk=company.pk).exists():
        raise PermissionDenied(_("이 기업 정보를 수정할 권한이 없습니다."))
    form = CompanyEditForm(
        request.POST or None, initial=CompanyEditForm.initial_for(company), kind=company.kind
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, _("변경된 내용이 없습니다."))
            return redirect("organizations:company-detail", pk=company.pk)
        try:
            services.company_update(request.user, company, changes, reason=form.cleaned_data["reason"])
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        except ValidationError as exc:
            _apply_validation_error(form, exc)
        else:
            messages.success(request, _("기업 정보를 저장했습니다."))
            return redirect("organizations:company-detail", pk=company.pk)
    return render(request, "organizations/company_form.html", {"company": company, "form": form})


# --- official level assessments ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def level_assessment_add(request, pk):
    """Record an official level assessment from its report (national agency; regional centres for
    companies in the regions they cover)."""
    company = _visible_company(request, pk)
    if not services.may_record_level(request.user, company):
        raise PermissionDenied(
            _(
                "수준확인 결과는 전담기관의 관리자·담당자와 기업 소재 지역을 담당하는 "
                "지역센터 담당자만 기록할 수 있습니다."
            )
        )
    if company.kind != Company.Kind.MANUFACTURER:
        raise PermissionDenied(_("수준확인 결과는 제조기업(도입기업)에만 기록할 수 있습니다."))
    operator = Operator.objects.assessing_levels_for(request.user, company).first()
    form = LevelAssessmentForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        initial={"assessed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data, report = form.values()
        try:
            services.level_assessment_record(request.user, company, data, report, operator=operator)
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(
                request,
                _("수준확인 결과를 기록했습니다. 현재 스마트공장 수준: %(level)s")
                % {"level": company.get_smart_factory_level_display()},
            )
            return redirect(reverse("organizations:company-detail", args=[company.pk]) + "#levels")
    return render(
        request,
        "organizations/level_assessment_form.html",
        {"company": company, "operator": operator, "form": form},
    )


@require_safe
@login_required
def level_assessment_report(request, pk):
    """The assessment's report PDF, for whoever may see the assessment."""
    assessment = get_object_or_404(LevelAssessment.objects.visible_to(request.user), pk=pk)
    return file_response(assessment.report, assessment.report_name or "report.pdf")


@require_http_methods(["GET", "POST"])
@login_required
def level_assessment_withdraw(request, pk):
    assessment = get_object_or_404(
        LevelAssessment.objects.visible_to(request.user).select_related("company", "recorded_by_operator"),
        pk=pk,
    )
    company = assessment.company
    if assessment.is_withdrawn:
        messages.info(request, _("이미 철회된 수준확인 결과입니다."))
        return redirect(reverse("organizations:company-detail", args=[company.pk]) + "#levels")
    if not services.may_withdraw_level(request.user, assessment):
        raise PermissionDenied(_("이 수준확인 결과를 철회할 권한이 없습니다."))
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.level_assessment_withdraw(request.user, assessment, reason=form.cleaned_data["reason"])
        except AccessDenied as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            company.refresh_from_db(fields=["smart_factory_level"])
            messages.success(
                request,
                _("수준확인 결과를 철회했습니다. 현재 스마트공장 수준: %(level)s")
                % {"level": company.get_smart_factory_level_display()},
            )
            return redirect(reverse("organizations:company-detail", args=[company.pk]) + "#levels")
    return render(
        request,
        "organizations/level_assessment_withdraw.html",
        {"company": company, "assessment": assessment, "form": form},
    )


# --- audit trail ------------------------------------------------------------------------------


def _display_value(value):
    if value is None or value == "":
        return "—"
    if value is True:
        return _("예")
    if value is False:
        return _("아니요")
    return str(value)


def _with_changes(events):
    """Attach `changes` = [(label, before, after)] with the model's field labels to each event."""
    for event in events:
        model = event.content_type.model_class()
        labels = {}
        if model is not None:
            for f in model._meta.concrete_fields:
                labels[f.attname] = f.verbose_name
                labels[f.name] = f.verbose_name
            event.object_type_label = model._meta.verbose_name
        else:
            event.object_type_label = event.content_type.model
        event.changes = [
            (labels.get(key, key), _display_value(before), _display_value(after))
            for key, before, after in event.changed_fields
        ]
    return events


def _audit_queryset(user):
    return AuditEvent.objects.visible_to(user).select_related("actor", "content_type")


@require_safe
@login_required
def audit_list(request):
    audit_filter = filter_form(AuditEventFilter(request.GET or None, queryset=_audit_queryset(request.user)))
    page = paginate(request, audit_filter.qs)
    _with_changes(page.object_list)
    return render(
        request,
        "organizations/audit_list.html",
        {"filter": audit_filter, "page": page, "result_count": page.paginator.count},
    )


@require_safe
@login_required
def company_audit(request, pk):
    principal = principal_for(request.user)
    company = _visible_company(request, pk)
    _require_operator_side(
        principal, _("기업의 감사 기록은 운영기관 담당자와 플랫폼 관리자만 볼 수 있습니다.")
    )
    page = paginate(request, _audit_queryset(request.user).filter(company=company))
    _with_changes(page.object_list)
    return render(
        request,
        "organizations/company_audit.html",
        {"company": company, "page": page, "result_count": page.paginator.count},
    )


# --- operators --------------------------------------------------------------------------------


@require_safe
@login_required
def my_operator(request):
    principal = principal_for(request.user)
    operators = list(Operator.objects.visible_to(request.user).filter(pk__in=principal.operator_ids))
    if not operators:
        raise Http404
    if len(operators) == 1:
        return redirect("organizations:operator-detail", pk=operators[0].pk)
    return render(request, "organizations/operator_list.html", {"operators": operators})


@require_safe
@login_required
def operator_detail(request, pk):
    operator = get_object_or_404(
        Operator.objects.visible_to(request.user)
        .select_related("region")
        .prefetch_related("regions_covered"),
        pk=pk,
    )
    members = (
        Membership.objects.visible_to(request.user)
        .filter(operator=operator, is_active=True)
        .select_related("user")
        .order_by("role", "user__full_name", "pk")
    )
    return render(request, "organizations/operator_detail.html", {"operator": operator, "members": members})


# --- error pages ------------------------------------------------------------------------------


def permission_denied(request, exception=None):
    reason = str(exception) if exception is not None and str(exception) else ""
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


# The access walk (tests/test_access_walk.py) reads which model each object URL refers to.
company_detail.sfms_model = Company
company_edit.sfms_model = Company
company_audit.sfms_model = Company
operator_detail.sfms_model = Operator
level_assessment_add.sfms_model = Company
level_assessment_report.sfms_model = LevelAssessment
level_assessment_withdraw.sfms_model = LevelAssessment
