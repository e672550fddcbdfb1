"""The ttkbootstrap window. Calls services only; never the store."""
