"""A user's rights over their personal information (PIPL): a copy of all of it, and how long
any of it is kept (retention). Erasing is the account's deletion (app/me/service.py)."""
