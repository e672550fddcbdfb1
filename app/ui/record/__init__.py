"""One record's view: details, timeline, and the actions its state allows."""
