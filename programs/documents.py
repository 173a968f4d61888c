"""How a call is presented: the words for its status, deadline, cost shares and rules (shared by the
detail page and the announcement PDF), the announcement PDF itself and the iCalendar feed."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import icalendar
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import SmartFactoryLevel
from organizations.templatetags.sfms_format import kdate, krw, krw_short, lname
from sfms.pdf import render_pdf

from . import eligibility
from .models import CallStatus, DocumentKind, FunderRole

SEOUL = ZoneInfo("Asia/Seoul")
WEEKDAYS_KO = "월화수목금토일"

PHASES = {
    CallStatus.DRAFT: ("draft", gettext_lazy("작성 중(비공개)")),
    CallStatus.PUBLISHED: ("upcoming", gettext_lazy("접수 예정")),
    CallStatus.OPEN: ("open", gettext_lazy("접수 중")),
    CallStatus.CLOSED: ("closed", gettext_lazy("마감")),
    CallStatus.EVALUATING: ("closed", gettext_lazy("마감")),
    CallStatus.CONCLUDED: ("closed", gettext_lazy("마감")),
    CallStatus.CANCELLED: ("cancelled", gettext_lazy("공고 취소")),
}

# The static "how to apply" steps shown on every call page and in the announcement.
APPLY_STEPS = (
    (
        gettext_lazy("신청 자격 확인"),
        gettext_lazy("공고의 신청 자격과 지원 유형을 확인하고, 자가진단으로 수준을 가늠합니다."),
    ),
    (
        gettext_lazy("공급기업 선정·컨소시엄 구성"),
        gettext_lazy(
            "등록된 공급기업과 구축 범위를 정하고 견적을 받습니다. 상생형은 대기업이 함께 참여합니다."
        ),
    ),
    (
        gettext_lazy("사업계획서 작성·서류 준비"),
        gettext_lazy("사업계획서와 제출 서류를 준비하고 분담금을 계산합니다."),
    ),
    (
        gettext_lazy("온라인 신청서 제출"),
        gettext_lazy("접수 마감 전에 SFMS에서 신청서를 제출하고 접수번호를 받습니다."),
    ),
    (
        gettext_lazy("자격 검토·평가"),
        gettext_lazy("운영기관이 신청 자격을 검토하고 평가위원이 사업계획을 평가합니다."),
    ),
    (
        gettext_lazy("선정·협약"),
        gettext_lazy("선정 결과를 알려 드리며, 선정 기업은 협약을 맺고 사업을 시작합니다."),
    ),
)


def _english():
    return (translation.get_language() or "ko").lower().startswith("en")


# --- words and numbers -----------------------------------------------------------------------------


def percent(rate) -> str:
    """A rate as a percentage without trailing zeros: Decimal("0.5") -> "50%", "0.125" -> "12.5%"."""
    shown = (Decimal(rate) * 100).quantize(Decimal("0.01")).normalize()
    return f"{shown:f}%"


def deadline_text(moment) -> str:
    """A date and time in Seoul; Korean adds the weekday: "2026. 12. 31.(목) 18:00"."""
    local = timezone.localtime(moment, SEOUL)
    if _english():
        return formats.date_format(local, "DATETIME_FORMAT")
    return f"{local.year}. {local.month}. {local.day}.({WEEKDAYS_KO[local.weekday()]}) {local:%H:%M}"


def days_left(call, today=None):
    """Calendar days (Seoul) until the deadline, or None once the call no longer takes applications."""
    if call.status not in (CallStatus.PUBLISHED, CallStatus.OPEN):
        return None
    today = today or timezone.localdate(timezone.now(), SEOUL)
    left = (timezone.localtime(call.closes_at, SEOUL).date() - today).days
    return left if left >= 0 else None


def dday_label(days):
    if days is None:
        return ""
    return "D-day" if days == 0 else f"D-{days}"


def level_label(level) -> str:
    return str(SmartFactoryLevel(level).label) if level in SmartFactoryLevel.values else str(level)


def _names(codes, table):
    english = _english()
    return ", ".join(table.get(code, (code, code))[1 if english else 0] or code for code in codes)


def _region_names(codes):
    return _names(codes, eligibility.REGION_NAMES)


def _ksic_names(codes):
    english = _english()
    out = []
    for code in codes:
        ko, en = eligibility.KSIC_NAMES.get(code, ("", ""))
        name = (en if english else ko) or ko
        out.append(f"{code} {name}".strip())
    return ", ".join(out)


def _document_names(kinds):
    return ", ".join(str(DocumentKind(k).label) if k in DocumentKind.values else k for k in kinds)


def _declaration_names(keys):
    index = 1 if _english() else 0
    return ", ".join(eligibility.DECLARATION_KINDS.get(k, (k, k))[index] for k in keys)


def _won(amount):
    return krw_short(amount)


def describe_rule(kind, params) -> str:
    """One eligibility rule in plain words, for applicants reading the announcement."""
    p = eligibility.validate_params(kind, params)
    if kind == "sme_size":
        limits = []
        if p["max_employees"] is not None:
            limits.append(_("상시 근로자 %(n)s명 이하") % {"n": f"{p['max_employees']:,}"})
        if p["max_revenue"] is not None:
            limits.append(_("연 매출액 %(amount)s 이하") % {"amount": _won(p["max_revenue"])})
        joiner = _(" 또는 ") if p["combine"] == "any" else _(" 그리고 ")
        text = _("중소기업이어야 합니다: %(limits)s.") % {"limits": joiner.join(limits) or _("업종별 기준")}
        caps = p["revenue_caps_by_sector"]
        if caps:
            listed = ", ".join(f"{_ksic_names([code])} {_won(cap)}" for code, cap in sorted(caps.items()))
            text += " " + _("업종별 매출액 상한: %(caps)s.") % {"caps": listed}
        return text
    if kind == "sector":
        if not p["allowed"]:
            return _("제조업(KSIC C10–C34) 기업이면 신청할 수 있습니다.")
        return _("다음 업종의 기업만 신청할 수 있습니다: %(list)s.") % {"list": _ksic_names(p["allowed"])}
    if kind == "region":
        if not p["allowed"]:
            return _("전국의 기업이 신청할 수 있습니다.")
        return _("다음 지역에 있는 기업만 신청할 수 있습니다: %(list)s.") % {
            "list": _region_names(p["allowed"])
        }
    if kind == "production_facility":
        return _("생산시설(공장)을 보유하고 있어야 합니다.")
    if kind == "minimum_level":
        if p["minimum"] == "none":
            text = _("현재 스마트공장 수준과 관계없이 신청할 수 있습니다.")
        else:
            text = _("현재 스마트공장 수준이 %(level)s 이상이어야 합니다.") % {
                "level": level_label(p["minimum"])
            }
        text += " " + _("사업은 현재보다 높은 수준을 목표로 해야 합니다.")
        if p["allow_fast_track"]:
            text += " " + _(
                "MES·ERP·데이터 수집 체계를 모두 갖춘 기업은 기초 수준으로 인정합니다(패스트트랙)."
            )
        if p["reapply_same_level"]:
            text += " " + _("현재 수준과 같은 수준의 유형에도 신청할 수 있습니다.")
        return text
    if kind == "required_documents":
        if not p["kinds"] and not p["advancement_kinds"]:
            return _("필수 서류가 없습니다.")
        text = _("필수 서류: %(list)s.") % {"list": _document_names(p["kinds"]) or _("없음")}
        if p["advancement_kinds"]:
            text += " " + _("고도화 유형(중간1 이상)은 추가로 제출: %(list)s.") % {
                "list": _document_names(p["advancement_kinds"])
            }
        return text
    if kind == "supplier_approved":
        return _("컨소시엄의 공급기업은 SFMS에 등록되어 승인을 받은 기업이어야 합니다.")
    if kind == "no_duplicate_support":
        if p["same_level"]:
            return _(
                "최근 %(years)s년 안에 같은 수준의 스마트공장 지원을 받은 기업은 신청할 수 없습니다."
            ) % {"years": p["years"]}
        return _("최근 %(years)s년 안에 스마트공장 지원을 받은 기업은 신청할 수 없습니다.") % {
            "years": p["years"]
        }
    if kind == "declarations":
        return _("신청할 때 다음 사항을 확인해야 합니다: %(list)s.") % {
            "list": _declaration_names(p["required"])
        }
    return str(kind)


def rule_label(kind) -> str:
    ko, en = eligibility.RULE_LABELS.get(kind) or eligibility.BUILTIN_LABELS.get(kind, (kind, kind))
    return en if _english() else ko


# --- a call, ready to show ----------------------------------------------------------------------


def localize_call(call, today=None):
    """Attach the display attributes the templates read (title, body, phase, D-day, track labels) in
    the active language. Works on prefetched calls without further queries."""
    english = _english()
    call.title = call.title_en if english and call.title_en else call.title_ko
    call.body = call.body_en if english and call.body_en.strip() else call.body_ko
    call.body_lang = "en" if english and call.body_en.strip() else "ko"
    call.phase, call.phase_label = PHASES.get(call.status, ("closed", call.get_status_display()))
    call.days_left = days_left(call, today)
    call.dday = dday_label(call.days_left)
    call.opens_text = deadline_text(call.opens_at)
    call.closes_text = deadline_text(call.closes_at)
    call.programme_name = (
        call.programme.name_en if english and call.programme.name_en else call.programme.name_ko
    )
    for track in call.tracks.all():
        localize_track(track)
    return call


def localize_track(track):
    english = _english()
    track.label = (track.name_en if english and track.name_en else track.name_ko) or track.get_level_display()
    track.level_label = track.get_level_display()
    return track


def funder_rows(track):
    """Each funder's terms in words: rate, cap, and what changes in a bonus region."""
    rows = []
    for funder in track.funders.all():
        rows.append(
            {
                "role": funder.get_role_display(),
                "rate": percent(funder.rate),
                "cap": krw(funder.cap) if funder.cap else _("한도 없음"),
                "bonus": (
                    _("%(rate)s, 한도 %(cap)s")
                    % {
                        "rate": percent(funder.bonus_rate),
                        "cap": krw(funder.bonus_cap or funder.cap)
                        if (funder.bonus_cap or funder.cap)
                        else _("없음"),
                    }
                    if funder.bonus_rate is not None
                    else ""
                ),
            }
        )
    return rows


