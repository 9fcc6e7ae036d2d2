"""A sentence-transformers folder (BERT + mean pooling + normalise) run by onnxruntime, fp32 or int8.

The ONNX file is built once per machine (by `make install` into the machine folder, else by the first load into
the data folder), named by the variant and a hash of the source folder's files and the recipe, and written
atomically (temporary file, then rename). Texts are tokenised from the folder's `tokenizer.json` alone, so
encoding with a built file imports neither transformers nor torch.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.errors import ModelLoadError
from core.paths import data_dir, machine_dir
from core.vectors import unit_rows

ONNX_DIR = "onnx"
OPSET = 17
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
_LAYER_OUT = "/bert/encoder/layer.{}/output/dense/MatMul"  # a layer's feed-forward output projection


@dataclass(frozen=True)
class Variant:
    """How the exported fp32 graph is turned into the file that runs: int8 weights or not, and what stays fp32."""

    name: str
    int8: bool = False
    keep_fp32: tuple[str, ...] = ()
    per_channel: bool = True

    def recipe(self) -> str:
        return json.dumps([self.name, self.int8, list(self.keep_fp32), self.per_channel, OPSET])


# int8 per output channel; the first three layers' feed-forward outputs stay fp32 (they move the space most)
VARIANTS = {v.name: v for v in (Variant("fp32"),
                                Variant("int8", int8=True, keep_fp32=tuple(_LAYER_OUT.format(i) for i in range(3))))}


@lru_cache(maxsize=8)
def folder_hash(folder: Path) -> str:
    """A hash of every file in the folder (relative names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def onnx_path(folder: Path, variant: str, name: str, *, root: Path | None = None) -> Path:
    """Where `root` (the data folder unless given) keeps the variant built from `folder`, as `name`-<hash>.onnx."""
    recipe = VARIANTS[variant].recipe()
    key = hashlib.sha256(f"{folder_hash(Path(folder))}\n{recipe}".encode()).hexdigest()[:16]
    return (root or data_dir()) / ONNX_DIR / f"{name}-{key}.onnx"


def built_path(folder: Path, variant: str, name: str) -> Path | None:
    """The variant's file when this machine has it: built by `make install`, or by an earlier load here."""
    return next((path for root in (machine_dir(), data_dir())
                 if (path := onnx_path(folder, variant, name, root=root)).is_file()), None)


def is_built(folder: Path, variant: str, name: str) -> bool:
    """Whether this machine has the variant already (else the first load exports, and quantises, it)."""
    return built_path(folder, variant, name) is not None


def export_onnx(folder: Path, target: Path) -> None:
    """The folder's transformer as an fp32 ONNX graph with dynamic batch and sequence axes."""
    import torch
    from transformers import AutoModel

    class _Hidden(torch.nn.Module):
        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    model = _Hidden(AutoModel.from_pretrained(str(folder), local_files_only=True)).eval()
    dummy = tuple(torch.ones(2, 8, dtype=torch.long) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "sequence"} for name in (*INPUTS, "last_hidden_state")}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the TorchScript exporter warns about tracing and its own deprecation
        torch.onnx.export(model, dummy, str(target), input_names=list(INPUTS), output_names=["last_hidden_state"],
                          dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True, dynamo=False)


def quantize_int8(source: Path, target: Path, variant: Variant) -> None:
    """Dynamic int8 weights for the MatMuls, except those the variant keeps fp32."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    names = {node.name for node in onnx.load(str(source), load_external_data=False).graph.node}
    missing = [name for name in variant.keep_fp32 if name not in names]
    if missing:
        raise ModelLoadError(f"The exported graph lacks the nodes to keep in fp32 ({', '.join(missing)}).")
    quiet = _DropMessage("pre-processing before quantization")
    logging.getLogger().addFilter(quiet)
    try:
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=variant.per_channel,
                         nodes_to_exclude=list(variant.keep_fp32),
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    finally:
        logging.getLogger().removeFilter(quiet)


class _DropMessage(logging.Filter):
    """Drops log records that contain a given text (onnxruntime's advice to pre-process, which does not apply)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def filter(self, record: logging.LogRecord) -> bool:
        return self.text not in record.getMessage()


def build(folder: Path, variant: str, name: str, *, root: Path | None = None) -> Path:
    """The variant's ONNX file, exported (and quantised) into `root` (the data folder unless given) now unless
    this machine already has it."""
    target = onnx_path(folder, variant, name, root=root)
    found = target if root is not None else built_path(folder, variant, name)
    if found is not None and found.is_file():
        return found
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".building-") as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        export_onnx(Path(folder), fp32)
        final = fp32
        if VARIANTS[variant].int8:
            final = Path(tmp) / "int8.onnx"
            quantize_int8(fp32, final, VARIANTS[variant])
        os.replace(final, target)
    return target


def _session(path: Path):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = os.cpu_count() or 1
    # idle workers sleep instead of spinning: measured on 2 busy cores, spinning after a one-text encode slowed the
    # next step (a Chroma query: 28-40 ms p50 against 10-18) and the encode itself (34-44 ms against 11-16)
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def batch_tokenizer(folder: Path, max_length: int):
    """The folder's fast tokenizer (`tokenizer.json`, read without transformers or torch), cutting texts at
    `max_length` tokens and padding each batch to its longest text, as the model's own tokenizer does."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    pad = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8")).get("pad_token", "[PAD]")
    pad = pad["content"] if isinstance(pad, dict) else pad
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.enable_padding(pad_id=tokenizer.token_to_id(pad), pad_token=pad)
    return tokenizer


class OnnxSentenceEncoder:
    """Mean-pooled, L2-normalised sentence vectors from the folder's transformer run by onnxruntime."""

    def __init__(self, folder: Path, variant: str, model_id: str) -> None:
        self.model_id, self.variant = model_id, variant
        config = json.loads((Path(folder) / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self.max_length = int(config["max_seq_length"])
        self.tokenizer = batch_tokenizer(Path(folder), self.max_length)
        self.session = _session(build(Path(folder), variant, model_id))
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """Longest texts first (less padding per batch), back in the input order."""
        texts = [str(t).strip() for t in texts]
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), batch_size):
            rows = order[start:start + batch_size]
            out[rows] = self._batch([texts[i] for i in rows])
        return out

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        enc = {name: np.asarray([getattr(e, field) for e in encodings], dtype=np.int64)
               for name, field in zip(INPUTS, ("ids", "attention_mask", "type_ids"))}
        hidden = self.session.run(None, {name: enc[name] for name in self.inputs})[0]
        mask = enc["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        return unit_rows(pooled)
