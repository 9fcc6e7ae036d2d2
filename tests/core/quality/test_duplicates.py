"""Duplicates: exact repeats counted exactly, planted near-copies found from the graph and grouped."""
import numpy as np
import pandas as pd

from core.quality.duplicates import find_duplicates, near_pairs, pairs_frame, removed_frame, repeated_rows, summary
from core.quality.graph import cosine_graph
from core.vectors import unit_rows


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = unit_rows(rng.normal(size=(300, 32)), np.float32)  # random directions: no natural near pair
    texts = [f"text {i}" for i in range(300)]
    near = {(10, 200): 0.02, (20, 201): 0.03, (201, 250): 0.01}  # 20 ~ 201 ~ 250 form one group of three
    for (src, dst), noise in near.items():
        X[dst] = unit_rows(X[src] + rng.normal(scale=noise, size=32), np.float32)
    for src, dst in ((5, 150), (5, 151), (7, 152)):  # exact copies: same text, same vector
        X[dst], texts[dst] = X[src], texts[src]
    return X, texts


def test_exact_copies_are_counted_exactly():
    X, texts = _data()
    result = find_duplicates(X, texts, threshold=0.9, use_cache=False)
    assert result.exact_texts.sum() == 3 and result.exact_vectors.sum() == 3
    assert np.flatnonzero(result.exact_texts).tolist() == [150, 151, 152]
    assert repeated_rows(["a", "b", "a", "a"]).tolist() == [False, False, True, True]


def test_planted_near_copies_are_found_and_grouped():
    X, texts = _data()
    result = find_duplicates(X, texts, threshold=0.9, use_cache=False)
    found = set(zip(result.pairs["row_a"], result.pairs["row_b"]))
    assert {(10, 200), (20, 201), (201, 250), (5, 150), (5, 151), (150, 151), (7, 152)} <= found
    assert len(found) == 8  # (20, 250) too: the group of three is close all round
    groups = result.groups
    assert groups[20] == groups[201] == groups[250] and groups[5] == groups[150] == groups[151]
    assert result.n_groups == 4 and (groups >= 0).sum() == 10


def test_pairs_match_brute_force_above_the_threshold():
    X, texts = _data(seed=1)
    cos = X @ X.T
    a, b = np.triu_indices(len(X), 1)
    expected = {(i, j) for i, j in zip(a, b) if cos[i, j] >= 0.95}
    pairs = near_pairs(cosine_graph(X, 16, use_cache=False), X, 0.95)
    assert set(zip(pairs["row_a"], pairs["row_b"])) == expected
    np.testing.assert_allclose(pairs["cosine"], [cos[i, j] for i, j in zip(pairs["row_a"], pairs["row_b"])],
                               atol=1e-5)


def test_keep_one_per_group_lists_the_removed_rows():
    X, texts = _data()
    result = find_duplicates(X, texts, threshold=0.9, use_cache=False)
    removed = removed_frame(result, np.arange(len(X)), texts)
    assert sorted(removed["row"]) == [150, 151, 152, 200, 201, 250]
    assert dict(zip(removed["row"], removed["kept_row"])) == {150: 5, 151: 5, 152: 7, 200: 10, 201: 20, 250: 20}
    assert result.keep.sum() == len(X) - 6
    assert summary(result)["removed"] == 6 and summary(result)["exact_duplicates"] == 3
    pairs = pairs_frame(result, np.arange(len(X)), texts)
    row = pairs[(pairs["row_a"] == 10) & (pairs["row_b"] == 200)].iloc[0]
    assert (row["text_a"], row["text_b"]) == ("text 10", "text 200")
    assert isinstance(pairs, pd.DataFrame) and list(pairs.columns[:5]) == ["row_a", "row_b", "cosine", "text_a",
                                                                             "text_b"]
