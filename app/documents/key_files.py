"""Where the shop's signing keys live in the data folder: names only, so that code which copies
or backs up the keys does not load the cryptography library at start-up."""

KEYS = "keys"
RETIRED = "keys-retired"
