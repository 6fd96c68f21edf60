"""The study track's pages."""
