"""The Index lab's figures, built from its results alone (pure: no Streamlit)."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from core.distances import METRIC_LABELS, METRICS
from core.indexlab.lab import LabReport, pareto

KIND_LABELS = {"exact": "exact", "hnsw": "Chroma HNSW", "ivf": "FAISS IVF-Flat", "ivfpq": "FAISS IVF-PQ",
               "faiss_hnsw": "FAISS HNSW", "int8": "int8", "binary": "binary", "binary_rescore": "binary, rescored"}


def results_table(report: LabReport) -> pd.DataFrame:
    """One row per index and setting: recall, latency, build time, memory, and whether it is on the front."""
    rows = [{"index": r.name, "recall@k": round(r.recall_at_k, 4), "p50 ms": round(r.query_ms_p50, 3),
             "p95 ms": round(r.query_ms_p95, 3), "build s": round(r.build_s, 2),
             "bytes/vector": round(r.bytes_per_vector, 1), "index MB": round(r.index_bytes / 2**20, 2),
             "on the front": front} for r, front in zip(report.indexes, pareto(report.indexes))]
    return pd.DataFrame(rows)


def build_tradeoff(report: LabReport) -> go.Figure:
    """Recall@k against p50 latency (log scale), one trace per kind of index, with the Pareto front drawn."""
    fig = go.Figure()
    for kind, label in KIND_LABELS.items():
        part = [r for r in report.indexes if r.kind == kind]
        if part:
            fig.add_trace(go.Scatter(
                x=[r.query_ms_p50 for r in part], y=[r.recall_at_k for r in part], name=label,
                mode="lines+markers" if len(part) > 1 else "markers", text=[r.name for r in part],
                customdata=[[r.bytes_per_vector] for r in part],
                hovertemplate="%{text}<br>recall %{y:.3f} · %{x:.3f} ms · %{customdata[0]:,.0f} B/vector<extra></extra>"))
    front = sorted((r for r, keep in zip(report.indexes, pareto(report.indexes)) if keep),
                   key=lambda r: r.query_ms_p50)
    fig.add_trace(go.Scatter(x=[r.query_ms_p50 for r in front], y=[r.recall_at_k for r in front], name="Pareto front",
                             mode="lines", line={"dash": "dot", "color": "#555"}, hoverinfo="skip"))
    fig.update_layout(xaxis={"title": "query latency, p50 (ms, log scale)", "type": "log"},
                      yaxis={"title": f"recall@{report.k} against exact", "range": [0, 1.02]},
                      legend={"orientation": "h", "y": -0.2}, margin={"t": 30})
    return fig


def build_agreement(table: pd.DataFrame, k: int) -> go.Figure:
    """Heatmap of the top-k overlap between each pair of metrics."""
    labels = [dict(zip(METRICS, METRIC_LABELS))[m] for m in table.index]
    fig = go.Figure(go.Heatmap(z=table.to_numpy(), x=labels, y=labels, zmin=0, zmax=1, colorscale="Blues",
                               text=table.to_numpy().round(2), texttemplate="%{text}",
                               hovertemplate="%{y} vs %{x}: %{z:.2f}<extra></extra>"))
    fig.update_layout(title=f"Top-{k} neighbours two metrics share", yaxis={"autorange": "reversed"},
                      margin={"t": 40})
    return fig
