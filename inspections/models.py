"""Interim checks at mid-term and the final inspection of a project: appointed inspector, checklist,
result, corrective actions, and the supplier-rating input. A pass releases the balance tranche."""
