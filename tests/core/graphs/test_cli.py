"""`python -m core embed` and `evaluate` on graph files."""
from __future__ import annotations

import json

import networkx as nx
import numpy as np

from core.cli.commands import main

FAST = ["--walk-length", "20", "--walks-per-node", "10", "--graph-dimensions", "8", "--walk-epochs", "5"]


def _karate(tmp_path):
    graph = nx.karate_club_graph()
    nx.set_node_attributes(graph, {n: graph.nodes[n]["club"] for n in graph}, "community")
    path = tmp_path / "karate.gml"
    nx.write_gml(graph, path)
    return path


def test_embed_gml_and_edge_list(tmp_path, capsys):
    out = tmp_path / "v.npy"
    assert main(["embed", str(_karate(tmp_path)), "--model", "node2vec", "--out", str(out), *FAST]) == 0
    assert np.load(out, allow_pickle=False).shape == (34, 8)
    edges = tmp_path / "edges.csv"
    edges.write_text("a,b\nx,y\ny,z\nz,x\nx,x\n")
    assert main(["embed", str(edges), "--model", "deepwalk", "--source-column", "a", "--target-column", "b",
                 "--out", str(out), *FAST]) == 0
    assert np.load(out, allow_pickle=False).shape == (3, 8)
    assert "1 self-loop(s) removed" in capsys.readouterr().err


def test_evaluate_labels_and_link_prediction(tmp_path, capsys):
    code = main(["evaluate", str(_karate(tmp_path)), "--model", "deepwalk", "spectral", "--label-column",
                 "community", "--link-prediction", "--format", "json", *FAST])
    assert code == 0
    payload = json.loads(capsys.readouterr().out)
    by_model = {doc["model"]: doc for doc in payload["models"]}
    assert by_model["deepwalk"]["labels"]["knn_accuracy"] > 0.8
    assert "knn_accuracy_low" in by_model["spectral"]["labels"]
    assert all(0.0 <= doc["link_prediction"]["link_auc"] <= 1.0 for doc in by_model.values())
    assert "link_prediction" in payload["conventions"]


def test_link_prediction_without_labels_and_on_text_refused(tmp_path, capsys):
    assert main(["evaluate", str(_karate(tmp_path)), "--model", "node2vec", "--link-prediction", *FAST]) == 0
    assert "link_auc" in json.loads(capsys.readouterr().out)["link_prediction"]
    assert main(["evaluate", "builtin:lee-documents", "--model", "tfidf-lsa", "--link-prediction"]) == 2
    assert "needs a graph" in capsys.readouterr().err


def test_hostile_graphml_is_one_line(tmp_path, capsys):
    path = tmp_path / "evil.graphml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE g [<!ENTITY x "y">]><graphml/>')
    assert main(["embed", str(path), "--model", "node2vec", "--out", str(tmp_path / "v.npy")]) == 2
    assert "refused" in capsys.readouterr().err
