"""Sanctions pages (under /sanctions/).

- Operator staff: restrictions their operator imposed and repayment orders for their calls'
  projects, with forms to impose a restriction, mark a project abandoned and order a repayment;
  a restriction's page (lift it early) and an order's page (record repayments).
- Company members: their company's restrictions and the repayment orders of projects it leads.

Thin: every object is looked up inside `visible_to(user)` (missing and foreign look the same:
404); every write goes through `sanctions.services`; a refusal comes back as the error summary with
the service's words (nothing changed). Success is POST → redirect → GET.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from monitoring.querysets import CALL_STAFF_ROLES
from monitoring.views import _call, _form_errors, _service_error, _status_for
from organizations.access import principal_for
from organizations.models_roles import Role

from . import services
from .forms import AbandonForm, OrderForm, ReasonForm, RepaymentForm, RestrictionForm
from .models import OrderStatus, ProjectAbandonment, Repayment, RepaymentOrder, Restriction

T = "sanctions/"


def _is_staff(principal):
    return principal.is_platform_admin or bool(principal.operator_ids_with(*CALL_STAFF_ROLES))


def _orders(qs):
    return (
        qs.select_related("project__lead", "project__submission")
        .defer("project__submission__snapshot")
        .prefetch_related(
            Prefetch("repayments", queryset=Repayment.objects.unrestricted().order_by("paid_on", "pk"))
        )
    )


def _with_totals(orders):
    for order in orders:
        order.repaid = sum(r.amount for r in order.repayments.all())
        order.outstanding = order.amount - order.repaid
    return orders


def _state(restriction, today):
    if restriction.lifted_on is not None and restriction.lifted_on <= today:
        return "lifted"
    if restriction.is_active_on(today):
        return "active"
    return "pending" if restriction.starts_on > today else "ended"


def _mark_active(restrictions):
    today = timezone.localdate()
    for r in restrictions:
        r.state = _state(r, today)
    return restrictions


def _home(request, *, errors=(), status=200, **forms):
    user = request.user
    operators = services.operators_for(user).order_by("name_ko")
    restrictions = _mark_active(
        list(Restriction.objects.imposed_by(user).select_related("company", "operator", "project"))
    )
    orders = _with_totals(list(_orders(RepaymentOrder.objects.run_by(user))))
    abandonments = list(
        ProjectAbandonment.objects.filter(project__in=services.Project.objects.run_by(user).values("pk"))
        .select_related("project__lead", "recorded_by")
        .order_by("-recorded_at")[:20]
    )
    context = {
        "restrictions": restrictions,
        "orders": orders,
        "abandonments": abandonments,
        "restriction_form": forms.get("restriction_form")
        or RestrictionForm(user=user, operators=operators, prefix="restriction"),
        "abandon_form": forms.get("abandon_form") or AbandonForm(user=user, prefix="abandon"),
        "order_form": forms.get("order_form") or OrderForm(user=user, prefix="order"),
        "error_items": list(errors),
    }
    return render(request, T + "operator_home.html", context, status=status)


def _mine(request):
    user = request.user
    p = principal_for(user)
    restrictions = _mark_active(
        list(
            Restriction.objects.visible_to(user)
            .filter(company_id__in=p.company_ids)
            .select_related("company", "operator")
        )
    )
    orders = _with_totals(list(_orders(RepaymentOrder.objects.visible_to(user))))
    return render(request, T + "mine.html", {"restrictions": restrictions, "orders": orders})


@require_safe
@login_required
def home(request):
    """Staff of an operator manage sanctions here; a company's members see their own."""
    if _is_staff(principal_for(request.user)):
        return _home(request)
    return _mine(request)


@require_safe
@login_required
def mine(request):
    return _mine(request)


def _staff_or_403(request):
    from django.core.exceptions import PermissionDenied

    if not _is_staff(principal_for(request.user)):
        raise PermissionDenied(_("운영기관의 관리자나 담당자만 할 수 있습니다."))


