"""`make install`'s one-time set-up: the default model and UMAP's kernels built once into the machine folder,
which every data folder reads, and which the app does without (building its own) when they are missing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core import machine_setup
from core.embedding import onnx_encoder
from core.embedding.models import DEFAULT_MODEL, MINILM_ONNX_ID, first_load_note, model_folder
from core.maps import numba_cache


@pytest.fixture
def folders(tmp_path, monkeypatch):
    """A new data folder and a machine folder, both empty."""
    monkeypatch.setenv("EE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("EE_MACHINE_DIR", str(tmp_path / "machine"))
    return tmp_path / "data", tmp_path / "machine"


@pytest.fixture
def fake_export(monkeypatch):
    """Export and quantisation that write small files and count their calls."""
    calls = []

    def export(src, target):
        calls.append(target)
        Path(target).write_bytes(b"fp32")

    monkeypatch.setattr(onnx_encoder, "export_onnx", export)
    monkeypatch.setattr(onnx_encoder, "quantize_int8", lambda src, target, variant: shutil.copy(src, target))
    return calls


def test_the_default_model_built_at_install_serves_every_new_data_folder(folders, fake_export, monkeypatch):
    data, machine = folders
    assert first_load_note(DEFAULT_MODEL) is not None  # nothing built yet: the first load says it builds
    machine_setup.build_default_model()
    built = onnx_encoder.onnx_path(model_folder("minilm"), "int8", MINILM_ONNX_ID, root=machine)
    assert built.is_file() and len(fake_export) == 1
    monkeypatch.setenv("EE_DATA_DIR", str(data.parent / "another"))
    assert first_load_note(DEFAULT_MODEL) is None
    assert onnx_encoder.build(model_folder("minilm"), "int8", MINILM_ONNX_ID) == built and len(fake_export) == 1
    assert not (data.parent / "another" / "onnx").exists()  # read from the machine folder, not copied


def test_without_the_install_step_the_app_builds_the_model_into_its_data_folder(folders, fake_export):
    data, machine = folders
    path = onnx_encoder.build(model_folder("minilm"), "int8", MINILM_ONNX_ID)
    assert path.parent == data / "onnx" and len(fake_export) == 1 and not machine.exists()


def test_a_new_data_folder_starts_from_the_kernels_compiled_at_install(folders):
    data, machine = folders
    kernel = machine / "numba" / "umap_layouts" / "optimize.nbi"
    kernel.parent.mkdir(parents=True)
    kernel.write_bytes(b"index")
    assert numba_cache.cache_dir() == str(data / "numba")
    assert (data / "numba" / "umap_layouts" / "optimize.nbi").read_bytes() == b"index"
    kernel.write_bytes(b"newer")
    numba_cache.cache_dir()  # a data folder with kernels of its own keeps them
    assert (data / "numba" / "umap_layouts" / "optimize.nbi").read_bytes() == b"index"


def test_a_data_folder_without_install_kernels_starts_empty(folders):
    data, _ = folders
    assert numba_cache.cache_dir() == str(data / "numba") and not any((data / "numba").iterdir())
