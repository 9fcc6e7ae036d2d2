"""The Index lab's pure figures: the agreement heatmap holds the table, the trade-off plot the results and front."""
import numpy as np

from components.indexlab.figures import build_agreement, build_tradeoff, results_table
from core.distances import agreement
from core.indexlab.lab import IndexResult, LabReport


def test_the_agreement_heatmap_holds_the_overlap_table():
    X = np.random.default_rng(0).normal(size=(50, 8)).astype(np.float32)
    table = agreement(X, k=5, n_queries=20)
    heatmap = build_agreement(table, 5).data[0]
    np.testing.assert_allclose(np.asarray(heatmap.z, dtype=float), table.to_numpy())


def test_the_tradeoff_plot_draws_each_kind_and_the_front_through_the_best_points():
    def result(name, kind, recall, ms):
        return IndexResult(name, kind, {}, recall, ms, ms, 0.0, 100.0, 1000)
    report = LabReport(10, 4, 10, 5, [result("exact", "exact", 1.0, 5.0), result("a", "ivf", 0.5, 0.1),
                                      result("b", "ivf", 0.9, 1.0), result("c", "int8", 0.8, 2.0)])
    fig = build_tradeoff(report).to_dict()
    names = [t["name"] for t in fig["data"]]
    assert names == ["exact", "FAISS IVF-Flat", "int8", "Pareto front"]
    assert list(fig["data"][-1]["x"]) == [0.1, 1.0, 5.0] and list(fig["data"][-1]["y"]) == [0.5, 0.9, 1.0]
    assert results_table(report)["on the front"].tolist() == [True, True, True, False]


def test_the_search_page_names_its_index():
    from components.indexlab.links import index_sentence
    from core.search.collection_info import CollectionInfo

    info = CollectionInfo("c", 5, 5, 384, "ip", None, None, None, None, "complete", search_ef=200)
    assert index_sentence(info) == ("Index: Chroma HNSW with ip (inner product) distance, ef_search 200, chosen when "
                                    "the data was indexed; exact search checks its answers.")
