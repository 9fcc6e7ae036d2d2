"""Static models trained here: the same vectors as gensim, read back without pickle, usable by every page."""
import json
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from core.audits.word_vectors import vocabulary, with_unseen
from core.cli.commands import main
from core.data.builtins import lee_sentences
from core.embedding.encode import coverage_note, embed_texts
from core.embedding.models import create_embedder, is_word_vocabulary, model_id_for, model_title
from core.embedding.static import gensim_model, infer, tokenize
from core.errors import Cancelled
from core.training import store
from core.training.static import run_static, save_static, training_corpus
from core.training.static_eval import compare_architectures, rare_word_coverage
from core.training.static_settings import StaticParams

SMALL = StaticParams(vector_size=16, epochs=2, min_count=2, seed=3)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return lee_sentences().texts[:800]


def _gensim_alone(texts, params):
    """What a user would get from gensim called directly on the same tokens."""
    model = gensim_model(params.as_dict())
    corpus = training_corpus(tokenize(texts), params.method)
    model.build_vocab(corpus)
    model.train(corpus, total_examples=len(corpus), epochs=params.epochs)
    return model


@pytest.mark.parametrize("method,sg", [("word2vec", 0), ("word2vec", 1), ("fasttext", 1), ("doc2vec", 0)])
def test_vectors_equal_gensims_for_the_same_tokens_settings_seed_and_one_worker(texts, method, sg):
    params = replace(SMALL, method=method, sg=sg)
    ours, plain = run_static(texts, params).model, _gensim_alone(texts, params)
    assert list(ours.wv.index_to_key) == list(plain.wv.index_to_key)
    np.testing.assert_array_equal(ours.wv.vectors, plain.wv.vectors)


@pytest.fixture(scope="module")
def saved(texts, tmp_path_factory):
    """One saved model per method, with the trained gensim model it came from."""
    out = {}
    for method in ("word2vec", "fasttext", "doc2vec"):
        run = run_static(texts, replace(SMALL, method=method, sg=0))
        folder = save_static(run, tmp_path_factory.mktemp(method) / "model", title=f"{method} test")
        out[method] = (f"static:{folder}", run.model)
    return out


def test_a_saved_model_encodes_as_the_trained_one_with_no_pickle(saved, texts):
    key, model = saved["word2vec"]
    encoded = create_embedder(key).encode(texts[:3])
    expected = np.stack([np.mean([model.wv[w] for w in words if w in model.wv], axis=0) for words in tokenize(texts[:3])])
    np.testing.assert_allclose(encoded, expected, rtol=1e-6)
    assert not list(Path(key.removeprefix("static:")).glob("*.pkl")) and model_title(key) == "word2vec test"


def test_fasttext_answers_for_an_unseen_word_as_gensim_does(saved):
    key, model = saved["fasttext"]
    embedder = create_embedder(key)
    assert not embedder.knows("unseenwordling")
    np.testing.assert_allclose(embedder.word_vector("unseenwordling"), model.wv["unseenwordling"], rtol=1e-6)
    assert "sub-words" in coverage_note(key, ["an unseenwordling appeared"])


def test_doc2vec_infers_the_same_vector_as_the_trained_model(saved, texts):
    key, model = saved["doc2vec"]
    got = create_embedder(key).encode(texts[:4])
    expected = np.stack([infer(model, words) for words in tokenize(texts[:4])])
    np.testing.assert_array_equal(got, expected)


def test_a_static_model_is_a_word_space_for_the_audits_and_is_listed(saved):
    key, model = saved["word2vec"]
    assert is_word_vocabulary(key)
    words = vocabulary(key, 100)
    assert len(words) == 100 and words.words[0] == model.wv.index_to_key[0]
    result = embed_texts(["the government said"], key)
    assert result.model_id == model_id_for(key) and np.isfinite(result.vectors).all()


def test_cancel_leaves_the_models_folder_unchanged(texts, tmp_path):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        run = run_static(texts, SMALL, cancel=cancel)
        save_static(run, tmp_path / "never", title="never")
    assert list(tmp_path.iterdir()) == []


def test_the_trained_model_appears_among_local_models_as_static(texts, monkeypatch, tmp_path):
    monkeypatch.setattr(store, "models_dir", lambda: tmp_path)
    folder = save_static(run_static(texts, SMALL), tmp_path / "w2v", title="listed")
    assert [m.key for m in store.local_models()] == [f"static:{folder}"]


def test_fasttext_covers_rare_words_and_word2vec_does_not(texts):
    table = compare_architectures(texts, replace(SMALL, epochs=1))
    coverage = dict(zip(table["model"], table["rare_word_coverage"]))
    assert coverage["fastText"] == 1.0 and coverage["Word2Vec CBOW"] == 0.0
    assert {"wordsim353", "wordsim353_low", "google_analogies_coverage", "seconds"} <= set(table.columns)


def test_rare_word_coverage_counts_words_below_min_count(texts):
    run = run_static(texts, replace(SMALL, min_count=3))
    assert rare_word_coverage(run, tokenize(texts)) == 0.0


def test_cli_trains_saves_and_reports_the_card(tmp_path, capsys):
    out = tmp_path / "cli-model"
    assert main(["train-static", "builtin:lee-documents", "--method", "fasttext", "--vector-size", "12",
                 "--epochs", "1", "--out", str(out)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["model"] == f"static:{out.resolve()}" and doc["vocabulary"] > 1000 and doc["reproducible"] is True
    assert set(doc["evaluations"]) == {"wordsim353", "simlex999", "google_analogies"}


def test_an_analogy_with_a_word_fasttext_never_saw_is_answered_and_says_so(saved, capsys):
    key, model = saved["fasttext"]
    wv, built = with_unseen(vocabulary(key, None), ["government", "unseenwordling"])
    assert built == ["unseenwordling"] and wv.words[-1] == "unseenwordling"
    np.testing.assert_allclose(wv.vectors[-1], model.wv["unseenwordling"], rtol=1e-6)
    assert main(["analogies", "--model", key, "--query", "government : minister :: unseenwordling"]) == 0
    assert "never saw 'unseenwordling'" in capsys.readouterr().err


def test_word2vec_builds_nothing_for_an_unseen_word(saved):
    key, _ = saved["word2vec"]
    wv = vocabulary(key, None)
    assert with_unseen(wv, ["unseenwordling"]) == (wv, [])
