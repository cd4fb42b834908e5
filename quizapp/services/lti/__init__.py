"""LTI 1.3 Advantage: quizapp as a tool that course platforms (Canvas, Moodle, ...) launch.

Where each part lives: `platforms` (registrations, the tool key, pylti1p3's tool
configuration), `storage` (pylti1p3's launch storage and one-time entry tickets),
`launches` (accounts, classes, memberships and links from a validated launch),
`roster` (names and roles sync), `grades` (the outbox of scores for the platform),
`deep_links` (the assignment a teacher picks and the content item returned),
`connect` (HTTP to the platform). The id_token itself is validated by pylti1p3 in
`quizapp.lti.launch`, the only part that reads the Flask request.
"""
