"""Bundled DejaVu Sans fonts (see LICENSE); a package so the fonts ship with the wheel."""
