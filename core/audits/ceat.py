"""CEAT, the Contextualized Embedding Association Test, for sentence models.

Guo, W. & Caliskan, A. (2021). Detecting Emergent Intersectional Biases: Contextualized Word Embeddings
Contain a Distribution of Human-like Biases. Proceedings of the 2021 AAAI/ACM Conference on AI, Ethics,
and Society (AIES '21), 122–133. https://doi.org/10.1145/3461702.3462536

For each word of a WEAT test, up to N contexts are sampled: sentences of the corpus that contain the word
(whole word, case-insensitive), or, where the corpus has none, the templates with the word put in. Each
context is embedded. The paper uses the word's contextual token vector inside its context; here the
sentence vector of the whole context is used, since the sentence model gives one vector per text.
Each of `samples` draws picks one context vector per word and computes the WEAT effect size es_i and its
in-sample variance v_i, the sample variance (ddof=1) of s(w, A, B) over X ∪ Y, as the paper defines V_i.
The es_i are pooled by the random-effects model (core.audits.meta_analysis): pooled ES, SE, interval,
z, p, Q, τ² and I².
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.audits.meta_analysis import CONFIDENCE, RandomEffects, random_effects
from core.audits.weat_sets import ROLES, WeatTest
from core.audits.word_sources import PLACEHOLDER
from core.errors import UserError
from core.vectors import unit_rows

CEAT_CITATION = ("Guo, W. & Caliskan, A. (2021). Detecting Emergent Intersectional Biases: Contextualized Word "
                 "Embeddings Contain a Distribution of Human-like Biases. AIES '21, 122–133.")
N_CONTEXTS = 20
N_SAMPLES = 1_000
SEED = 0
CONTEXTS_RANGE = (1, 500)
SAMPLES_RANGE = (10, 100_000)
_CHUNK = 128
_WORD = re.compile(r"\w+")

Embed = Callable[[list[str]], np.ndarray]


@dataclass(frozen=True)
class CeatSettings:
    """How many contexts per word, how many effect-size samples, the seed and the interval level."""

    n_contexts: int = N_CONTEXTS
    n_samples: int = N_SAMPLES
    seed: int = SEED
    confidence: float = CONFIDENCE


@dataclass(frozen=True)
class WordContexts:
    """The contexts sampled for one word, and whether they come from the corpus or the templates."""

    word: str
    texts: tuple[str, ...]
    from_corpus: bool
    occurrences: int


class ContextIndex:
    """Which corpus sentences hold a word: whole word, case-insensitive."""

    def __init__(self, sentences: Sequence[str]) -> None:
        self.sentences = [str(s) for s in sentences]
        self._index: dict[str, list[int]] = {}
        for i, sentence in enumerate(self.sentences):
            for token in dict.fromkeys(_WORD.findall(sentence.lower())):
                self._index.setdefault(token, []).append(i)

    def find(self, word: str) -> list[int]:
        """Rows of the sentences in which `word` occurs as a whole word."""
        key = word.strip().lower()
        if _WORD.fullmatch(key):
            return self._index.get(key, [])
        pattern = re.compile(rf"(?<!\w){re.escape(key)}(?!\w)", re.IGNORECASE)
        return [i for i, s in enumerate(self.sentences) if pattern.search(s)]


def word_contexts(word: str, index: ContextIndex, templates: Sequence[str], n: int, seed: int) -> WordContexts:
    """Up to n contexts of `word`, drawn without replacement; the same word and seed give the same contexts."""
    rng = np.random.default_rng([seed, zlib.crc32(word.encode("utf-8"))])
    rows = index.find(word)
    if rows:
        picked = sorted(rng.choice(len(rows), size=min(n, len(rows)), replace=False))
        return WordContexts(word, tuple(index.sentences[rows[i]] for i in picked), True, len(rows))
    filled = [t.replace(PLACEHOLDER, word) for t in templates]
    picked = sorted(rng.choice(len(filled), size=min(n, len(filled)), replace=False))
    return WordContexts(word, tuple(filled[i] for i in picked), False, 0)


def role_words(test: WeatTest) -> dict[str, list[str]]:
    """The words of each role of a test."""
    return {role: list(test.sets()[role].words) for role in ROLES}


def sample_contexts(tests: Sequence[WeatTest], corpus: Sequence[str], templates: Sequence[str],
                    settings: CeatSettings) -> dict[str, WordContexts]:
    """The contexts of every word of the tests (each word once)."""
    index = ContextIndex(corpus)
    words = dict.fromkeys(w for t in tests for ws in role_words(t).values() for w in ws)
    return {w: word_contexts(w, index, templates, settings.n_contexts, settings.seed) for w in words}


def context_texts(contexts: dict[str, WordContexts]) -> list[str]:
    """Every distinct context text, in a stable order (what has to be embedded)."""
    return list(dict.fromkeys(t for c in contexts.values() for t in c.texts))


def embed_contexts(contexts: dict[str, WordContexts], embed: Embed) -> dict[str, np.ndarray]:
    """Unit context vectors per word; each distinct text is embedded once."""
    texts = context_texts(contexts)
    vectors = unit_rows(np.asarray(embed(texts), dtype=np.float64), np.float64)
    row = {t: i for i, t in enumerate(texts)}
    return {w: vectors[[row[t] for t in c.texts]] for w, c in contexts.items()}


def _stacked(per_word: list[np.ndarray], n_samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """All context vectors of a role stacked, and (n_samples, words): the row drawn for each word per sample."""
    counts = np.array([len(v) for v in per_word])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    draws = offsets + (rng.random((n_samples, len(per_word))) * counts).astype(np.int64)
    return np.vstack(per_word), draws


def sampled_effect_sizes(groups: dict[str, list[np.ndarray]], n_samples: int,
                         seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """(es, v): each sample's WEAT effect size and the variance of its associations, one context per word.

    `groups` maps X, Y, A and B to one array of unit context vectors per word. Samples whose associations
    have no spread (v = 0) are dropped.
    """
    rng = np.random.default_rng(seed)
    n_x = len(groups["X"])
    targets, t_rows = _stacked(groups["X"] + groups["Y"], n_samples, rng)
    a, a_rows = _stacked(groups["A"], n_samples, rng)
    b, b_rows = _stacked(groups["B"], n_samples, rng)
    cos_a, cos_b = targets @ a.T, targets @ b.T
    es, var = np.empty(n_samples), np.empty(n_samples)
    for start in range(0, n_samples, _CHUNK):
        t, ia, ib = (r[start:start + _CHUNK] for r in (t_rows, a_rows, b_rows))
        s = cos_a[t[:, :, None], ia[:, None, :]].mean(axis=2) - cos_b[t[:, :, None], ib[:, None, :]].mean(axis=2)
        v = s.var(axis=1, ddof=1)
        diff = s[:, :n_x].mean(axis=1) - s[:, n_x:].mean(axis=1)
        es[start:start + len(t)] = diff / np.sqrt(np.where(v > 0, v, np.nan))
        var[start:start + len(t)] = v
    keep = var > 1e-15
    return es[keep], var[keep]


@dataclass
class CeatResult:
    """One test's pooled effect size, its sampled effect sizes and where each word's contexts came from."""

    test: WeatTest
    pooled: RandomEffects
    effects: np.ndarray
    contexts: dict[str, list[WordContexts]]
    p_holm: float = float("nan")
    p_bh: float = float("nan")

    def template_words(self) -> list[str]:
        return [c.word for role in ROLES for c in self.contexts[role] if not c.from_corpus]

    def row(self) -> dict:
        """One line of the CEAT table (the same columns in the UI, the CSV and the CLI)."""
        t, m = self.test, self.pooled
        n_words = sum(len(v) for v in self.contexts.values())
        return {"test": t.id, "title": t.title, "X": t.X.name, "Y": t.Y.name, "A": t.A.name, "B": t.B.name,
                "ES": m.estimate, "SE": m.se, "ci_low": m.ci_low, "ci_high": m.ci_high, "z": m.z, "p": m.p,
                "p_two_sided": m.p_two_sided, "p_holm": self.p_holm, "p_bh": self.p_bh, "Q": m.q, "tau2": m.tau2,
                "I2": m.i2, "samples": m.k, "words": n_words,
                "words_from_templates": len(self.template_words()), "paper_d": t.paper_effect_size}

    def as_dict(self) -> dict:
        """The row plus, per role, each word's number of contexts and their source (for JSON)."""
        row = self.row()
        row["contexts"] = {role: [{"word": c.word, "contexts": len(c.texts), "occurrences": c.occurrences,
                                   "source": "corpus" if c.from_corpus else "templates"} for c in self.contexts[role]]
                           for role in ROLES}
        return row


