"""What leaves the shop on paper or as a file: signed slips, exports, the monthly report and its
figures, and the signing certificates behind them.
"""
