"""Every evaluation asked for, model by model, and the models side by side.

The one path the Evaluate page and `python -m core evaluate` share: the same request and the same data
give both the same figures.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.data.table import Dataset
from core.errors import UserError
from core.evaluation import compare, retrieval
from core.evaluation.classification import check_labels
from core.evaluation.evaluate import (
    LabelEvaluation,
    Progress,
    encode_queries_and_texts,
    evaluate_labels,
    lee_similarity,
    model_encoder,
    text_clusters,
    word_similarity,
)
from core.evaluation.lee import LeeResult
from core.evaluation.word_similarity import RESTRICT_VOCAB, WordPairs, WordSimResult


@dataclass(frozen=True)
class EvaluationRequest:
    """Which evaluations to run; the label and query columns apply to the user's data."""

    word_sets: tuple[WordPairs, ...] = ()
    restrict_vocab: int = RESTRICT_VOCAB
    lee: bool = False
    label_column: str | None = None
    query_column: str | None = None
    label_clusters: bool = False  # ARI and NMI of the labels against KMeans with one cluster per label
    knn_metric: str = "cosine"  # the distance the kNN classifier ranks neighbours by (core.distances)


@dataclass
class LabelsOnData:
    """The label evaluation, and the source rows of the points it covers (a model may leave rows out)."""

    evaluation: LabelEvaluation
    rows: np.ndarray


@dataclass
class RetrievalOnData:
    """Every row's query ranked against all texts, the queries whose text did not come first, their source rows."""

    result: retrieval.RetrievalResult
    failed: pd.DataFrame
    rows: np.ndarray


@dataclass
class ModelEvaluation:
    """One model's results, under the name it is shown by; None where the request did not ask."""

    model: str
    word_similarity: list[WordSimResult] | None = None
    lee: LeeResult | None = None
    labels: LabelsOnData | None = None
    retrieval: RetrievalOnData | None = None


@dataclass
class Comparison:
    """Models side by side on one evaluation, with bootstrap intervals, and a sentence per pair of models."""

    table: pd.DataFrame
    metric: str
    notes: list[str]


def _column(frame: pd.DataFrame, name: str, what: str) -> pd.Series:
    if name not in frame.columns:
        columns = ", ".join(map(str, frame.columns))
        raise UserError(f"The {what} column '{name}' is not in the file. Columns: {columns}.")
    return frame[name]


def evaluate_model(model_key: str, request: EvaluationRequest, *, name: str | None = None,
                   data: Dataset | None = None, embedded: Dataset | None = None,
                   get_embedder: Callable | None = None, progress: Progress | None = None) -> ModelEvaluation:
    """Every evaluation `request` asks for, with one model, named `name` (default: the model key).

    `data` holds the user's rows: each row's query searches all texts. The labels are evaluated on
    `embedded`, the rows the model embedded with its vectors; without it, `data` is embedded here.
    """
    found = ModelEvaluation(name or model_key)
    encode = model_encoder(model_key, get_embedder=get_embedder, progress=progress)
    # 1. the standard sets
    if request.word_sets:
        found.word_similarity = word_similarity(model_key, request.word_sets, restrict_vocab=request.restrict_vocab,
                                                encode=encode)
    if request.lee:
        found.lee = lee_similarity(model_key, encode=encode)
    # 2. the user's data
    if data is not None and request.label_column:
        if embedded is None:
            from core.embedding.encode import embed_dataset

            embedded, _ = embed_dataset(data, model_key, get_embedder=get_embedder, progress=progress)
        found.labels = _labels(embedded, request.label_column, with_clusters=request.label_clusters,
                               knn_metric=request.knn_metric)
    if data is not None and request.query_column:
        found.retrieval = evaluate_retrieval(model_key, data, request.query_column, get_embedder=get_embedder,
                                             progress=progress)
    return found


def _labels(embedded: Dataset, column: str, *, with_clusters: bool, knn_metric: str) -> LabelsOnData:
    labels, vectors = check_labels(_column(embedded.frame, column, "label")), embedded.require_vectors()
    clusters = text_clusters(vectors, len(set(labels))) if with_clusters else None
    return LabelsOnData(evaluate_labels(vectors, labels, clusters=clusters, knn_metric=knn_metric),
                        np.asarray(embedded.source_rows))


def evaluate_retrieval(model_key: str, data: Dataset, column: str, *, get_embedder: Callable | None = None,
                       progress: Progress | None = None) -> RetrievalOnData:
    """Each row's query (from `column`) should find that row's text among all of `data`'s texts."""
    queries = _column(data.frame, column, "query").astype(str).tolist()
    q, t = encode_queries_and_texts(model_key, queries, data.texts, get_embedder=get_embedder, progress=progress)
    result = retrieval.rank_queries(q, t)
    return RetrievalOnData(result, retrieval.failed_queries(result, queries, data.texts), np.asarray(data.source_rows))


def compare_models(evaluations: Sequence[ModelEvaluation]) -> dict[str, Comparison]:
    """Word similarity, labels and retrieval side by side, for each evaluation some model ran."""
    words = {e.model: e.word_similarity for e in evaluations if e.word_similarity is not None}
    labels = {e.model: e.labels.evaluation for e in evaluations if e.labels is not None}
    ranks = {e.model: e.retrieval.result for e in evaluations if e.retrieval is not None}
    tables = {}
    if words:
        tables["word_similarity"] = (compare.word_comparison_table(words), "spearman")
    if labels:
        tables["labels"] = (compare.label_comparison_table(labels), "logreg_accuracy")
    if ranks:
        tables["retrieval"] = (compare.retrieval_comparison_table(ranks), "recall_at_1")
    return {task: Comparison(table, metric, _notes(table, metric)) for task, (table, metric) in tables.items()}


def _notes(table: pd.DataFrame, metric: str) -> list[str]:
    """A sentence per pair of models on `metric`, within each word set where there are sets."""
    groups = table.groupby("set") if "set" in table else [(None, table)]
    return [s for _, part in groups for s in compare.overlap_sentences(part, metric)]


def similarity_table(evaluations: Sequence[ModelEvaluation], comparisons: dict[str, Comparison]) -> pd.DataFrame:
    """The word-similarity comparison, then one Lee-documents row per model."""
    parts = [comparisons["word_similarity"].table] if "word_similarity" in comparisons else []
    lee = [{"model": e.model, **e.lee.as_dict()} for e in evaluations if e.lee is not None]
    parts += [pd.DataFrame(lee)] if lee else []
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def per_point_table(data: Dataset, evaluations: Sequence[ModelEvaluation]) -> pd.DataFrame | None:
    """Per source row and model: the out-of-fold predictions and the retrieval ranks (empty where left out)."""
    parts = []
    for e in evaluations:
        if e.labels is not None:
            table = e.labels.evaluation.per_point().drop(columns="label")
            parts.append(table.set_axis(e.labels.rows).add_prefix(f"{e.model}:"))
        if e.retrieval is not None:
            table = e.retrieval.result.per_query()[["rank"]]
            parts.append(table.set_axis(e.retrieval.rows).add_prefix(f"{e.model}:retrieval_"))
    if not parts:
        return None
    return data.frame.set_axis(data.source_rows).join(pd.concat(parts, axis=1)).reset_index(drop=True)
