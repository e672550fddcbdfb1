"""Shared widgets: field forms, search box, case list, timeline, signature pad, photos."""
