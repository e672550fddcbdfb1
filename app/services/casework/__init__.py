"""Taking and moving cases: intake, the case record and its views, state transitions, search, sales
records, the three-guarantee rules as applied to a case, complaints, and the messages sent to
the customer about a case.
"""
