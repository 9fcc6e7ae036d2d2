"""The door of the app: the password (Streamlit's shared-secret pattern), and a warning when the server is open."""
from __future__ import annotations

import logging
import math
import time

import streamlit as st

from components.access.policy import server_policy
from core.server.policy import OPEN_BANNER, ServerPolicy, exposure_warning, password_matches, retry_delay

_log = logging.getLogger(__name__)
PASSED = "ee_gate_passed"
FAILURES = "ee_gate_failures"
WAIT_UNTIL = "ee_gate_wait_until"
NOTE = "ee_gate_note"
PASSWORD = "ee_gate_password"


def _check(expected: str) -> None:
    """on_change of the password box: let the session in, or count the failure and make it wait longer."""
    given = str(st.session_state.pop(PASSWORD, "") or "")
    wait = st.session_state.get(WAIT_UNTIL, 0.0) - time.monotonic()
    if wait > 0:
        st.session_state[NOTE] = f"Too many wrong passwords: wait {math.ceil(wait)} s, then try again."
        return
    if password_matches(given, expected):
        st.session_state[PASSED] = True
        for key in (FAILURES, WAIT_UNTIL, NOTE):
            st.session_state.pop(key, None)
        return
    failures = st.session_state.get(FAILURES, 0) + 1
    st.session_state[FAILURES] = failures
    st.session_state[WAIT_UNTIL] = time.monotonic() + retry_delay(failures)
    st.session_state[NOTE] = "That password is not right."


def password_gate(policy: ServerPolicy) -> bool:
    """True once this session gave the server's password (always, when it has none); else draws the box."""
    if not policy.password or st.session_state.get(PASSED):
        return True
    st.title("Embedding Explorer")
    st.text_input("Password", type="password", key=PASSWORD, on_change=_check, args=(policy.password,),
                  help="Ask whoever runs this app for the password.")
    if NOTE in st.session_state:
        st.error(st.session_state[NOTE])
    return False


@st.cache_resource(show_spinner=False)
def _warn_once(message: str) -> None:
    """Print the warning in the server's log once per process."""
    _log.warning(message)
    print(f"WARNING: {message}", flush=True)


def bound_address() -> str | None:
    """The address this server listens on (`server.address`; unset: every interface)."""
    return st.get_option("server.address")


def exposure_banner(policy: ServerPolicy) -> None:
    """A banner (and a line in the log) when anyone on the network can reach a writable server with no password."""
    message = exposure_warning(bound_address(), policy)
    if message:
        _warn_once(message)
        st.warning(OPEN_BANNER, icon=":material/warning:")


def admit() -> bool:
    """The gate at the top of the router: the password first, then the banner; False stops the run."""
    policy = server_policy()
    if not password_gate(policy):
        return False
    exposure_banner(policy)
    if not policy.can_write:
        st.sidebar.caption(":material/visibility: Read-only: explore, search and download; nothing here changes "
                           "the server.")
    return True
