"""Moderation's text rules: masking personal data and screening for trading. Pure Python:
nothing here imports Flask or app/ (the workflow over these rules is app/moderation)."""
