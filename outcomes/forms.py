"""The values form of one moment. Fields are the indicators the user may enter now (`v<id>`), as
text: `outcomes.services.values_enter` judges each value through `monitoring.outcomes`, and its
messages come back on the fields."""

from django import forms
from django.utils.translation import gettext_lazy as _


def field_name(indicator):
    return f"v{indicator.pk}"


class ValuesForm(forms.Form):
    note = forms.CharField(
        label=_("증빙 메모"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("측정 방법과 증빙 자료(예: MES 월간 보고서 2025년 3월)를 적어 주십시오."),
    )

    def __init__(self, *args, indicators=(), required_ids=(), needs_reason=False, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for indicator in indicators:
            unit = f" ({indicator.unit})" if indicator.unit else ""
            required = indicator.pk in required_ids
            fields[field_name(indicator)] = forms.CharField(
                label=f"{indicator.name}{unit}",
                required=required,
                error_messages={"required": _("%(name)s의 값을 입력해 주십시오.") % {"name": indicator.name}},
                max_length=40,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
        fields["note"] = self.fields.pop("note")
        if needs_reason:
            fields["reason"] = forms.CharField(
                label=_("정정 사유"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("운영기관 담당자가 값을 입력하거나 고칠 때는 사유를 적어야 합니다."),
            )
        self.fields = fields

    def values(self):
        return {name[1:]: self.cleaned_data[name] for name in self.fields if name.startswith("v")}

    def add_service_errors(self, problems):
        """The service's {indicator id or field: message} on this form's fields."""
        for key, message in problems.items():
            name = f"v{key}" if key.isdigit() else key
            self.add_error(name if name in self.fields else None, message)
