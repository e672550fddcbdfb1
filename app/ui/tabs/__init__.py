"""One module per tab, each with one Frame subclass; the main window places them."""
