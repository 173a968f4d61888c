"""Clarification threads, for both sides: call staff or a regional centre ask (with a reply deadline
and, optionally, a document they need); the applicant answers in the thread, uploading the requested
document even after the call has closed; staff close the thread. Every message is kept.

Objects are resolved inside `Clarification.objects.visible_to(user)` (asking: inside the
applications the user handles); the services decide who may write and turn refusals into messages.
"""

import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from organizations.access import principal_for
from organizations.errors import AccessDenied, DomainError
from organizations.forms import required
from organizations.models import Membership, Role
from organizations.pages import paginate
from organizations.uploads import CheckedFileField
from programs.forms_operator import TextDateField, TextTimeField
from programs.models import DocumentKind

from . import services
from .models import Application, Clarification, ClarificationStatus
from .querysets import CALL_STAFF_ROLES
from .views_operator import (
    deadline_state,
    denied,
    form_error,
    handled_applications,
    operator_side_required,
    render_with_errors,
)

KST = ZoneInfo("Asia/Seoul")
DEFAULT_REPLY_DAYS = 7


# --- forms ---------------------------------------------------------------------------------------


class AskForm(forms.Form):
    subject = forms.CharField(
        label=gettext_lazy("제목"),
        max_length=200,
        help_text=gettext_lazy("예: 납세증명서 누락, 하드웨어 항목 견적 확인"),
        error_messages=required(gettext_lazy("제목을 입력해 주십시오.")),
    )
    body = forms.CharField(
        label=gettext_lazy("요청 내용"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("무엇이 부족하거나 불분명한지, 어떻게 보완하면 되는지 적어 주십시오."),
        error_messages=required(gettext_lazy("요청 내용을 입력해 주십시오.")),
        max_length=8000,
    )
    reply_by_date = TextDateField(
        label=gettext_lazy("답변 기한 날짜"),
        help_text=gettext_lazy("예: 2026. 3. 15."),
        error_messages=required(gettext_lazy("답변 기한 날짜를 입력해 주십시오.")),
    )
    reply_by_time = TextTimeField(
        label=gettext_lazy("답변 기한 시각"),
        help_text=gettext_lazy("24시간제, 예: 18:00"),
        error_messages=required(gettext_lazy("답변 기한 시각을 입력해 주십시오.")),
    )
    requested_document = forms.ChoiceField(
        label=gettext_lazy("요청 서류"),
        required=False,
        choices=[("", gettext_lazy("요청하지 않음")), *DocumentKind.choices],
        help_text=gettext_lazy("서류를 요청하면 신청기업은 접수 마감 뒤에도 그 서류를 올릴 수 있습니다."),
    )

    def reply_by(self):
        day, time = self.cleaned_data["reply_by_date"], self.cleaned_data["reply_by_time"]
        return timezone.make_aware(datetime.datetime.combine(day, time), KST)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("답변 내용"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=8000,
    )

    def __init__(self, *args, document_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if document_label:
            self.fields["document"] = CheckedFileField(
                label=_("%(kind)s 파일") % {"kind": document_label}, required=False
            )


# --- helpers -------------------------------------------------------------------------------------


def _visible(request, pk):
    return get_object_or_404(
        Clarification.objects.visible_to(request.user).select_related(
            "application__lead", "application__call", "operator", "asked_by"
        ),
        pk=pk,
    )


def _roles(user, clarification):
    """(may answer as the applicant, acts as staff) for this thread."""
    p = principal_for(user)
    application = clarification.application
    applicant = application.lead_id in p.company_ids_with(Role.SME_MEMBER)
    staff = p.is_platform_admin or (
        not applicant
        and (
            clarification.operator_id in p.operator_ids
            or application.call.operator_id in p.operator_ids_with(*CALL_STAFF_ROLES)
        )
    )
    return applicant, staff


def _upload_offered(clarification, applicant):
    """The requested document can be uploaded until staff close the thread, also after an answer
    (services.document_add refuses only a closed thread)."""
    return (
        applicant
        and bool(clarification.requested_document)
        and clarification.status != ClarificationStatus.CLOSED
    )


def _reply_form(clarification, applicant, data=None, files=None):
    label = (
        clarification.get_requested_document_display() if _upload_offered(clarification, applicant) else None
    )
    return ReplyForm(data, files, document_label=label)


def _thread_context(request, clarification, reply_form=None):
    applicant, staff = _roles(request.user, clarification)
    thread = list(clarification.messages.select_related("author", "document").order_by("created_at", "pk"))
    authors = {m.author_id for m in thread}
    applicant_authors = set(
        Membership.objects.unrestricted()
        .filter(
            user_id__in=authors,
            company_id=clarification.application.lead_id,
            role=Role.SME_MEMBER,
            is_active=True,
        )
        .values_list("user_id", flat=True)
    )
    for message in thread:
        message.from_applicant = message.author_id in applicant_authors
    label, late = deadline_state(clarification.reply_by, clarification.status)
    open_thread = clarification.status != ClarificationStatus.CLOSED
    can_reply = open_thread and (applicant or staff)
    return {
        "clarification": clarification,
        "application": clarification.application,
        "thread": thread,
        "deadline_label": label,
        "late": late,
        "is_applicant": applicant,
        "is_staff": staff,
        "reply_form": (reply_form or _reply_form(clarification, applicant)) if can_reply else None,
        "can_close": open_thread and staff,
        "application_url": reverse("applications:operator-detail", args=[clarification.application_id])
        if staff
        else None,
    }


# --- pages ---------------------------------------------------------------------------------------


@require_safe
@login_required
def clarification_list(request):
    """The clarifications a person can read: an applicant's own, or those on applications staff handle."""
    queryset = (
        Clarification.objects.visible_to(request.user)
        .select_related("application__lead", "operator")
        .annotate(message_count=Count("messages"))
        .order_by("status", "reply_by", "-pk")
    )
    status = request.GET.get("status", "")
    if status in ClarificationStatus.values:
        queryset = queryset.filter(status=status)
    page = paginate(request, queryset)
    now = timezone.now()
    for c in page.object_list:
        c.deadline_label, c.late = deadline_state(c.reply_by, c.status, now)
    return render(
        request,
        "applications/clarifications/clarification_list.html",
        {
            "page": page,
            "result_count": page.paginator.count,
            "status": status,
            "statuses": ClarificationStatus.choices,
        },
    )


@require_safe
@login_required
def clarification_detail(request, pk):
    clarification = _visible(request, pk)
    return render(
        request,
        "applications/clarifications/clarification_detail.html",
        _thread_context(request, clarification),
    )


@require_POST
@login_required
def clarification_reply(request, pk):
    clarification = _visible(request, pk)
    applicant, staff = _roles(request.user, clarification)
    if clarification.status == ClarificationStatus.CLOSED and (applicant or staff):
        messages.error(request, _("종료된 보완 요청입니다. 더는 답변할 수 없습니다."))
        return redirect("applications:clarification-detail", pk=clarification.pk)
    form = _reply_form(clarification, applicant, request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data.get("document")
        try:
            with transaction.atomic():  # the file and the message that carries it, or neither
                document = None
                if upload:
                    document = services.document_add(
                        request.user,
                        clarification.application,
                        kind=clarification.requested_document,
                        file=upload,
                        original_name=upload.original_name,
                        clarification=clarification,
                    )
                services.clarification_reply(
                    request.user, clarification, body=form.cleaned_data["body"], document=document
                )
        except AccessDenied as exc:
            raise denied(exc) from exc
        except DomainError as exc:
            if "document" in form.fields and getattr(exc, "field", None) in ("kind", None) and upload:
                form.add_error("document", str(exc.message))
            else:
                form_error(form, exc)
        else:
            messages.success(request, _("답변을 등록했습니다."))
            return redirect("applications:clarification-detail", pk=clarification.pk)
    return render_with_errors(
        request,
        "applications/clarifications/clarification_detail.html",
        _thread_context(request, clarification, reply_form=form),
        form,
    )


@require_POST
@login_required
def clarification_close(request, pk):
    clarification = _visible(request, pk)
    try:
        services.clarification_close(request.user, clarification)
    except AccessDenied as exc:
        raise denied(exc) from exc
    messages.success(request, _("보완 요청을 종료했습니다. 더는 답변을 받지 않습니다."))
    return redirect("applications:clarification-detail", pk=clarification.pk)


@require_http_methods(["GET", "POST"])
@operator_side_required
def clarification_ask(request, pk):
    application = get_object_or_404(
        handled_applications(request.user).select_related("lead", "call", "track"), pk=pk
    )
    default_day = timezone.localdate() + datetime.timedelta(days=DEFAULT_REPLY_DAYS)
    form = AskForm(
        request.POST if request.method == "POST" else None,
        initial={"reply_by_date": default_day, "reply_by_time": datetime.time(18, 0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            clarification = services.clarification_ask(
                request.user,
                application,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                reply_by=form.reply_by(),
                requested_document=form.cleaned_data["requested_document"],
            )
        except AccessDenied as exc:
            raise denied(exc) from exc
        except DomainError as exc:
            if getattr(exc, "field", None) == "reply_by":
                form.add_error("reply_by_date", str(exc.message))
            else:
                form_error(form, exc)
        else:
            messages.success(request, _("보완 요청을 보냈습니다. 신청기업 담당자에게 알림이 갑니다."))
            return redirect("applications:clarification-detail", pk=clarification.pk)
    return render_with_errors(
        request,
        "applications/clarifications/clarification_ask.html",
        {"application": application, "ask_form": form},
        form,
    )


for _view, _model in (
    (clarification_detail, Clarification),
    (clarification_reply, Clarification),
    (clarification_close, Clarification),
    (clarification_ask, Application),
):
    _view.sfms_model = _model
