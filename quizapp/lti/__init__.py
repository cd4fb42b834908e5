"""LTI 1.3 tool pages: OIDC login, launch, deep linking, the tool's JWKS, the admin's
platform registrations and the teacher's roster and grade-send page."""
