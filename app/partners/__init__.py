"""Partners: public-service organisations that embed MedShare, with keys of their own."""
