"""Map stage: linked resolutions -> quads (pyoxigraph terms; rdflib stays off the hot path)."""

from kg.rdf.mapper import Mapped, to_rdf

__all__ = ["Mapped", "to_rdf"]
