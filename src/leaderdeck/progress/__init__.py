"""Spaced repetition across lessons: the progress store, FSRS scheduling, the review queue and
the dashboard. `leaderdeck.progress.api` is the outer layer that reads the clock and the
environment; everything beneath it takes the time as an argument."""
