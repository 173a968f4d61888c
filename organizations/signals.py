"""Signals other apps listen to, so the foundation app never imports them."""

from django.dispatch import Signal

# Sent inside company_update's transaction after the change is saved and audited, with
# actor, company and changed (a frozenset of the snapshot keys that changed, e.g. "name",
# "region_id"). A receiver that raises rolls the whole update back.
company_updated = Signal()
