"""The ONNX encoder's tokenizer reads `tokenizer.json` directly: the same ids, masks and types as the model's
own (transformers) tokenizer, without importing transformers or torch."""
from __future__ import annotations

import subprocess
import sys

import numpy as np

import core  # noqa: F401 - sets the Hugging Face offline switches
from core.embedding.models import model_folder
from core.embedding.onnx_encoder import batch_tokenizer
from core.paths import PROJECT_ROOT

AWKWARD = ["", "  A man is playing a guitar.  ", "word " * 300, "Ünïcödé café naïve — “quotes” 日本語 😀",
           "=SUM(1,2) is a formula", "tab\tand\nnew line", "UPPER lower MiXeD", "a" * 600]


def test_same_tokens_as_the_models_own_tokenizer():
    from transformers import AutoTokenizer

    from core.data.builtins import lee_sentences

    folder = model_folder("minilm")
    theirs = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    ours = batch_tokenizer(folder, 256)
    texts = [t.strip() for t in lee_sentences().texts[:256:2]] + AWKWARD
    for start in range(0, len(texts), 32):
        batch = texts[start:start + 32]
        expected = theirs(batch, padding=True, truncation="longest_first", max_length=256, return_tensors="np")
        got = ours.encode_batch(batch)
        for name, field in (("input_ids", "ids"), ("attention_mask", "attention_mask"), ("token_type_ids", "type_ids")):
            np.testing.assert_array_equal(np.asarray([getattr(e, field) for e in got]), expected[name])
    assert len(ours.encode_batch(["word " * 300])[0].ids) == 256  # cut at the window, special tokens included


def test_tokenizing_imports_neither_transformers_nor_torch():
    code = ("import sys; from core.embedding.models import model_folder; "
            "from core.embedding.onnx_encoder import batch_tokenizer; "
            "batch_tokenizer(model_folder('minilm'), 256).encode_batch(['a sentence', 'another']); "
            "print([m for m in ('transformers', 'torch', 'sentence_transformers') if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[]"
