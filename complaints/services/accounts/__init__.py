"""People: citizens' and staff accounts, and the API tokens and Open311 client keys they hold."""
