"""Trust screens: sign-in, step-up, first start, users and privacy, erasure; the one door."""
