"""The settings, one module per concern, read in order by config/settings.py."""
