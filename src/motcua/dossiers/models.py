"""Dossiers: see the package docstring of models.py."""
