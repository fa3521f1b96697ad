"""One rate limiter for the whole API: Flask-Limiter counting in Redis (see limiter.py)."""
