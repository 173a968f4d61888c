"""Pure rules of agreements: how the government share is split into tranches, and what each party
must do. No database here."""

from decimal import ROUND_FLOOR, Decimal

from django.utils.translation import gettext_lazy as _

DEFAULT_ADVANCE_RATE = Decimal("0.7")

OBLIGATIONS = (
    _("도입기업은 협약한 범위와 기간 안에 스마트공장을 구축하고, 정해진 때에 진척 보고서를 제출합니다."),
    _("공급기업은 협약한 시스템을 공급·구축하고, 하자보수 기간 동안 하자를 보수합니다."),
    _("사업비는 협약한 예산 항목대로만 쓰며, 항목을 바꾸려면 변경 신청을 합니다."),
    _("최종 점검에서 성과 지표(KPI)를 측정해 제출하고, 종료 1년 뒤 성과 조사에 응합니다."),
    _("거짓 보고나 무단 중도 포기 시 참여 제한과 지원금 환수 처분을 받을 수 있습니다."),
)


def split_tranches(government_share: int, *, advance_rate=DEFAULT_ADVANCE_RATE, unit: int = 1000):
    """[(kind, amount)]: an advance on signing, rounded down to `unit`, and the balance after the
    final inspection as the residual, so the tranches add up to the share to the won."""
    if not isinstance(government_share, int) or isinstance(government_share, bool) or government_share < 0:
        raise ValueError("government_share must be whole won, not negative")
    rate = Decimal(advance_rate)
    if not Decimal(0) <= rate <= Decimal(1):
        raise ValueError("advance_rate must be between 0 and 1")
    advance = int((Decimal(government_share) * rate / unit).to_integral_value(ROUND_FLOOR)) * unit
    return [("advance", advance), ("balance", government_share - advance)]
