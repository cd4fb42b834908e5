"""Self-study with spaced repetition: the review screen, settings and statistics."""
