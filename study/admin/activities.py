"""Activities, registrations and readings in the admin."""
