"""Template helpers for the page shell and GOV.UK-style forms (error summary, accessible widgets)."""

from django import template
from django.conf import settings
from django.forms import CheckboxInput, RadioSelect
from django.utils.translation import gettext_lazy as _

register = template.Library()

DEFAULT_HELP = {
    "phone": "1588-0000",
    "email": "help@sfms.example.kr",
    "hours": _("평일 09:00~18:00, 공휴일 제외"),
}


@register.simple_tag
def help_contact():
    """Help-desk contact shown in the footer and on error pages (settings.SFMS_HELP_CONTACT overrides)."""
    return {**DEFAULT_HELP, **getattr(settings, "SFMS_HELP_CONTACT", {})}


@register.simple_tag
def is_current(path, url):
    """True when the menu item `url` is the page at `path` (home only on an exact match)."""
    if url == "/":
        return path == "/"
    return path == url or path.startswith(url)


def _described_by(bound_field):
    ids = []
    if bound_field.help_text:
        ids.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        ids.append(f"{bound_field.auto_id}-error")
    return " ".join(ids)


@register.simple_tag
def field_widget(bound_field, extra_class=""):
    """Render a widget with aria-describedby (hint, error) and aria-invalid when it has errors."""
    widget = bound_field.field.widget
    # Validation happens on the server only (GOV.UK pattern): never emit the `required` attribute.
    bound_field.form.use_required_attribute = False
    attrs = {}
    described = _described_by(bound_field)
    if described:
        attrs["aria-describedby"] = described
    if bound_field.errors:
        attrs["aria-invalid"] = "true"
    if not isinstance(widget, CheckboxInput | RadioSelect):
        css = "krds-select" if bound_field.widget_type == "select" else "krds-input"
        if bound_field.errors:
            css += " is-error"
        attrs["class"] = " ".join(filter(None, [css, widget.attrs.get("class", ""), extra_class]))
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag
def error_summary_items(form):
    """(anchor id, message) pairs in field order, non-field errors first, linked to the first field."""
    if form is None or not form.errors:
        return []
    fields = list(form)
    items = []
    for message in form.non_field_errors():
        anchor = fields[0].auto_id if fields else ""
        items.append((anchor, message))
    for bound in fields:
        for message in bound.errors:
            anchor = bound.auto_id
            if bound.widget_type in ("radioselect", "checkboxselectmultiple"):
                anchor = f"{bound.auto_id}_0"
            elif hasattr(bound.field, "error_part"):  # a date in three parts: the wrong part
                anchor = f"{bound.auto_id}_{bound.field.error_part or 0}"
            items.append((anchor, message))
    return items


@register.simple_tag
def date_input_parts(bound_field):
    """The three inputs (연/월/일) of a DatePartsField, for includes/date_input.html."""
    from organizations.forms import date_parts

    return date_parts(bound_field)
