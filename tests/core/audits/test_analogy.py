"""Analogies: 3CosAdd/3CosMul against hand formulas and gensim; the benchmark equals gensim's evaluation."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core.audits.analogy import Analogy, answer_all, answers_table, parse_analogy, solve
from core.audits.analogy_benchmark import (
    benchmark_table,
    google_questions_path,
    parse_questions,
    read_benchmark_text,
    run_benchmark,
)
from core.audits.analogy_map import analogy_layout
from core.audits.word_vectors import WordVectors, glove_word_vectors
from core.errors import DataError, UserError

ROOT = Path(__file__).resolve().parents[3]
N = 30_000

TOY_WORDS = ["man", "woman", "king", "queen", "apple", "royal"]
TOY = WordVectors(TOY_WORDS, np.array([[1, 0, 0], [1, 1, 0], [1, 0, 1], [1, 1, 1], [0, 0, 1], [0.5, 0.2, 1.2]],
                                      dtype=np.float32), label="toy")


def _cos(u: np.ndarray, v: np.ndarray) -> float:
    return float(u @ v / np.linalg.norm(u) / np.linalg.norm(v))


def _by_hand(method: str, a: str, b: str, c: str) -> dict[str, float]:
    vec = {w: TOY.vectors[i].astype(np.float64) for i, w in enumerate(TOY_WORDS)}
    unit = {w: v / np.linalg.norm(v) for w, v in vec.items()}
    if method == "3cosadd":
        target = unit[b] - unit[a] + unit[c]
        return {w: _cos(v, target) for w, v in vec.items()}
    shift = {w: {x: (1 + _cos(vec[w], vec[x])) / 2 for x in (a, b, c)} for w in vec}
    return {w: shift[w][b] * shift[w][c] / (shift[w][a] + 1e-6) for w in vec}


@pytest.fixture(scope="module")
def glove30k() -> WordVectors:
    return glove_word_vectors(N)


@pytest.mark.parametrize("method", ["3cosadd", "3cosmul"])
def test_scores_match_the_formulas(method):
    table = solve(TOY, Analogy("man", "king", "woman"), method=method, k=6, exclude_inputs=False)
    expected = _by_hand(method, "man", "king", "woman")
    for word, score in zip(table["word"], table["score"]):
        assert score == pytest.approx(expected[word], rel=1e-5)
    assert list(table["score"]) == sorted(table["score"], reverse=True)
    assert table["word"].iloc[0] == "queen"


def test_exclusion_toggle():
    included = solve(TOY, Analogy("man", "king", "woman"), k=6, exclude_inputs=False)
    excluded = solve(TOY, Analogy("man", "king", "woman"), k=6, exclude_inputs=True)
    assert set(included["word"]) == set(TOY_WORDS)
    assert set(excluded["word"]) == {"queen", "apple", "royal"}
    assert included["is_input"].sum() == 3 and not excluded["is_input"].any()


def test_unknown_word_is_named():
    with pytest.raises(UserError, match="'kingz' is not in the vocabulary"):
        solve(TOY, Analogy("man", "kingz", "woman"))


def test_parse_analogy():
    assert parse_analogy("man : king :: woman : ?") == Analogy("man", "king", "woman")
    assert parse_analogy("man king woman") == Analogy("man", "king", "woman")
    with pytest.raises(UserError, match="three words"):
        parse_analogy("man : king")


def test_king_man_woman_is_queen(glove30k):
    """The reference figure: GloVe 6B 50d, 3CosAdd with the input words excluded answers 'queen'."""
    answers = answer_all(glove_word_vectors(None), Analogy("man", "king", "woman"), k=5)
    assert answers.top("3cosadd", exclude_inputs=True) == "queen"
    assert answers.top("3cosmul", exclude_inputs=True) == "queen"
    assert answers.top("3cosadd", exclude_inputs=False) == "king"  # the nearest word to b - a + c is b itself
    assert answers.differs("3cosadd") and not answers.differs("3cosmul")
    table = answers_table(answers, exclude_inputs=True)
    assert list(table.columns) == ["rank", "3CosAdd word", "3CosAdd score", "3CosMul word", "3CosMul score"]


@pytest.mark.parametrize("a, b, c", [("man", "king", "woman"), ("paris", "france", "berlin"),
                                     ("good", "better", "bad")])
def test_scores_equal_gensim(glove30k, a, b, c):
    from gensim.models import KeyedVectors

    kv = KeyedVectors(50)
    kv.add_vectors(list(glove30k.words), glove30k.vectors)
    question = Analogy(a, b, c)
    for method, gensim_call in (("3cosadd", kv.most_similar), ("3cosmul", kv.most_similar_cosmul)):
        ours = solve(glove30k, question, method=method, k=5)
        theirs = gensim_call(positive=[b, c], negative=[a], topn=5)
        assert list(ours["word"]) == [w for w, _ in theirs]
        np.testing.assert_allclose(ours["score"], [s for _, s in theirs], rtol=1e-5)


def test_parse_questions_follows_gensim():
    text = ": one\nA b c d\nonly three words\n\n: empty\n: two\nw x y z\n"
    sections, questions = parse_questions(text)
    assert sections == ["one", "empty", "two"]
    assert [(q.section, q.a) for q in questions] == [("one", "A"), ("two", "w")]
    with pytest.raises(DataError, match="before any ': section' header"):
        parse_questions("a b c d\n: late\n")


def _gensim_sections(glove30k: WordVectors, path: Path):
    from gensim.models import KeyedVectors

    kv = KeyedVectors(50)
    kv.add_vectors(list(glove30k.words), glove30k.vectors)
    return kv.evaluate_word_analogies(str(path), restrict_vocab=len(glove30k))


def _assert_same_as_gensim(result, gensim_score, gensim_sections):
    outcome = {(q.a.upper(), q.b.upper(), q.c.upper(), q.expected.upper()): o
               for q, o in zip(result.questions, result.outcomes)}
    table = result.section_table()
    for row, section in zip(table.itertuples(), gensim_sections):
        assert row.section == section["section"]
        assert (row.correct, row.covered - row.correct) == (len(section["correct"]), len(section["incorrect"]))
    for section in gensim_sections[:-1]:  # the same questions right and wrong, not only the same counts
        assert all(outcome[q] is True for q in section["correct"])
        assert all(outcome[q] is False for q in section["incorrect"])
    assert result.accuracy == pytest.approx(gensim_score, abs=0)


def test_google_benchmark_equals_gensim(glove30k):
    """All 19,544 questions at N = 30,000: identical per question to evaluate_word_analogies (49.7%)."""
    _, text = read_benchmark_text("google")
    (result,) = run_benchmark(glove30k, text)
    score, sections = _gensim_sections(glove30k, google_questions_path())
    _assert_same_as_gensim(result, score, sections)
    assert round(result.accuracy, 3) == 0.497
    table = benchmark_table([result])
    assert table["questions"].iloc[-1] == 19_544 and table["section"].iloc[-1] == "Total accuracy"
    assert result.coverage == pytest.approx(table["covered"].iloc[-1] / 19_544)


def test_edge_cases_equal_gensim(glove30k, tmp_path):
    """Mixed case, words outside the vocabulary, invalid lines and an empty section, scored as gensim does."""
    text = (": mixed-case\nAthens Greece Berlin Germany\nMAN KING woman QUEEN\nman king woman zzzqx\n"
            "too few words\n: empty\n: repeated-input\nman woman man woman\nbig bigger small smaller\n")
    path = tmp_path / "questions.txt"
    path.write_text(text, encoding="utf-8")
    (result,) = run_benchmark(glove30k, text)
    score, sections = _gensim_sections(glove30k, path)
    _assert_same_as_gensim(result, score, sections)
    table = result.section_table()
    assert table.loc[table["section"] == "mixed-case", ["questions", "covered"]].values.tolist() == [[3, 2]]
    assert table.loc[table["section"] == "empty", "accuracy"].item() == 0.0


def test_3cosmul_benchmark_runs(glove30k):
    text = ": capitals\n" + "\n".join(google_questions_path().read_text().splitlines()[1:201])
    add, mul = run_benchmark(glove30k, text, methods=("3cosadd", "3cosmul"))
    assert add.coverage == mul.coverage == 1.0
    assert 0.5 < mul.accuracy <= 1 and 0.5 < add.accuracy <= 1
    assert list(benchmark_table([add, mul]).columns)[-2:] == ["3CosMul correct", "3CosMul accuracy"]


def test_analogy_layout(glove30k):
    layout = analogy_layout(glove30k, Analogy("man", "king", "woman"), ["queen"], n_neighbours=3)
    roles = dict(zip(layout.frame["word"], layout.frame["role"]))
    assert [roles[w] for w in ("man", "king", "woman", "queen")] == ["a", "b", "c", "answer"]
    assert (layout.frame["role"] == "neighbour").sum() >= 3
    assert np.isfinite(layout.frame[["x", "y"]].to_numpy()).all() and 0 < layout.explained <= 1


def test_cli_benchmark_json_equals_core(glove30k):
    out = subprocess.run([sys.executable, "-m", "core", "analogies", "--model", "glove-6b-50d", "--benchmark",
                          "google", "--restrict-vocab", str(N), "--format", "json"], cwd=ROOT, env=os.environ.copy(),
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    _, text = read_benchmark_text("google")
    expected = benchmark_table(run_benchmark(glove30k, text)).to_dict(orient="records")
    assert doc["sections"] == json.loads(json.dumps(expected))
    assert doc["sections"][-1]["3CosAdd accuracy"] == pytest.approx(0.4969, abs=1e-4)
    assert "case-insensitively" in doc["conventions"] and doc["restrict_vocab"] == N


def test_cli_text_output_and_error():
    ok = subprocess.run([sys.executable, "-m", "core", "analogies", "--query", "man : king :: woman", "--top", "3"],
                        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=600)
    assert ok.returncode == 0, ok.stderr
    assert "input words excluded" in ok.stdout and "input words allowed" in ok.stdout
    assert ok.stdout.split("\n")[2].split()[:2] == ["1", "queen"]
    bad = subprocess.run([sys.executable, "-m", "core", "analogies", "--benchmark", "/no/such/file.txt"], cwd=ROOT,
                         env=os.environ.copy(), capture_output=True, text=True, timeout=600)
    assert bad.returncode != 0 and bad.stderr.startswith("error: Analogy file '/no/such/file.txt' not found")


@pytest.mark.slow
def test_sentence_model_vocabulary_answers_analogies(monkeypatch):
    """MiniLM has no vocabulary: GloVe's most frequent words, each embedded alone, stand in for one."""
    from core.audits.word_vectors import vocabulary

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    wv = vocabulary("minilm", 2_000)
    assert len(wv) == 2_000 and wv.vectors.shape == (2_000, 384) and "MiniLM" in wv.label
    table = solve(wv, Analogy("man", "king", "woman"), k=5)
    assert len(table) == 5 and not {"man", "king", "woman"} & set(table["word"])
    assert table["score"].is_monotonic_decreasing
