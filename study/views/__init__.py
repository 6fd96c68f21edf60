"""The study track's views by topic: activities (with readings) and the track."""
