"""Logs, metrics, health and the background loops they watch."""
