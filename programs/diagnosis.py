"""The SME self-diagnosis questionnaire and the fit score that recommends open calls.

Both are pure: no database, no models. Callers turn rows into the plain facts below, so every
rule here can be tested exhaustively and read in one place.

Self-diagnosis
--------------
Ten single-choice questions (about three minutes) over five areas, loosely following the 2015
diagnosis model (management system, process, system/automation, performance): systems in place,
data (collection and integration), analysis, automation and organisation. Collection, analysis and
automation carry double weight because the official levels are defined by them (Basic =
production data digitised, Intermediate 1 = real-time collection and analysis, Intermediate 2 =
real-time control). The score is ``round(100 * points / max points)``, half up, in integers.

``LEVEL_BANDS`` maps the score to a level. The bands are OUR OWN HEURISTIC for an UNOFFICIAL
estimate, calibrated on typical answer profiles of each level; they are not the official
KS X 9001 level assessment (수준확인), whose score bands are not published. Advancement
applications still need the official assessment report.

Fit score (why a call ranks where it does)
------------------------------------------
A call is NOT eligible, scores 0 and lists every reason (each worth 0 points) when:

* applications have closed (``now >= closes_at``);
* the call lists regions and the company's region is not one of them (or is unknown);
* the call lists KSIC divisions and the company's division is not one of them (or is unknown);
* no track is reachable. A track is reachable when the company's level is at least the track's
  minimum current level and the track's level is above the company's level. Fast track: on a
  track that allows it, a company at "none" that runs MES, ERP and data collection counts as
  "basic" (it may skip Basic), and its steps are counted from Basic.

Otherwise the best reachable track is chosen and the score is the sum of these reasons, clamped
to 0..100 (so ``score == clamp(sum(reason.points))`` always holds):

* +50 eligible;
* +25 the track is exactly the next level, +10 if it is two levels up, 0 if further;
* +10 the call targets the company's region specifically (a non-empty region list containing it);
* +10 the call targets the company's sector specifically (a non-empty KSIC list containing it);
* +10 the company's region is a bonus region of the track;
* -10 fewer than three days remain before closing (still shown: hurry);
* -5 the level is only a self-diagnosis estimate and the track is an advancement track (above
  Basic), which needs an official level assessment;
* 0-point notes: fast track used, and the central government's cap for the track.

An eligible call therefore scores at least 35, so ``eligible == (score > 0)``. Among tracks the
best score wins, then the higher unclamped total, then the fast-track option, then the earlier
track in the call. The delivery model changes who pays, not the fit, so it does not score.
``rank`` puts eligible calls first, then higher score, then the earlier deadline, then call id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from organizations.errors import DomainError

# ---------------------------------------------------------------------------------------------
# Levels
# ---------------------------------------------------------------------------------------------

LEVELS: tuple[str, ...] = ("none", "basic", "intermediate_1", "intermediate_2", "advanced")
_RANK = {level: i for i, level in enumerate(LEVELS)}

# Plain strings (not lazy) because fit reasons carry both languages side by side.
LEVEL_NAMES: dict[str, tuple[str, str]] = {
    "none": ("미구축", "Not built"),
    "basic": ("기초", "Basic"),
    "intermediate_1": ("중간1", "Intermediate 1"),
    "intermediate_2": ("중간2", "Intermediate 2"),
    "advanced": ("고도", "Advanced"),
}


def _rank(level: str) -> int:
    try:
        return _RANK[level]
    except KeyError:
        raise ValueError(f"unknown level {level!r}") from None


def next_level(level: str) -> str | None:
    """The level one step above ``level``; None above Advanced."""
    i = _rank(level) + 1
    return LEVELS[i] if i < len(LEVELS) else None


# ---------------------------------------------------------------------------------------------
# Self-diagnosis questionnaire
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    value: str
    label: Promise
    points: int


@dataclass(frozen=True)
class Question:
    code: str
    area: str
    text: Promise
    help: Promise
    choices: tuple[Choice, ...]

    @property
    def max_points(self) -> int:
        return max(c.points for c in self.choices)


AREAS: dict[str, Promise] = {
    "systems": _("정보시스템"),
    "data": _("데이터 수집·연계"),
    "analysis": _("데이터 분석·성과관리"),
    "automation": _("자동화·제어"),
    "organisation": _("조직·인력"),
}


def _choices(*items: tuple[str, Promise], weight: int = 1) -> tuple[Choice, ...]:
    """Choices in ascending maturity: the n-th choice is worth n * weight points."""
    return tuple(Choice(value, label, i * weight) for i, (value, label) in enumerate(items))


QUESTIONS: tuple[Question, ...] = (
    Question(
        "mes",
        "systems",
        _("생산관리시스템(MES)을 어느 정도 쓰고 있습니까?"),
        _("작업지시·생산실적·LOT 추적을 관리하는 시스템입니다. 엑셀 생산일보는 MES로 보지 않습니다."),
        _choices(
            ("none", _("없음")),
            ("spreadsheet", _("엑셀·수기 생산일보로 관리")),
            ("partial", _("일부 공정에 MES 사용")),
            ("full", _("전 공정에 MES 사용(작업지시·실적·LOT 추적)")),
        ),
    ),
    Question(
        "erp",
        "systems",
        _("전사적자원관리(ERP)를 쓰고 있습니까?"),
        _("구매·재고·판매·회계를 하나의 시스템에서 관리하는지 묻습니다."),
        _choices(
            ("none", _("없음(수기·엑셀)")),
            ("accounting", _("회계·세무 프로그램만 사용")),
            ("erp", _("ERP로 구매·재고·판매 관리")),
            ("erp_planning", _("ERP에서 생산계획·원가까지 관리")),
        ),
    ),
    Question(
        "plm_scm",
        "systems",
        _("제품개발(PLM)이나 공급망(SCM) 관리 시스템이 있습니까?"),
        _("도면·BOM·설계변경(PLM) 또는 발주·납기·협력사(SCM)를 관리하는 시스템입니다."),
        _choices(
            ("none", _("없음")),
            ("files", _("도면·BOM을 파일로 관리")),
            ("internal", _("PLM 또는 SCM을 사내에서 사용")),
            ("partners", _("협력사·고객과 시스템으로 연계")),
        ),
    ),
    Question(
        "equipment",
        "systems",
        _("설비가 PLC·SCADA 등으로 연결되어 있습니까?"),
        _("설비의 가동·정지·생산 수량을 시스템에서 볼 수 있는지 묻습니다."),
        _choices(
            ("none", _("연결되지 않음")),
            ("standalone", _("PLC는 있으나 네트워크 연결 없음")),
            ("key_equipment", _("주요 설비를 PLC·SCADA로 연결")),
            ("most_equipment", _("대부분 설비가 연결되어 상태를 실시간 확인")),
        ),
    ),
    Question(
        "data_collection",
        "data",
        _("생산 데이터(실적·설비·품질)는 어떻게 모읍니까?"),
        _("사람이 적어 옮기는지, 설비·시스템에서 자동으로 들어오는지 묻습니다."),
        _choices(
            ("none", _("모으지 않음")),
            ("manual", _("수기·엑셀로 기록")),
            ("partly_automatic", _("일부를 자동으로 수집")),
            ("realtime", _("실시간 자동 수집")),
            weight=2,
        ),
    ),
    Question(
        "integration",
        "data",
        _("시스템끼리 데이터가 연계됩니까(MES·ERP·설비)?"),
        _("같은 데이터를 여러 시스템에 다시 입력하는지 묻습니다."),
        _choices(
            ("none", _("연계 없음(또는 시스템이 없음)")),
            ("manual_transfer", _("파일 내려받기·재입력으로 옮김")),
            ("partial", _("일부 시스템이 자동 연계")),
            ("integrated", _("MES·ERP·설비가 자동 연계되어 한 번 입력으로 공유")),
        ),
    ),
    Question(
        "analysis",
        "analysis",
        _("모은 데이터를 어떻게 분석합니까?"),
        _("데이터를 보고만 하는지, 원인을 찾고 앞일을 예측하는 데 쓰는지 묻습니다."),
        _choices(
            ("none", _("분석하지 않음")),
            ("reports", _("정기 보고서(일보·월보)")),
            ("dashboards", _("통계 분석·실시간 대시보드")),
            ("predictive", _("예측·AI 분석(불량·고장 예측 등)")),
            weight=2,
        ),
    ),
    Question(
        "kpi",
        "analysis",
        _("불량률·가동률·리드타임 같은 성과지표(KPI)를 관리합니까?"),
        _("사업계획서에는 KPI의 기준값과 목표값이 필요합니다."),
        _choices(
            ("none", _("관리하지 않음")),
            ("occasional", _("필요할 때 수기로 계산")),
            ("baseline", _("정기적으로 측정하며 기준값이 있음")),
            ("targets", _("기준값·목표값을 두고 데이터로 상시 추적")),
        ),
    ),
    Question(
        "automation",
        "automation",
        _("생산 공정은 얼마나 자동화되어 있습니까?"),
        _("데이터에 따라 설비 조건을 자동으로 바꾸는 것이 실시간 제어입니다."),
        _choices(
            ("manual", _("대부분 수작업")),
            ("partial", _("일부 설비·공정 자동화")),
            ("line", _("라인 단위 자동화")),
            ("data_control", _("데이터로 설비를 자동 제어(조건 자동 보정 등)")),
            weight=2,
        ),
    ),
    Question(
        "staff",
        "organisation",
        _("스마트공장 시스템을 맡는 인력이 있습니까?"),
        _("시스템 운영과 데이터 활용을 책임지는 사람이 있는지 묻습니다."),
        _choices(
            ("none", _("없음")),
            ("part_time", _("다른 업무와 겸임하는 담당자")),
            ("dedicated", _("전담 인력")),
            ("team", _("데이터·IT 역량을 갖춘 전담 조직")),
        ),
    ),
)

QUESTIONS_BY_CODE: dict[str, Question] = {q.code: q for q in QUESTIONS}
MAX_POINTS: int = sum(q.max_points for q in QUESTIONS)

# Answers that count as "runs it" for the fast track (MES, ERP and automatic data collection).
MES_VALUES = frozenset({"partial", "full"})
ERP_VALUES = frozenset({"erp", "erp_planning"})
DATA_COLLECTION_VALUES = frozenset({"partly_automatic", "realtime"})

# (minimum score, level), ascending. Our own heuristic for an UNOFFICIAL estimate, not the
# official KS X 9001 assessment: a typical Basic profile scores about 35-45, Intermediate 1
# about 60-67, Intermediate 2 about 80-85, and Advanced needs nearly every top answer.
LEVEL_BANDS: tuple[tuple[int, str], ...] = (
    (0, "none"),
    (20, "basic"),
    (45, "intermediate_1"),
    (70, "intermediate_2"),
    (90, "advanced"),
)


@dataclass(frozen=True)
class DiagnosisResult:
    score: int
    estimated_level: str
    area_scores: dict[str, int]
    has_mes: bool
    has_erp: bool
    has_data_collection: bool


class DiagnosisError(DomainError):
    """An answer sheet that cannot be scored; ``field`` names the question (or the unknown key)."""

    default_code = "diagnosis"
    default_message = _("자가진단 응답을 확인해 주십시오.")


def _percent(points: int, maximum: int) -> int:
    """round(100 * points / maximum), half up, without floats."""
    return (200 * points + maximum) // (2 * maximum)


def level_for_score(score: int) -> str:
    """The estimated level for a 0..100 score under ``LEVEL_BANDS``."""
    if not 0 <= score <= 100:
        raise ValueError(f"score {score} outside 0..100")
    level = LEVEL_BANDS[0][1]
    for minimum, band_level in LEVEL_BANDS:
        if score >= minimum:
            level = band_level
    return level


def diagnose(answers: Mapping[str, str]) -> DiagnosisResult:
    """Score a complete answer sheet; refuse missing, unknown or invalid answers."""
    points: dict[str, int] = {}
    for question in QUESTIONS:
        if question.code not in answers:
            raise DiagnosisError(_("이 문항에 답해 주십시오."), field=question.code)
        value = answers[question.code]
        choice = next((c for c in question.choices if isinstance(value, str) and c.value == value), None)
        if choice is None:
            raise DiagnosisError(_("보기 중 하나를 골라 주십시오."), field=question.code)
        points[question.code] = choice.points
    unknown = sorted(str(key) for key in answers if key not in QUESTIONS_BY_CODE)
    if unknown:
        raise DiagnosisError(_("알 수 없는 문항입니다."), field=unknown[0])

    area_scores = {}
    for area in AREAS:
        in_area = [q for q in QUESTIONS if q.area == area]
        area_scores[area] = _percent(sum(points[q.code] for q in in_area), sum(q.max_points for q in in_area))
    score = _percent(sum(points.values()), MAX_POINTS)
    return DiagnosisResult(
        score=score,
        estimated_level=level_for_score(score),
        area_scores=area_scores,
        has_mes=answers["mes"] in MES_VALUES,
        has_erp=answers["erp"] in ERP_VALUES,
        has_data_collection=answers["data_collection"] in DATA_COLLECTION_VALUES,
    )


# ---------------------------------------------------------------------------------------------
# Fit score for recommending calls
# ---------------------------------------------------------------------------------------------

BASE_POINTS = 50
NEXT_STEP_POINTS = 25
TWO_STEPS_POINTS = 10
REGION_TARGET_POINTS = 10
SECTOR_TARGET_POINTS = 10
BONUS_REGION_POINTS = 10
CLOSING_SOON_POINTS = -10
CLOSING_SOON = timedelta(days=3)
ESTIMATE_POINTS = -5


@dataclass(frozen=True)
class TrackFacts:
    track_id: int
    level: str
    minimum_current_level: str
    allows_fast_track: bool
    bonus_regions: frozenset[str]
    max_central_amount: int | None = None

    def __post_init__(self):
        _rank(self.level)
        _rank(self.minimum_current_level)


@dataclass(frozen=True)
class CallFacts:
    call_id: int
    eligible_regions: frozenset[str]
    eligible_sectors: frozenset[str]
    closes_at: datetime
    delivery_model: str
    tracks: tuple[TrackFacts, ...]


@dataclass(frozen=True)
class CompanyFacts:
    region: str | None
    ksic_division: str | None
    level: str
    has_mes: bool
    has_erp: bool
    has_data_collection: bool
    level_is_estimate: bool = False

    def __post_init__(self):
        _rank(self.level)

    @property
    def runs_own_systems(self) -> bool:
        return self.has_mes and self.has_erp and self.has_data_collection


@dataclass(frozen=True)
class Reason:
    text_ko: str
    text_en: str
    points: int


@dataclass(frozen=True)
class Fit:
    call_id: int
    track_id: int | None
    score: int
    eligible: bool
    reasons: tuple[Reason, ...]
    closes_at: datetime


def _clamp(value: int) -> int:
    return max(0, min(100, value))


def _won_ko(amount: int) -> str:
    """KRW in the 억/만 units Korean announcements use: 150,000,000 → '1억 5,000만 원'."""
    eok, rest = divmod(amount, 10**8)
    man, won = divmod(rest, 10**4)
    parts = [f"{eok:,}억"] if eok else []
    parts += [f"{man:,}만"] if man else []
    parts += [f"{won:,}"] if won or not parts else []
    return " ".join(parts) + " 원"


def _fast_track_applies(company: CompanyFacts, track: TrackFacts) -> bool:
    return track.allows_fast_track and company.level == "none" and company.runs_own_systems


def _track_reasons(
    company: CompanyFacts, call: CallFacts, track: TrackFacts, fast: bool, now: datetime
) -> list[Reason] | None:
    """The scored reasons for one (track, fast track or not) option; None if it is unreachable."""
    current = "basic" if fast else company.level
    steps = _rank(track.level) - _rank(current)
    if _rank(current) < _rank(track.minimum_current_level) or steps < 1:
        return None
    ko, en = LEVEL_NAMES[track.level]
    reasons = [
        Reason(
            "지역·업종·수준 신청 요건을 충족합니다", "Meets the region, sector and level rules", BASE_POINTS
        )
    ]
    if steps == 1:
        reasons.append(
            Reason(f"다음 단계({ko}) 과제입니다", f"The natural next step ({en})", NEXT_STEP_POINTS)
        )
    elif steps == 2:
        reasons.append(Reason(f"두 단계 위({ko}) 과제입니다", f"Two steps up ({en})", TWO_STEPS_POINTS))
    else:
        reasons.append(
            Reason(
                f"목표 수준({ko})이 현재보다 세 단계 이상 높습니다",
                f"The target ({en}) is three or more steps above your level",
                0,
            )
        )
    if fast:
        reasons.append(
            Reason(
                "패스트트랙: MES·ERP·데이터 수집을 갖춰 기초 단계를 건너뛸 수 있습니다",
                "Fast track: with MES, ERP and data collection you may skip Basic",
                0,
            )
        )
    if call.eligible_regions and company.region in call.eligible_regions:
        reasons.append(
            Reason(
                "귀사 소재 지역을 대상으로 하는 공고입니다",
                "This call targets your region",
                REGION_TARGET_POINTS,
            )
        )
    if call.eligible_sectors and company.ksic_division in call.eligible_sectors:
        reasons.append(
            Reason(
                "귀사 업종을 대상으로 하는 공고입니다", "This call targets your sector", SECTOR_TARGET_POINTS
            )
        )
    if company.region is not None and company.region in track.bonus_regions:
        reasons.append(
            Reason(
                "귀사 지역은 이 유형의 우대 지역입니다",
                "Your region is a bonus region for this track",
                BONUS_REGION_POINTS,
            )
        )
    left = call.closes_at - now
    if left < CLOSING_SOON:
        hours = left.seconds // 3600
        ko_left = f"{left.days}일 {hours}시간" if left.days else f"{hours}시간"
        en_left = f"{left.days} d {hours} h" if left.days else f"{hours} h"
        reasons.append(
            Reason(f"마감 임박: {ko_left} 남았습니다", f"Closing soon: {en_left} left", CLOSING_SOON_POINTS)
        )
    if company.level_is_estimate and _rank(track.level) > _rank("basic"):
        reasons.append(
            Reason(
                "수준이 자가진단 추정치입니다. 고도화 과제 신청에는 공식 수준확인이 필요합니다",
                "Your level is a self-diagnosis estimate; advancement tracks need an official level assessment",
                ESTIMATE_POINTS,
            )
        )
    if track.max_central_amount is not None:
        reasons.append(
            Reason(
                f"국비 지원 한도 {_won_ko(track.max_central_amount)}",
                f"Central government support up to KRW {track.max_central_amount:,}",
                0,
            )
        )
    return reasons


def _unreachable_reasons(company: CompanyFacts, call: CallFacts) -> list[Reason]:
    """Why no track fits the company's level, with a fast-track hint when that would open one."""
    ko, en = LEVEL_NAMES[company.level]
    if not call.tracks:
        return [Reason("이 공고에는 지원 유형이 없습니다", "This call has no tracks", 0)]
    above = [t for t in call.tracks if _rank(t.level) > _rank(company.level)]
    if not above:
        return [
            Reason(
                f"현재 수준({ko})보다 높은 목표 수준의 유형이 없습니다",
                f"No track in this call targets a level above yours ({en})",
                0,
            )
        ]
    minimum = min((t.minimum_current_level for t in above), key=_rank)
    min_ko, min_en = LEVEL_NAMES[minimum]
    reasons = [
        Reason(
            f"현재 수준({ko})으로는 신청할 수 없습니다. {min_ko} 이상 수준이 필요합니다",
            f"Your level ({en}) is below the call's minimum ({min_en})",
            0,
        )
    ]
    fast_possible = company.level == "none" and any(
        t.allows_fast_track and t.minimum_current_level == "basic" for t in above
    )
    if fast_possible and not company.runs_own_systems:
        missing = [
            name
            for name, has in (
                ("MES", company.has_mes),
                ("ERP", company.has_erp),
                ("데이터 수집", company.has_data_collection),
            )
            if not has
        ]
        missing_en = ", ".join("data collection" if m == "데이터 수집" else m for m in missing)
        reasons.append(
            Reason(
                f"패스트트랙에는 MES·ERP·데이터 수집이 모두 필요합니다(없음: {', '.join(missing)})",
                f"The fast track needs MES, ERP and data collection (missing: {missing_en})",
                0,
            )
        )
    return reasons


