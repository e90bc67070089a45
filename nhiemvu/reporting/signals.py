"""What the reporting cycle announces after a commit, for the apps above it to act on.

Reminders build on reporting (their rules read reports), so reporting cannot call them without
an import cycle: it sends these instead, and reminders connects its notices (reminders/apps.py).
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent after the commit of an accept or a return: `event_id` (the ReviewEvent).
report_reviewed = Signal()
# Sent after the commit of a leader's answer to an obstacle: `obstacle_id`, `at` (when it was answered).
obstacle_answered = Signal()
