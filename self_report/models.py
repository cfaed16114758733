# Models arrive with this app's issue; see ARCHITECTURE.md for the stable names.
