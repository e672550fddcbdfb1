"""The shop itself: who is acting (context, accounts, permissions), its setup and settings, the
audit log every write goes through, and per-PC print preferences.
"""
