"""Analyse: the citation network, lineages, reports and the query cookbook."""

from kg.analysis.lineage import Follows, chains, follows
from kg.analysis.network import CitationNetwork, build_network, export

__all__ = ["CitationNetwork", "Follows", "build_network", "chains", "export", "follows"]
