"""The sections of the Lists tab, one module per list."""
