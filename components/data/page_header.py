"""The header of the pages that show the chosen data: title, the data embedded (or a way back), what it is."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components import seam
from components.data.long_job import long_job_gate
from components.seam import Embedded
from components.state import DataChoice
from core.errors import Cancelled, UserError

DATA_PAGE = "pages/data.py"


def embedded_or_stop(title: str, choice: DataChoice, *, notice: str | None = None,
                     extra: Callable[[Embedded], str] | None = None) -> Embedded:
    """Title the page and return the chosen data embedded, with a caption saying what it is.

    `notice` is a warning shown under the title; `extra(emb)` adds to the caption, and so does what was cut
    of texts longer than the model's window (or that they were chunked). When either the
    data or `extra` fails with a UserError, the page says why, links to the Data page and stops.
    """
    st.title(title)
    if notice:
        st.warning(notice)
    try:
        long_job_gate(choice, seam.raw_dataset(choice))
        emb = seam.embedded(choice)
        more = [extra(emb)] if extra else []
    except Cancelled as err:
        st.info(str(err))
        st.button("Resume embedding", key="ee_embed_resume", on_click=seam.resume_embedding, args=(choice,))
        st.stop()
    except UserError as err:
        st.error(str(err))
        st.page_link(DATA_PAGE, label="Choose other data or another model", icon=":material/database:")
        st.stop()
    cut = emb.report.caption() if emb.report is not None else None
    st.caption(" · ".join([seam.dataset_title(choice), emb.model_label, f"{len(emb.dataset):,} points", *more,
                           *([cut] if cut else [])]))
    return emb
