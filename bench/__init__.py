"""Measurements of the intake bot: they report numbers and never fail on one (`python -m bench`)."""
