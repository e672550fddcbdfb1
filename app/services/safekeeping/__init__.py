"""Keeping the record safe: backups and restore, the whole-log check, erasure of personal data,
network drives, the multi-PC server and moving a shop onto it.
"""
