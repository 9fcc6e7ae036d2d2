"""Shared test set-up: an isolated data folder per test session, and fresh Streamlit caches."""
import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("EE_DATA_DIR", tempfile.mkdtemp(prefix="ee-test-data-"))
# nothing `make install` built for this machine: the tests build what they use, as a new machine does
os.environ.setdefault("EE_MACHINE_DIR", tempfile.mkdtemp(prefix="ee-test-machine-"))


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches():
    """Each test starts with empty st.cache_data / st.cache_resource."""
    yield
    if "streamlit" in sys.modules:
        import streamlit as st

        st.cache_data.clear()
        st.cache_resource.clear()


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """A fresh data folder (so a fresh cache and Chroma store) for this test, and no Chroma server named."""
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CHROMA_HOST", raising=False)
    monkeypatch.delenv("CHROMA_PORT", raising=False)
    return tmp_path
