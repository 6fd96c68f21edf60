"""The study track's access, by topic: activities (and readings) and the track (plans, log, review, progress)."""
