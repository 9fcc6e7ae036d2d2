"""How far the map can be trusted: overall figures, their distribution, and how to read them."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.maps.faithfulness import Faithfulness


def preservation_counts(faith: Faithfulness) -> pd.DataFrame:
    """How many points keep 0, 1, ..., k of their k original neighbours on the map."""
    kept = np.rint(faith.preservation[faith.scored] * faith.k).astype(int)
    counts = np.bincount(kept, minlength=faith.k + 1)
    return pd.DataFrame({"neighbours kept": [f"{i}/{faith.k}" for i in range(faith.k + 1)], "points": counts})


def faith_panel(faith: Faithfulness) -> None:
    """Both measures, overall, with a histogram of the per-point figures."""
    c1, c2, c3 = st.columns(3)
    c1.metric(f"kNN preservation (k = {faith.k})", f"{faith.preservation_mean:.3f}",
              help="Mean share of each point's nearest neighbours in the original space that are still among "
                   "its nearest on the map. A random map scores about k / (N - 1).")
    c2.metric(f"Trustworthiness (k = {faith.k})", f"{faith.trust_mean:.3f}",
              help="1.0 means every map neighbour is also a near neighbour in the original space (Venna & Kaski).")
    misleading = float((faith.preservation[faith.scored] < 0.3).mean())
    c3.metric("Points keeping < 30% of neighbours", f"{misleading:.1%}")
    st.bar_chart(preservation_counts(faith), x="neighbours kept", y="points", height=220, sort=False)
    notes = [f"A random map would keep {faith.chance:.4f} of the neighbours; trustworthiness about 0.5.",
             "Colour the map by “faithfulness: kNN kept” or “faithfulness: trustworthiness” to see where it misleads."]
    if len(faith.scored) < len(faith.preservation):
        notes.append(f"Both measures were taken on a seeded sample of {len(faith.scored):,} of the "
                     f"{len(faith.preservation):,} points, among themselves; the others show as “no value”.")
    elif faith.sampled:
        notes.append(f"Trustworthiness was scored for a random sample of {len(faith.trust_rows):,} points "
                     "(ranks against all points); the others show as “no value”.")
    if not faith.exact_neighbours:
        notes.append("Original-space neighbours come from NN-descent (approximate, typically > 90% recall).")
    notes.append("Below about 0.8 trustworthiness, clusters that look close on the map may not be.")
    st.caption(" ".join(notes))
    if np.isnan(faith.trust_mean):
        st.caption("Not enough points to score trustworthiness.")
