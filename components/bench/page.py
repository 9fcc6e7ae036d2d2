"""The app in Streamlit's AppTest, opened as a link opens it, for the bench's child processes."""
from urllib.parse import parse_qsl

from streamlit.testing.v1 import AppTest

from core.paths import PROJECT_ROOT

TIMEOUT_S = 900


def open_app(link: str) -> AppTest:
    """The app, not yet run, for a session opening `?LINK` (an empty link: the default page and view)."""
    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.query_params.update(dict(parse_qsl(link)))
    return at
