"""What the roadmap services refuse, in words the unit's staff can act on."""

from __future__ import annotations

from nhiemvu.core.errors import DomainError


class RoadmapError(DomainError):
    code = "roadmap_error"


class RoadmapNotAllowedError(RoadmapError):
    """The user sees the task but does not write its roadmap (the department, a support unit)."""

    code = "roadmap_not_allowed"
