"""Plans, requirements, participants, the study log and sign-offs in the admin."""
