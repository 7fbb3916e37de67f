"""How long a password must be: the users service enforces it, the dialogs say it (plain
Python, so the login dialog can show before the core has loaded: ui.first_look)."""

MIN_PASSWORD = 8
