"""The study track's forms, by topic: activities (and readings) and the track (plans, log, review, progress)."""
