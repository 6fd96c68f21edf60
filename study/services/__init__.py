"""The study track's services by topic: activities (with readings) and the track."""
