"""The study track's access by topic: activities (with readings) and the track."""
