"""Downloads: the receipt PDF, the whole frozen application as PDF and zip, and single documents.

Every object is resolved inside `visible_to(request.user)` (missing and forbidden both answer 404);
copies are made from the submission's frozen snapshot only (`applications.documents`)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.views.decorators.http import require_safe

from . import documents as copies
from .models import ApplicationDocument, Submission


def _submission(request, pk):
    submission = (
        Submission.objects.visible_to(request.user).select_related("application").filter(pk=pk).first()
    )
    if submission is None or not copies.may_copy(request.user, submission):
        raise Http404
    return submission


@require_safe
@login_required
def receipt_pdf(request, pk):
    submission = _submission(request, pk)
    return copies.pdf_response(copies.receipt_pdf(submission), copies.copy_filename(submission, "접수증.pdf"))


@require_safe
@login_required
def copy_pdf(request, pk):
    submission = _submission(request, pk)
    return copies.pdf_response(
        copies.application_pdf(submission), copies.copy_filename(submission, "신청서.pdf")
    )


@require_safe
@login_required
def copy_zip(request, pk):
    submission = _submission(request, pk)
    return copies.zip_response(copies.copy_zip(submission), copies.copy_filename(submission, "신청서.zip"))


@require_safe
@login_required
def document_download(request, pk):
    document = ApplicationDocument.objects.visible_to(request.user).filter(pk=pk).first()
    if document is None:
        raise Http404
    return copies.document_response(document)


for _view in (receipt_pdf, copy_pdf, copy_zip):
    _view.sfms_model = Submission
document_download.sfms_model = ApplicationDocument
