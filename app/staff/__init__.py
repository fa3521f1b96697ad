"""Staff: moderators and admins, who sign in to the review page with a password and TOTP."""
