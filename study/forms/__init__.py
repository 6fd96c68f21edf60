"""The study track's forms by topic: activities (with readings) and the track."""
