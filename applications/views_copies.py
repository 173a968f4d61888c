"""Download views. NOT BUILT YET: each answers 404 until the copies work lands (issue 5, point 10)."""

from django.http import Http404

from .models import ApplicationDocument, Submission


def receipt_pdf(request, pk):
    raise Http404


def copy_pdf(request, pk):
    raise Http404


def copy_zip(request, pk):
    raise Http404


def document_download(request, pk):
    raise Http404


for _view in (receipt_pdf, copy_pdf, copy_zip):
    _view.sfms_model = Submission
document_download.sfms_model = ApplicationDocument
