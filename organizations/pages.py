"""Small helpers every app's pages share, so a filter form or a page of results looks and
behaves the same everywhere."""

from django import forms
from django.core.paginator import Paginator
from django.utils.translation import gettext as _

from .templatetags.sfms_format import lname

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
