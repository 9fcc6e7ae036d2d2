"""Embedding Explorer core: pure Python, no Streamlit. Used by the UI and the CLI.

Importing it switches the Hugging Face libraries to offline mode, so no model is
ever downloaded at run time, unless the user sets EE_ALLOW_DOWNLOADS=1.
"""
import os as _os

if _os.environ.get("EE_ALLOW_DOWNLOADS") != "1":
    _os.environ.setdefault("HF_HUB_OFFLINE", "1")
    _os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
_os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
_os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
_os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
_os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
