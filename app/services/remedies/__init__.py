"""What the shop does for the customer once a case is open: returns and exchanges (their approval
and the customer's reply), repairs and their parts, and every money entry (the ledger, refunds,
charges, freight, claims).
"""
