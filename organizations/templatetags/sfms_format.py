"""Korean display formats for money, business numbers and dates.

Dates: use ``{{ value|kdate }}`` / ``{{ value|kdatetime }}`` (or Django's ``|date`` with no
argument). Both follow ``FORMAT_MODULE_PATH`` (``sfms/formats/<lang>/formats.py``): Korean
"2026. 3. 7." and "2026. 3. 7. 15:20" (official style, 24-hour), English "7 Mar 2026" and
"7 Mar 2026, 15:20". Aware datetimes are shown in the current time zone (Asia/Seoul).
Never hand-write a date pattern in a template.
"""

import datetime

from django import template
from django.utils import formats, timezone, translation

from organizations.rules import format_business_number

register = template.Library()


def _english():
    return (translation.get_language() or "ko").lower().startswith("en")


def _as_int(value):
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@register.filter
def krw(value):
    """Whole won with thousands separators: "1,234,000원" (English: "KRW 1,234,000")."""
    amount = _as_int(value)
    if amount is None:
        return ""
    if _english():
        sign = "-" if amount < 0 else ""
        return f"{sign}KRW {abs(amount):,}"
    return f"{amount:,}원"


_KO_UNITS = ((10**12, "조"), (10**8, "억"), (10**4, "만"))


def _krw_short_ko(amount):
    sign = "-" if amount < 0 else ""
    rest = abs(amount)
    parts = []
    for size, unit in _KO_UNITS:
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count:,}{unit}")
    if rest or not parts:
        parts.append(f"{rest:,}원")
    else:
        parts.append("원")
    return sign + " ".join(parts)


def _trim(number):
    text = f"{number:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def _krw_short_en(amount):
    sign = "-" if amount < 0 else ""
    size = abs(amount)
    if size >= 10**12:
        return f"{sign}KRW {_trim(size / 10**12)} trillion"
    if size >= 10**9:
        return f"{sign}KRW {_trim(size / 10**9)} billion"
    if size >= 10**6:
        return f"{sign}KRW {_trim(size / 10**6)} million"
    return f"{sign}KRW {size:,}"


@register.filter
def krw_short(value):
    """Headline style with 만/억/조 units: "2억 3,500만 원" (English: "KRW 235 million")."""
    amount = _as_int(value)
    if amount is None:
        return ""
    return _krw_short_en(amount) if _english() else _krw_short_ko(amount)


@register.filter
def lname(obj):
    """A region's, KSIC division's or operator's name in the active language (Korean as fallback)."""
    if obj is None or obj == "":
        return ""
    name = getattr(obj, "name_ko", None)
    if name is None:
        return str(obj)
    if _english() and getattr(obj, "name_en", ""):
        name = obj.name_en
    code = getattr(obj, "code", "")
    if obj.__class__.__name__ == "KsicDivision" and code:
        return f"{code} {name}"
    return name


@register.filter
def bizno(value):
    """A business registration number as 123-45-67890."""
    if value is None:
        return ""
    return format_business_number(str(value))


@register.filter
def kdate(value):
    """A date in the active language's DATE_FORMAT (Korean "2026. 3. 7.")."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


@register.filter
def kdatetime(value):
    """A date and time in DATETIME_FORMAT (Korean "2026. 3. 7. 15:20"), in Asia/Seoul."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")
