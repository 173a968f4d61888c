"""Sanctions and clawback: participation restrictions (company or supplier, reason, period) and
repayment orders with repayments recorded. Eligibility checks and supplier search honour them."""
