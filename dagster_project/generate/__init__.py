"""Synthetic case-management extracts (synthetic data only: never real personal data)."""
