"""The sanctions part of a project's dossier for auditors: CSV files (UTF-8 with BOM, so Excel opens
Korean text) for the abandonment, the restrictions tied to the project, and the repayment orders
with their repayments. The dossier builder decides who may download it; this reads without the
tenant filter because the project was already resolved inside the user's scope."""

import csv
import io

from .models import ProjectAbandonment, Repayment, RepaymentOrder, Restriction


def _csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def entries(project) -> list[tuple[str, bytes]]:
    files = []
    abandonment = ProjectAbandonment.objects.unrestricted().filter(project=project).first()
    if abandonment is not None:
        files.append(
            (
                "sanctions/abandonment.csv",
                _csv(
                    ["처리일시", "이전 상태", "중도 포기 사유"],
                    [[abandonment.recorded_at.isoformat(), abandonment.previous_status, abandonment.reason]],
                ),
            )
        )
    restrictions = (
        Restriction.objects.unrestricted().filter(project=project).select_related("company", "operator")
    )
    if restrictions:
        files.append(
            (
                "sanctions/restrictions.csv",
                _csv(
                    [
                        "기업",
                        "사업자등록번호",
                        "처분 기관",
                        "사유 구분",
                        "사유",
                        "시작일",
                        "종료일",
                        "해제일",
                        "해제 사유",
                    ],
                    [
                        [
                            r.company.name,
                            r.company.business_number,
                            r.operator.name_ko,
                            r.reason_kind,
                            r.reason,
                            r.starts_on.isoformat(),
                            r.ends_on.isoformat(),
                            r.lifted_on.isoformat() if r.lifted_on else "",
                            r.lift_reason,
                        ]
                        for r in restrictions
                    ],
                ),
            )
        )
    orders = list(RepaymentOrder.objects.unrestricted().filter(project=project).order_by("ordered_at", "pk"))
    if orders:
        repayments = (
            Repayment.objects.unrestricted().filter(order__in=orders).order_by("order_id", "paid_on", "pk")
        )
        files.append(
            (
                "sanctions/repayments.csv",
                _csv(
                    [
                        "환수 명령",
                        "명령일시",
                        "환수 금액(원)",
                        "납부 기한",
                        "상태",
                        "사유",
                        "납부일",
                        "납부액(원)",
                        "비고",
                    ],
                    [
                        [
                            o.pk,
                            o.ordered_at.isoformat(),
                            o.amount,
                            o.due_on.isoformat(),
                            o.status,
                            o.reason,
                            "",
                            "",
                            "",
                        ]
                        for o in orders
                    ]
                    + [
                        [r.order_id, "", "", "", "", "", r.paid_on.isoformat(), r.amount, r.note]
                        for r in repayments
                    ],
                ),
            )
        )
    return files
