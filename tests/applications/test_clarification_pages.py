"""Clarification pages for both sides: staff ask (GOV.UK errors, nothing stored on an error), the
applicant reads the thread with its deadline, answers with the requested document even after the
call has closed, and nothing more is accepted once staff close the thread."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import (
    ApplicationDocument,
    Clarification,
    ClarificationMessage,
    ClarificationStatus,
)
from organizations.models import Notification, Operator, Role
from programs.models import Call
from tests import factories
from tests.html import h1, summary, text, title

pytestmark = pytest.mark.django_db

LIST = reverse("applications:clarification-list")


@pytest.fixture
def call(operator):
    call = factories.make_call(operator, status="open", opens_in_days=-1, closes_in_days=10)
    factories.make_required_documents(call, advancement=())
    return call


@pytest.fixture
def staff(operator):
    return factories.make_member(Role.OPERATOR_STAFF, operator=operator, full_name="박운영")


@pytest.fixture
def sme_user(company):
    return factories.make_member(Role.SME_MEMBER, company=company, full_name="김신청")


@pytest.fixture
def submitted(call, company, sme_user, supplier):
    track = factories.make_track(call, "basic")
    application = factories.make_application(track, company, sme_user, supplier=supplier)
    services.application_submit(sme_user, application)
    application.refresh_from_db()
    return application


def ask_url(application):
    return reverse("applications:clarification-ask", args=[application.pk])


def thread_url(clarification):
    return reverse("applications:clarification-detail", args=[clarification.pk])


def reply_url(clarification):
    return reverse("applications:clarification-reply", args=[clarification.pk])


def ask(staff, application, *, requested_document="tax_clearance", days=3):
    return services.clarification_ask(
        staff,
        application,
        subject="납세증명서 누락",
        body="납세증명서를 올려 주십시오.",
        reply_by=timezone.now() + datetime.timedelta(days=days),
        requested_document=requested_document,
    )


def pdf(name="납세증명서.pdf"):
    return SimpleUploadedFile(name, factories.PDF_BYTES, content_type="application/pdf")


def test_staff_ask_errors_then_a_good_request_reaches_the_applicant(client, staff, submitted, sme_user):
    client.force_login(staff)
    page = client.get(ask_url(submitted))
    assert page.status_code == 200 and h1(page) == "보완 요청"
    default_day = timezone.localdate() + datetime.timedelta(days=7)
    assert f'value="{default_day.year}. {default_day.month}. {default_day.day}."' in page.content.decode()

    response = client.post(
        ask_url(submitted), {"subject": "", "body": "", "reply_by_date": "어제", "reply_by_time": "25:00"}
    )
    assert summary(response) == [
        "제목을 입력해 주십시오.",
        "요청 내용을 입력해 주십시오.",
        "날짜를 2027. 3. 15. 형식으로 입력해 주십시오.",
        "시각을 24시간제 09:00 형식으로 입력해 주십시오.",
    ]
    assert title(response).startswith("오류: ")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(
        ask_url(submitted),
        {
            "subject": "누락",
            "body": "올려 주십시오.",
            "reply_by_date": f"{yesterday:%Y.%m.%d}",
            "reply_by_time": "18:00",
        },
    )
    assert summary(response) == ["답변 기한은 지금보다 뒤여야 합니다."]
    assert (
        'id="id_reply_by_date" aria-describedby="id_reply_by_date-hint id_reply_by_date-error"'
        in (response.content.decode())
        or "id_reply_by_date-error" in response.content.decode()
    )
    assert not Clarification.objects.exists()

    day = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        ask_url(submitted),
        {
            "subject": "납세증명서 누락",
            "body": "납세증명서를 올려 주십시오.",
            "reply_by_date": f"{day:%Y. %m. %d.}",
            "reply_by_time": "18:00",
            "requested_document": "tax_clearance",
        },
    )
    clarification = Clarification.objects.get()
    assert response.status_code == 302 and response["Location"] == thread_url(clarification)
    local = timezone.localtime(clarification.reply_by)
    assert (local.date(), local.hour, local.minute) == (day, 18, 0)
    assert clarification.requested_document == "tax_clearance" and clarification.asked_by == staff
    assert Notification.objects.filter(recipient=sme_user, subject__contains="보완 요청").exists()
    thread = text(client.get(thread_url(clarification)))
    assert "D-3" in thread and "납세증명서를 올려 주십시오." in thread and "박운영" in thread
    assert "보완 요청 종료" in thread and "메시지 추가" in thread
    detail = text(client.get(reverse("applications:operator-detail", args=[submitted.pk])))
    assert "납세증명서 누락" in detail and "답변 대기" in detail


def test_ask_is_refused_to_firms_and_404_for_other_operators(client, submitted, sme_user, other_operator):
    assert client.get(ask_url(submitted)).status_code == 302  # to the login page
    client.force_login(sme_user)
    assert client.post(ask_url(submitted), {"subject": "x"}).status_code == 403
    client.force_login(factories.make_member(Role.OPERATOR_STAFF, operator=other_operator))
    assert client.post(ask_url(submitted), {"subject": "x"}).status_code == 404
    assert not Clarification.objects.exists()


def test_a_centre_covering_the_firm_may_ask(client, submitted, company):
    centre = factories.make_operator("경기센터", kind=Operator.Kind.REGIONAL_CENTRE, region_code="41")
    centre.regions_covered.set([company.region_id])
    client.force_login(factories.make_member(Role.CENTRE_STAFF, operator=centre))
    day = timezone.localdate() + datetime.timedelta(days=2)
    response = client.post(
        ask_url(submitted),
        {
            "subject": "예산 확인",
            "body": "하드웨어 견적을 설명해 주십시오.",
            "reply_by_date": f"{day:%Y-%m-%d}",
            "reply_by_time": "9:00",
        },
    )
    assert response.status_code == 302
    assert Clarification.objects.get().operator == centre


def test_applicant_answers_with_the_requested_document_after_the_call_closed(
    client, staff, submitted, sme_user
):
    clarification = ask(staff, submitted)
    Call.objects.filter(pk=submitted.call_id).update(
        status="closed", closes_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(sme_user)
    listing = text(client.get(LIST))
    assert "납세증명서 누락" in listing and "답변 대기" in listing and "D-3" in listing
    page = client.get(thread_url(clarification))
    assert h1(page) == "납세증명서 누락"
    assert "납세증명서 파일" in text(page) and 'enctype="multipart/form-data"' in page.content.decode()

    bad = SimpleUploadedFile("납세.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(reply_url(clarification), {"body": "올립니다.", "document": bad})
    assert response.status_code == 200 and summary(response)[0].startswith("선택한 파일의 내용이")
    assert not ApplicationDocument.objects.filter(clarification=clarification).exists()
    assert clarification.messages.count() == 1

    response = client.post(reply_url(clarification), {"body": "납세증명서를 올립니다.", "document": pdf()})
    assert response.status_code == 302
    document = ApplicationDocument.objects.get(clarification=clarification)
    assert (document.kind, document.original_name, document.uploaded_by) == (
        "tax_clearance",
        "납세증명서.pdf",
        sme_user,
    )
    message = clarification.messages.order_by("pk").last()
    assert (message.body, message.document, message.author) == ("납세증명서를 올립니다.", document, sme_user)
    clarification.refresh_from_db()
    assert clarification.status == ClarificationStatus.ANSWERED
    thread = client.get(thread_url(clarification))
    assert reverse("applications:document-download", args=[document.pk]) in thread.content.decode()
    assert "김신청" in text(thread)

    client.force_login(staff)
    detail = client.get(reverse("applications:operator-detail", args=[submitted.pk]))
    assert "보완 요청으로 받은 서류" in text(detail) and "납세증명서.pdf" in text(detail)


def test_reply_needs_words_or_a_file_and_a_closed_thread_takes_nothing(client, staff, submitted, sme_user):
    clarification = ask(staff, submitted, requested_document="")
    client.force_login(sme_user)
    page = client.get(thread_url(clarification))
    assert "납세증명서 파일" not in text(page), "no upload when no document was asked for"
    response = client.post(reply_url(clarification), {"body": "  "})
    assert summary(response) == ["답변 내용을 입력해 주십시오."]
    assert client.post(reply_url(clarification), {"body": "확인했습니다."}).status_code == 302

    client.force_login(staff)
    response = client.post(reverse("applications:clarification-close", args=[clarification.pk]))
    assert response.status_code == 302
    clarification.refresh_from_db()
    assert clarification.status == ClarificationStatus.CLOSED

    client.force_login(sme_user)
    page = text(client.get(thread_url(clarification)))
    assert "종료된 보완 요청입니다. 더는 답변할 수 없습니다." in page and "답변 등록" not in page
    before = ClarificationMessage.objects.count()
    response = client.post(reply_url(clarification), {"body": "추가로 보냅니다."}, follow=True)
    assert "종료된 보완 요청입니다. 더는 답변할 수 없습니다." in text(response)
    assert ClarificationMessage.objects.count() == before
    assert (
        client.post(reverse("applications:clarification-close", args=[clarification.pk])).status_code == 403
    )


def test_late_upload_refused_once_the_thread_is_closed(client, staff, submitted, sme_user):
    clarification = ask(staff, submitted)
    services.clarification_close(staff, clarification)
    client.force_login(sme_user)
    page = text(client.get(thread_url(clarification)))
    assert "납세증명서 파일" not in page
    response = client.post(reply_url(clarification), {"body": "늦었지만 올립니다.", "document": pdf()})
    assert response.status_code == 302
    assert clarification.messages.count() == 1
    assert not ApplicationDocument.objects.filter(clarification=clarification).exists()


def test_deadline_passed_is_shown_and_a_late_answer_is_marked(client, staff, submitted, sme_user):
    clarification = ask(staff, submitted, requested_document="")
    Clarification.objects.filter(pk=clarification.pk).update(
        reply_by=timezone.now() - datetime.timedelta(hours=2)
    )
    client.force_login(sme_user)
    page = text(client.get(thread_url(clarification)))
    assert "기한 지남" in page and "답변 기한이 지났습니다." in page
    assert "기한 지남" in text(client.get(LIST))
    client.post(reply_url(clarification), {"body": "늦어서 죄송합니다."})
    assert "기한 후 답변" in text(client.get(thread_url(clarification)))


def test_who_reads_and_who_writes_a_thread(client, staff, submitted, supplier):
    clarification = ask(staff, submitted)
    stranger = factories.make_member(Role.SME_MEMBER, company=factories.make_company("남의기업"))
    client.force_login(stranger)
    assert client.get(thread_url(clarification)).status_code == 404
    assert client.post(reply_url(clarification), {"body": "x"}).status_code == 404
    assert "납세증명서 누락" not in text(client.get(LIST))
    # A consortium supplier reads the thread of its application but does not answer for the lead.
    supplier_user = factories.make_member(Role.SUPPLIER_MEMBER, company=supplier.company)
    client.force_login(supplier_user)
    page = text(client.get(thread_url(clarification)))
    assert "납세증명서 누락" in page and "답변 등록" not in page
    assert client.post(reply_url(clarification), {"body": "x"}).status_code == 403
    assert clarification.messages.count() == 1