def ceat_test(test: WeatTest, contexts: dict[str, WordContexts], vectors: dict[str, np.ndarray],
              settings: CeatSettings) -> CeatResult:
    """Sample effect sizes for one test and pool them."""
    words = role_words(test)
    groups = {role: [vectors[w] for w in ws] for role, ws in words.items()}
    if len(words["X"]) + len(words["Y"]) < 3:
        raise UserError(f"CEAT '{test.title}': the two target sets need at least three words together.")
    es, v = sampled_effect_sizes(groups, settings.n_samples, settings.seed)
    if len(es) < 2:
        raise UserError(f"CEAT '{test.title}': the associations have no spread in the sampled contexts, so no "
                        "effect size can be computed.")
    pooled = random_effects(es, v, confidence=settings.confidence)
    return CeatResult(test, pooled, es, {role: [contexts[w] for w in ws] for role, ws in words.items()})


def run_ceats(tests: Sequence[WeatTest], corpus: Sequence[str], templates: Sequence[str], embed: Embed,
              settings: CeatSettings = CeatSettings()) -> list[CeatResult]:
    """CEAT for every test, with Holm and Benjamini–Hochberg adjusted p across them."""
    from core.audits.multiple_testing import benjamini_hochberg, holm

    contexts = sample_contexts(tests, corpus, templates, settings)
    vectors = embed_contexts(contexts, embed)
    results = [ceat_test(t, contexts, vectors, settings) for t in tests]
    p = [r.pooled.p for r in results]
    for result, p_holm, p_bh in zip(results, holm(p), benjamini_hochberg(p)):
        result.p_holm, result.p_bh = float(p_holm), float(p_bh)
    return results


