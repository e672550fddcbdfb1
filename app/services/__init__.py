"""The program's use cases; every call takes a Context (who acts, with which settings, when).

Grouped by what the shop does, lowest first: `shop` (who is acting, accounts, permissions,
setup, the audit log), `casework` (taking, showing, searching and moving cases), `remedies`
(returns, repairs and money), `paper` (slips, exports, the monthly report, signing
certificates), `safekeeping` (backups, the whole-log check, erasure, the shop server), and
`actions` (every step of a record, declared once for the window and the command line).
"""
