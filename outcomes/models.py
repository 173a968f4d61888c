"""Outcome tracking of a project's KPIs and the standard indicators: values at baseline, completion
and one year later, achievement and improvement rates, and the one-year survey."""
