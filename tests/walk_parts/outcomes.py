"""Tenant B's outcome rows for the access walk: an indicator (its name carries the marker), a
measured value (its evidence note) and a one-year survey of tenant B's project."""

import datetime

from django.utils import timezone


def register(foreign, member_b, project):
    from outcomes import models as om

    indicator = om.OutcomeIndicator.objects.create(
        project=project,
        code="custom",
        source=om.Source.KPI,
        name="외부성과지표LEAK",
        unit="%",
        direction=om.Direction.HIGHER,
        target="80",
        weight=1,
        order=0,
    )
    foreign[om.OutcomeIndicator] = indicator
    foreign[om.OutcomeValue] = om.OutcomeValue.objects.create(
        project=project,
        indicator=indicator,
        moment=om.Moment.BASELINE,
        value="60",
        note="외부성과증빙LEAK",
        entered_by=member_b,
        entered_at=timezone.now(),
    )
    foreign[om.OutcomeSurvey] = om.OutcomeSurvey.objects.create(
        project=project, due_on=timezone.localdate() - datetime.timedelta(days=1), requested_at=timezone.now()
    )


def markers(foreign):
    from outcomes import models as om

    return [
        (foreign[om.OutcomeIndicator], "외부성과지표LEAK"),
        (foreign[om.OutcomeValue], "외부성과증빙LEAK"),
    ]
