"""Insights pages: ``figures`` (dashboard, indicators, race, briefing, chains) and
``targets`` (the targets grid, its sheet and upload)."""
