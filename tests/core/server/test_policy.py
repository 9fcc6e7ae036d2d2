"""The server policy: its mode and password from the environment or the secrets file, the wait after wrong passwords,
the warning for an open server, and which models a link may name."""
from __future__ import annotations

import os

import pytest

from core.embedding.models import DEFAULT_MODEL, MODELS
from core.server.policy import (
    FULL,
    MAX_DELAY_S,
    VIEWER,
    WriteRefused,
    exposure_warning,
    model_allowed,
    password_matches,
    read_policy,
    retry_delay,
)


def test_the_environment_wins_over_the_secrets_file_and_an_unknown_mode_is_read_only(tmp_path):
    secrets = {"mode": "full", "password": "from-secrets", "published": str(tmp_path),
               "allowed_models": "st:org/model-a, org/model-b"}
    policy = read_policy({"EE_MODE": "Viewer"}, secrets)
    assert policy.mode == VIEWER and not policy.can_write and policy.password == "from-secrets"
    assert policy.published == tmp_path and policy.allowed_models == ("st:org/model-a", "org/model-b")
    assert read_policy({"EE_PASSWORD": "env"}, secrets).password == "env"
    assert read_policy({}, {}).mode == FULL and read_policy({}, {}).password is None
    assert read_policy({"EE_MODE": "viewr"}, {}).mode == VIEWER  # a typo never opens the server


def test_a_read_only_server_refuses_writes_in_one_sentence():
    read_policy({}, {}).require_write("upload files")  # full mode: allowed
    with pytest.raises(WriteRefused, match=r"^This server is read-only, so visitors cannot upload files here"):
        read_policy({"EE_MODE": "viewer"}, {}).require_write("upload files")


def test_passwords_compare_exactly():
    assert password_matches("s3cret", "s3cret") and password_matches("pässwörd", "pässwörd")
    assert not any(password_matches(given, "s3cret") for given in ("", "s3cre", "s3cret ", "S3CRET", "s3cret\x00"))


def test_each_wrong_password_doubles_the_wait_up_to_a_cap():
    waits = [retry_delay(n) for n in range(12)]
    assert waits[0] == 0 and waits[1] > 0
    assert all(b == min(2 * a, MAX_DELAY_S) for a, b in zip(waits[1:], waits[2:]))
    assert waits[-1] == MAX_DELAY_S


@pytest.mark.parametrize("address", [None, "", "0.0.0.0", "::", "192.168.1.20"])
def test_an_open_server_is_warned_about_until_it_has_a_password_or_is_read_only(address):
    assert "no password" in exposure_warning(address, read_policy({}, {}))
    assert exposure_warning(address, read_policy({"EE_PASSWORD": "x"}, {})) is None
    assert exposure_warning(address, read_policy({"EE_MODE": "viewer"}, {})) is None


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1"])
def test_loopback_is_not_warned_about(address):
    assert exposure_warning(address, read_policy({}, {})) is None


@pytest.fixture
def models_root(tmp_path):
    root = tmp_path / "models"
    (root / "tuned-1").mkdir(parents=True)
    (root / ".partial-x").mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", root / "linked")
    return root


def test_links_may_name_registered_models_this_apps_models_and_allowed_ones(models_root):
    def allowed(key: str, extra: tuple[str, ...] = ()) -> bool:
        return model_allowed(key, models_root=models_root, allowed=extra)

    assert all(allowed(key) for key in MODELS) and allowed(DEFAULT_MODEL)
    assert allowed(f"st:{models_root / 'tuned-1'}")
    assert allowed("st:org/model-b", ("org/model-b",)) and allowed("st:org/model-a", ("st:org/model-a",))
    refused = [f"st:{models_root.parent / 'elsewhere'}", f"st:{models_root / 'linked'}",
               f"st:{models_root / '.partial-x'}", f"st:{models_root / 'tuned-1' / '..' / 'tuned-1'}",
               f"st:{models_root / 'missing'}", "st:tuned-1", "st:../models/tuned-1", "st:/etc", "st:org/model-b",
               "st:~/models", "st:", "", f"st:{models_root / 'tuned-1'}\x00", "minilm\n", "x" * 700]
    assert not [key for key in refused if allowed(key)]
