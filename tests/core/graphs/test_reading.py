"""Graphs in: edge lists, GML, GraphML (hostile files refused), node tables; nothing dropped unseen."""
from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from core.errors import DataError
from core.graphs.payload import graph_payload
from core.graphs.reading import edge_list_graph, load_graph, load_graph_path

EDGES = "from,to,w\na,b,1\nb,c,2\nc,a,1\na,b,3\nd,d,1\n"
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="undirected">
<node id="&lol2;"/></graph></graphml>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE graphml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="undirected">
<node id="n0"><data key="d0">&secret;</data></node></graph></graphml>"""


def test_edge_list_counts_loops_duplicates_and_isolated_nodes():
    frame = pd.read_csv(pd.io.common.StringIO(EDGES))
    graph, report = edge_list_graph(frame, source="from", target="to", weight="w")
    assert sorted(graph.edges()) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert graph["a"]["b"]["weight"] == 4.0
    assert (report.self_loops, report.duplicate_edges, report.isolated_nodes) == (1, 1, 1)
    assert "d" in graph  # the self-looped node stays, as an isolated node
    assert any("self-loop" in s for s in report.sentences()) and any("isolated" in s for s in report.sentences())


def test_edge_columns_are_picked_by_name():
    frame = pd.DataFrame({"weight": [1, 2], "target": ["x", "y"], "source": ["y", "z"]})
    graph, _ = edge_list_graph(frame)
    assert sorted(graph["y"]) == ["x", "z"] and graph["y"]["z"]["weight"] == 2.0


def test_bad_weights_are_refused_with_the_row():
    frame = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "weight": [1, -2]})
    with pytest.raises(DataError, match="row 2"):
        edge_list_graph(frame)


def test_node_table_joined_by_id_with_unknown_ids_counted():
    nodes = pd.DataFrame({"id": ["a", "b", "zzz"], "team": ["red", "blue", "green"]})
    dataset = load_graph(EDGES.encode(), "edges.csv", node_table=nodes)
    frame = dataset.frame.set_index("node")
    assert frame.loc["a", "team"] == "red" and pd.isna(frame.loc["c", "team"])
    report = graph_payload(dataset).report
    assert report.unknown_node_ids == 1 and report.nodes_without_attributes == 2
    assert "1 node-table row(s) name no node" in report.summary()


def test_numeric_ids_meet_across_tables(tmp_path):
    (tmp_path / "e.csv").write_text("source,target\n1,2\n2,3\n")
    (tmp_path / "n.csv").write_text("node,group\n1,x\n2,y\n3,y\n")
    dataset = load_graph_path(tmp_path / "e.csv", source_column="source", metadata_path=str(tmp_path / "n.csv"))
    assert dataset.kind == "graph"
    assert dict(zip(dataset.frame["node"], dataset.frame["group"])) == {"1": "x", "2": "y", "3": "y"}


@pytest.mark.parametrize("writer, ext", [(nx.write_gml, "gml"), (nx.write_graphml, "graphml")])
def test_gml_and_graphml_keep_attributes(tmp_path, writer, ext):
    graph = nx.karate_club_graph()
    path = tmp_path / f"karate.{ext}"
    writer(graph, path)
    dataset = load_graph_path(path)
    assert len(dataset) == 34 and graph_payload(dataset).graph.number_of_edges() == 78
    assert (dataset.frame["club"] == "Mr. Hi").sum() == 17
    assert dataset.frame["degree"].sum() == 2 * 78


def test_directed_graphs_are_read_as_undirected_and_said_so(tmp_path):
    path = tmp_path / "d.graphml"
    nx.write_graphml(nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c")]), path)
    report = graph_payload(load_graph_path(path)).report
    assert report.directed and report.duplicate_edges == 1
    assert "undirected" in report.summary()


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL])
def test_hostile_graphml_is_refused(hostile):
    with pytest.raises(DataError, match="refused"):
        load_graph(hostile, "evil.graphml")


def test_broken_files_get_one_sentence():
    with pytest.raises(DataError, match="not well-formed"):
        load_graph(b"<graphml><node", "broken.graphml")
    with pytest.raises(DataError, match="GML"):
        load_graph(b"graph [ node [ id 1 ", "broken.gml")


def test_snap_style_edge_lists_are_read():
    data = b"# a comment\n1 2\n2\t3\n3 1\nnan 1\n"
    dataset = load_graph(data, "ring.edgelist")
    assert sorted(dataset.frame["node"]) == ["1", "2", "3", "nan"]
    assert graph_payload(dataset).graph.number_of_edges() == 4
    with pytest.raises(DataError, match="two node ids"):
        load_graph(b"1 2\n1 2 3 4\n", "bad.txt")