def sme_residual_text(track) -> str:
    funders = list(track.funders.all())
    base = Decimal(1) - sum((f.rate for f in funders), Decimal(0))
    text = _(
        "기업 부담금은 총 사업비에서 출자기관 분담액을 뺀 나머지입니다. 한도에 이르지 않으면 총 사업비의 %(rate)s이고, "
        "분담액이 한도에 이르면 넘는 금액만큼 기업 부담이 늘어납니다."
    ) % {"rate": percent(base)}
    if any(f.role == FunderRole.LARGE_FIRM for f in funders):
        text += " " + _("대기업 분담분은 대기업이 컨소시엄에 참여해야 받을 수 있습니다.")
    text += " " + _("출자기관 분담액은 %(unit)s 단위로 절사합니다.") % {"unit": krw(track.rounding_unit)}
    return text


def bonus_text(track) -> str:
    regions = list(track.bonus_regions.all())
    bonus = [f for f in track.funders.all() if f.bonus_rate is not None]
    if not regions or not bonus:
        return ""
    terms = ", ".join(
        _("%(role)s %(rate)s(한도 %(cap)s)")
        % {
            "role": f.get_role_display(),
            "rate": percent(f.bonus_rate),
            "cap": krw_short(f.bonus_cap or f.cap) if (f.bonus_cap or f.cap) else _("없음"),
        }
        for f in bonus
    )
    return _("우대 지역(%(regions)s) 기업에는 %(terms)s이(가) 적용됩니다.") % {
        "regions": ", ".join(lname(r) for r in regions),
        "terms": terms,
    }


