"""Small helpers every app's pages share, so a filter form or a page of results looks and
behaves the same everywhere."""

from django import forms
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from .templatetags.sfms_format import lname
from .uploads import CONTENT_TYPE, extension_of, human_size

PAGE_SIZE = 20


def paginate(request, queryset, per_page=PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def filter_form(filterset):
    """GOV.UK-style select labels ("전체" instead of dashes) and names in the active language."""
    for field in filterset.form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            field.label_from_instance = lname
        if getattr(field, "empty_label", None) is None:
            continue
        field.empty_label = _("전체")
        if not isinstance(field, forms.ModelChoiceField):
            # django-filter's choice iterator was copied with the field: wrap the choices again.
            field.choices = [c for c in field.choices if c[0] != ""]
    return filterset


def file_response(fieldfile, filename):
    """A stored file as a download under the name the person gave it, or 404 when it is missing
    (never a 500). Callers look the record up inside `visible_to(user)` first."""
    if not fieldfile:
        raise Http404
    try:
        handle = fieldfile.open("rb")
    except OSError as exc:
        raise Http404 from exc
    ext = extension_of(filename) or extension_of(fieldfile.name)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=CONTENT_TYPE.get(ext, "application/octet-stream"),
    )


def file_label(fieldfile, name):
    """KRDS file-list style: "결과서.pdf [pdf, 17KB]"."""
    try:
        size = fieldfile.size if fieldfile else None
    except OSError:
        size = None
    ext = extension_of(name)
    details = ", ".join(filter(None, [ext, human_size(size)]))
    return f"{name} [{details}]" if details else name


def level_rows(assessments):
    """Ready a latest-first list of level assessments for the table: `in_force` on the one the
    company's level comes from (the first not withdrawn) and `report_label` for the download link.
    Returns the one in force, or None."""
    current = next((a for a in assessments if a.withdrawn_at is None), None)
    for a in assessments:
        a.in_force = a is current
        a.report_label = file_label(a.report, a.report_name)
    return current
