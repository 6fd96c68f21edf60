"""The study track's views, by topic: activities (and readings) and the track (plans, log, review, progress)."""
