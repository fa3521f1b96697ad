"""H5 sign-in by mainland mobile number and a one-time code sent by SMS."""
