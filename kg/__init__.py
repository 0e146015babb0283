"""unres-kg: UN resolutions in, a validated, queryable, dereferenceable knowledge graph out."""

from __future__ import annotations

__version__ = "0.1.0"