def fit_for_call(company: CompanyFacts, call: CallFacts, *, now: datetime) -> Fit:
    """How well ``call`` suits ``company`` now, with its best track and the reasons (see module doc)."""
    blockers: list[Reason] = []
    if now >= call.closes_at:
        blockers.append(Reason("접수가 마감되었습니다", "Applications have closed", 0))
    if call.eligible_regions and company.region not in call.eligible_regions:
        if company.region is None:
            blockers.append(
                Reason(
                    "기업 소재지가 없어 지역 한정 공고에 신청할 수 없습니다",
                    "Your company has no region on file; this call is limited to certain regions",
                    0,
                )
            )
        else:
            blockers.append(
                Reason(
                    "귀사 지역은 신청 가능 지역이 아닙니다", "Your region is outside the call's regions", 0
                )
            )
    if call.eligible_sectors and company.ksic_division not in call.eligible_sectors:
        if company.ksic_division is None:
            blockers.append(
                Reason(
                    "기업 업종(KSIC)이 없어 업종 한정 공고에 신청할 수 없습니다",
                    "Your company has no KSIC division on file; this call is limited to certain sectors",
                    0,
                )
            )
        else:
            blockers.append(
                Reason(
                    "귀사 업종은 신청 가능 업종이 아닙니다", "Your sector is outside the call's sectors", 0
                )
            )

    best: tuple[tuple[int, int, bool, int], TrackFacts, list[Reason]] | None = None
    for index, track in enumerate(call.tracks):
        for fast in (False, True) if _fast_track_applies(company, track) else (False,):
            reasons = _track_reasons(company, call, track, fast, now)
            if reasons is None:
                continue
            total = sum(r.points for r in reasons)
            key = (_clamp(total), total, fast, -index)
            if best is None or key > best[0]:
                best = (key, track, reasons)
    if best is None:
        blockers.extend(_unreachable_reasons(company, call))

    if blockers or best is None:
        return Fit(call.call_id, None, 0, False, tuple(blockers), call.closes_at)
    key, track, reasons = best
    return Fit(call.call_id, track.track_id, key[0], True, tuple(reasons), call.closes_at)


def rank(fits: Iterable[Fit]) -> list[Fit]:
    """Eligible first, then higher score, then the earlier deadline, then call id."""
    return sorted(fits, key=lambda f: (not f.eligible, -f.score, f.closes_at, f.call_id))