@require_POST
@login_required
def restriction_add(request):
    _staff_or_403(request)
    operators = services.operators_for(request.user).order_by("name_ko")
    form = RestrictionForm(request.POST, user=request.user, operators=operators, prefix="restriction")
    if not form.is_valid():
        return _home(request, errors=_form_errors(form), status=400, restriction_form=form)
    data = form.cleaned_data
    restriction, exc = _call(
        services.restriction_impose,
        request.user,
        operator=data["operator"],
        company=form.company,
        project=data["project"],
        reason_kind=data["reason_kind"],
        reason=data["reason"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
    )
    if exc is not None:
        return _home(
            request, errors=_service_error(exc, form), status=_status_for(exc), restriction_form=form
        )
    messages.success(
        request,
        _("%(company)s에 %(end)s까지 사업 참여 제한을 처분했습니다.")
        % {"company": restriction.company.name, "end": restriction.ends_on.isoformat()},
    )
    return redirect("sanctions:restriction-detail", restriction.pk)


@require_POST
@login_required
def abandon(request):
    _staff_or_403(request)
    form = AbandonForm(request.POST, user=request.user, prefix="abandon")
    if not form.is_valid():
        return _home(request, errors=_form_errors(form), status=400, abandon_form=form)
    record, exc = _call(
        services.project_abandon,
        request.user,
        form.cleaned_data["project"],
        reason=form.cleaned_data["reason"],
    )
    if exc is not None:
        return _home(request, errors=_service_error(exc, form), status=_status_for(exc), abandon_form=form)
    messages.success(
        request, _("'%(title)s' 과제를 중도 포기로 처리했습니다.") % {"title": record.project.title}
    )
    return redirect(reverse("sanctions:home") + "#abandonments")


@require_POST
@login_required
def order_add(request):
    _staff_or_403(request)
    form = OrderForm(request.POST, user=request.user, prefix="order")
    if not form.is_valid():
        return _home(request, errors=_form_errors(form), status=400, order_form=form)
    data = form.cleaned_data
    order, exc = _call(
        services.repayment_order_create,
        request.user,
        data["project"],
        amount=data["amount"],
        due_on=data["due_on"],
        reason=data["reason"],
    )
    if exc is not None:
        return _home(request, errors=_service_error(exc, form), status=_status_for(exc), order_form=form)
    messages.success(request, _("환수 명령(%(amount)s원)을 등록했습니다.") % {"amount": f"{order.amount:,}"})
    return redirect("sanctions:order-detail", order.pk)


# --- one restriction -----------------------------------------------------------------------------


def _restriction_page(request, restriction, *, errors=(), status=200, lift_form=None):
    p = principal_for(request.user)
    restriction.state = _state(restriction, timezone.localdate())
    may_lift = (
        (p.is_platform_admin or restriction.operator_id in p.operator_ids_with(*CALL_STAFF_ROLES))
        and restriction.lifted_on is None
        and restriction.ends_on >= timezone.localdate()
    )
    return render(
        request,
        T + "restriction_detail.html",
        {
            "restriction": restriction,
            "may_lift": may_lift,
            "lift_form": lift_form or ReasonForm(prefix="lift"),
            "error_items": list(errors),
            "back": reverse("sanctions:home"),
        },
        status=status,
    )


def _restriction(request, pk):
    qs = Restriction.objects.visible_to(request.user).select_related(
        "company", "operator", "project", "imposed_by", "lifted_by"
    )
    return get_object_or_404(qs, pk=pk)


@require_safe
@login_required
def restriction_detail(request, pk):
    return _restriction_page(request, _restriction(request, pk))


@require_POST
@login_required
def restriction_lift(request, pk):
    restriction = _restriction(request, pk)
    form = ReasonForm(request.POST, prefix="lift")
    if not form.is_valid():
        return _restriction_page(request, restriction, errors=_form_errors(form), status=400, lift_form=form)
    _done, exc = _call(
        services.restriction_lift, request.user, restriction, reason=form.cleaned_data["reason"]
    )
    if exc is not None:
        restriction = _restriction(request, pk)
        return _restriction_page(
            request, restriction, errors=_service_error(exc, form), status=_status_for(exc), lift_form=form
        )
    messages.success(request, _("참여 제한을 해제했습니다."))
    return redirect("sanctions:restriction-detail", restriction.pk)


# --- one repayment order -------------------------------------------------------------------------


def _order(request, pk):
    qs = _orders(RepaymentOrder.objects.visible_to(request.user)).select_related(
        "project__call", "ordered_by"
    )
    order = get_object_or_404(qs, pk=pk)
    _with_totals([order])
    return order


def _order_page(request, order, *, errors=(), status=200, repayment_form=None):
    p = principal_for(request.user)
    may_record = order.status == OrderStatus.OPEN and (
        p.is_platform_admin or order.project.call.operator_id in p.operator_ids_with(*CALL_STAFF_ROLES)
    )
    return render(
        request,
        T + "order_detail.html",
        {
            "order": order,
            "project": order.project,
            "may_record": may_record,
            "repayment_form": repayment_form or RepaymentForm(prefix="repayment"),
            "error_items": list(errors),
            "is_lead": order.project.lead_id in p.company_ids_with(Role.SME_MEMBER),
        },
        status=status,
    )


@require_safe
@login_required
def order_detail(request, pk):
    return _order_page(request, _order(request, pk))


@require_POST
@login_required
def repayment_add(request, pk):
    order = _order(request, pk)
    form = RepaymentForm(request.POST, prefix="repayment")
    if not form.is_valid():
        return _order_page(request, order, errors=_form_errors(form), status=400, repayment_form=form)
    data = form.cleaned_data
    _done, exc = _call(
        services.repayment_record,
        request.user,
        order,
        amount=data["amount"],
        paid_on=data["paid_on"],
        note=data["note"],
    )
    if exc is not None:
        return _order_page(
            request, order, errors=_service_error(exc, form), status=_status_for(exc), repayment_form=form
        )
    messages.success(
        request, _("환수금 납부 %(amount)s원을 기록했습니다.") % {"amount": f"{data['amount']:,}"}
    )
    return redirect("sanctions:order-detail", order.pk)


# The access walk (tests/test_access_walk.py) reads which model each object URL refers to.
for _view, _model in (
    (restriction_detail, Restriction),
    (restriction_lift, Restriction),
    (order_detail, RepaymentOrder),
    (repayment_add, RepaymentOrder),
):
    _view.sfms_model = _model