def ceat_note(settings: CeatSettings, corpus_label: str) -> str:
    """How the CEAT figures were computed."""
    return (f"CEAT (Guo & Caliskan 2021): up to {settings.n_contexts} contexts per word from {corpus_label} "
            f"(sentences holding the word, whole word, any case), the templates where the corpus lacks the word; "
            f"each context is embedded as a sentence (the paper uses the word's token vector in its context). "
            f"{settings.n_samples:,} effect sizes (seed {settings.seed}), each from one random context per word, "
            f"are pooled by a random-effects meta-analysis (inverse-variance weights 1/(v_i + τ²), DerSimonian–"
            f"Laird τ²; v_i is the sample variance of s(w, A, B) over X ∪ Y). ES ± SE gives the "
            f"{settings.confidence:.0%} interval [ci_low, ci_high]; p is one-sided, P(Z ≥ ES/SE), as in the paper; "
            f"I² is the share of the spread of the sampled effect sizes due to the contexts rather than chance.")


def run_ceats_on_source(tests: Sequence[WeatTest], source, corpus: Sequence[str], settings: CeatSettings = CeatSettings(),
                        progress: Callable[[int, int], None] | None = None) -> list[CeatResult]:
    """CEAT with a sentence-model word source: its model embeds the contexts, its templates fill the gaps."""
    from core.audits.word_sources import TemplateSource

    if not isinstance(source, TemplateSource):
        raise UserError("CEAT needs a sentence model (such as minilm): a word-vector model like GloVe gives a word "
                        "the same vector in every context.")
    if not len(corpus):
        raise UserError("The corpus for CEAT has no sentences.")
    return run_ceats(tests, corpus, source.templates, lambda texts: source.embed(texts, progress), settings)
