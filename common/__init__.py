"""The shared layer below every app: plumbing, no product rules."""
