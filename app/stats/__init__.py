"""Open statistics: a daily snapshot of counts, published suppressed and rounded."""
