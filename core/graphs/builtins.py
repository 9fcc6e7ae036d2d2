"""Real graphs that ship with networkx: Zachary's karate club and the Les Misérables co-appearances."""
from __future__ import annotations

import networkx as nx

from core.data.table import Dataset
from core.graphs.payload import graph_dataset


def karate_club() -> Dataset:
    """Zachary's karate club: 34 members, 78 friendships, and the club each joined after the split."""
    return graph_dataset(nx.karate_club_graph(), name="karate-club",
                         description="Zachary's karate club (1977): 34 members, 78 ties weighted by the contexts "
                                     "they met in; `club` is the side each member took when the club split.")


def les_miserables() -> Dataset:
    """Les Misérables: 77 characters, linked when they appear in a chapter together (weighted)."""
    return graph_dataset(nx.les_miserables_graph(), name="les-miserables",
                         description="Les Misérables co-appearances (Knuth 1993): 77 characters, 254 edges "
                                     "weighted by the number of chapters they share.")