def track_facts(track) -> list[tuple[str, str]]:
    """(label, value) rows describing a track besides its funders."""
    rows = [
        (_("목표 수준"), track.get_level_display()),
        (
            _("신청 가능한 현재 수준"),
            _("제한 없음")
            if track.minimum_current_level == "none"
            else _("%(level)s 이상") % {"level": track.get_minimum_current_level_display()},
        ),
        (
            _("패스트트랙"),
            _("허용: MES·ERP·데이터 수집 체계를 모두 갖춘 기업은 기초 단계를 건너뛸 수 있습니다.")
            if track.allows_fast_track
            else _("허용하지 않음"),
        ),
        (_("최대 사업기간"), _("%(months)s개월") % {"months": track.max_duration_months}),
        (_("선정 예정 과제 수"), _("%(count)s개") % {"count": f"{track.projects_planned:,}"}),
    ]
    bonus = bonus_text(track)
    if bonus:
        rows.append((_("우대 지역"), bonus))
    return rows


def rule_rows(call):
    """The call's active rules in words: (rule name, scope, description)."""
    tracks = {t.pk: t for t in call.tracks.all()}
    rows = []
    for rule in call.eligibility_rules.all():
        if not rule.is_active:
            continue
        track = tracks.get(rule.track_id)
        scope = track.label if track is not None and hasattr(track, "label") else _("모든 유형")
        try:
            text = describe_rule(rule.kind, rule.params)
        except eligibility.RuleParamsError:
            text = _("운영기관이 확인합니다.")
        rows.append({"name": rule_label(rule.kind), "scope": scope, "text": text})
    return rows


