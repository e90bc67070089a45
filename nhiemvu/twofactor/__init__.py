"""Two-factor sign-in (TOTP, recovery codes) and the agencies' policy on who must use it."""
