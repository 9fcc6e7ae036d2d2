"""Streamlit-aware pieces shared by the pages.

Importing this package makes sure the router in app.py is in charge. Streamlit's legacy
multipage mode sees the `pages/` folder and, when the first request after a server start
is a deep link (say a shared `/map?...` URL), runs that page without app.py: no
navigation, no shared set-up. The first page to import this package then switches the
legacy mode off and reruns, so app.py routes the same URL.
"""
import streamlit as _st
from streamlit.runtime.pages_manager import PagesManager as _PagesManager

if _PagesManager.uses_pages_directory:
    _PagesManager.uses_pages_directory = False
    _st.rerun()
