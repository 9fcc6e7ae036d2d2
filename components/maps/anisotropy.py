"""What a "high" similarity is in the current space: the mean cosine of random pairs, in one sentence."""
from __future__ import annotations

import math

import streamlit as st

from components import seam
from core.vectors import ANISOTROPY_PAIRS


def anisotropy_text(value: float) -> str:
    """The sentence shown under a map or a search: the random-pair cosine and what counts as high."""
    if not math.isfinite(value):
        return "With fewer than two points there is no random pair to compare similarities against."
    high = value + (1 - value) / 2
    return (f"In this space two random points have a cosine of {value:.2f} on average "
            f"({ANISOTROPY_PAIRS:,} random pairs), so judge similarities against {value:.2f}, not 0: "
            f"a similarity of {high:.2f} is half-way from chance to identical here.")


def anisotropy_caption(emb: seam.Embedded) -> float:
    """Show the anisotropy sentence for the current vectors; return the value."""
    value = seam.anisotropy(emb)
    st.caption(anisotropy_text(value), help="Anisotropy: how much all vectors point the same way. Ethayarajh (2019) "
               "found contextual models highly anisotropic, so raw cosines overstate how alike two items are.")
    return value
