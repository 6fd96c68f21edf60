"""The study track's services, by topic: activities (and readings) and the track (plans, log, review, progress)."""
