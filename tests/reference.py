"""Reference data every database test expects (regions, KSIC divisions, technology domains)."""


def ensure_reference_data():
    """Migrations load these rows, but a transactional test ends with a flush that empties them;
    reload whatever is missing so the next test (or module fixture) finds them."""
    from organizations.models import KsicDivision, Region
    from organizations.reference_data import load_reference_data
    from suppliers.models import TechDomain
    from suppliers.reference_data import load_tech_domains

    if Region.objects.count() != 17 or not KsicDivision.objects.exists():
        load_reference_data(Region, KsicDivision)
    if not TechDomain.objects.exists():
        load_tech_domains(TechDomain)
