"""Process definitions: see models.py."""
