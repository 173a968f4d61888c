"""Signals later stages listen to, so `suppliers` never imports them."""

from django.dispatch import Signal

# Sent inside the status change's transaction when a supplier becomes registered (first approval or
# reinstatement), with actor and company_id. Applications waiting for a nominated supplier listen.
supplier_registered = Signal()