def call_context(call, today=None):
    """Everything the detail page and the announcement show, in the active language."""
    localize_call(call, today)
    tracks = []
    for track in call.tracks.all():
        tracks.append(
            {
                "track": track,
                "funders": funder_rows(track),
                "sme_text": sme_residual_text(track),
                "facts": track_facts(track),
            }
        )
    regions = list(call.eligible_regions.all())
    sectors = list(call.eligible_sectors.all())
    return {
        "call": call,
        "tracks": tracks,
        "regions_text": ", ".join(lname(r) for r in regions) if regions else _("전국"),
        "sectors_text": ", ".join(lname(s) for s in sectors) if sectors else _("제조업 전체"),
        "documents": list(call.required_documents.all()),
        "rules": rule_rows(call),
        "apply_steps": APPLY_STEPS,
    }


# --- announcement PDF ---------------------------------------------------------------------------


def announcement_pdf(call, *, detail_url="", now=None) -> bytes:
    """공고문: the call's announcement as a Korean A4 PDF with a cover page."""
    with translation.override("ko"):
        context = call_context(call)
        context.update(
            {
                "detail_url": detail_url,
                "generated_on": kdate(timezone.localtime(now or timezone.now(), SEOUL)),
                "published_on": kdate(call.published_at) if call.published_at else "",
            }
        )
        return render_pdf("pdf/call_announcement.html", context)


# --- iCalendar ----------------------------------------------------------------------------------


def _event(call, *, which, url, host, stamp):
    event = icalendar.Event()
    moment = timezone.localtime(call.opens_at if which == "opens" else call.closes_at, SEOUL)
    prefix = _("[접수 시작]") if which == "opens" else _("[접수 마감]")
    event.add("uid", f"sfms-call-{call.pk}-{which}@{host}")
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    # No DTEND: a DATE-TIME start alone is an instant (RFC 5545 3.6.1), which a deadline is.
    event.add("dtstart", moment)
    event.add("summary", f"{prefix} {call.title}")
    event.add(
        "description",
        "\n".join(
            [
                f"{_('공고번호')}: {call.reference}",
                f"{_('운영기관')}: {lname(call.operator)}",
                f"{_('접수 기간')}: {call.opens_text} ~ {call.closes_text} ({_('한국 시간')})",
                url,
            ]
        ),
    )
    event.add("url", url)
    if call.status == CallStatus.CANCELLED:
        event.add("status", "CANCELLED")
    return event


def calendar_ics(calls, *, url_for, host, name=None) -> bytes:
    """An iCalendar with two events per call (applications open, deadline), times in Asia/Seoul.
    `url_for(call)` gives the absolute detail URL; UIDs depend only on the call and the host."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//SFMS//Smart factory calls//KO")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name or _("스마트공장 지원사업 공고"))
    cal.add("x-wr-timezone", "Asia/Seoul")
    for call in calls:
        localize_call(call)
        stamp = (call.updated_at or timezone.now()).astimezone(datetime.UTC)
        url = url_for(call)
        for which in ("opens", "closes"):
            cal.add_component(_event(call, which=which, url=url, host=host, stamp=stamp))
    cal.add_missing_timezones()
    return cal.to_ical()
