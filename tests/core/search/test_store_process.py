"""The store across real processes: persistence, a killed ingest, a Chroma server, and the CLI on both."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from core.errors import UserError
from core.search.exact import recall_at_k
from core.search.store import VectorStore
from tests.support.store_holder import holding, listing

ROOT = Path(__file__).resolve().parents[3]
N_KILL = 30_000
BATCH = 500
SERVER_START_TIMEOUT_S = 120  # how long to wait for the server to answer at all, not a performance limit

# A child process that fills a collection with rows "row i" -> vector i of a seeded random matrix.
INGEST_CHILD = """
import sys, time
import numpy as np
from core.search.exact import recall_at_k
from core.search.store import VectorStore
path, name, n, dim, pause = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
vectors = np.random.default_rng(0).normal(size=(n, dim)).astype(np.float32)
def tick(done, total):
    print("done", done, flush=True)
    time.sleep(pause)
store = VectorStore.open(path)
store.ingest(name, texts=[f"row {i}" for i in range(n)], vectors=vectors, metadatas=[{"i": i} for i in range(n)],
             model_id="m", model_key="mk", dataset="proc", batch_size=%d, progress=tick)
print("finished", store.info(name).count, flush=True)
""" % BATCH  # noqa: UP031

# A child process that reports what the store holds, as JSON.
READ_CHILD = """
import json, sys
import numpy as np
from core.search.exact import recall_at_k
from core.search.store import VectorStore
store = VectorStore.open(sys.argv[1])
table = store.collections()
hits = store.query(sys.argv[2], np.random.default_rng(0).normal(size=(1, int(sys.argv[3]))), k=1)
print(json.dumps({"names": table["name"].tolist(), "counts": table["count"].tolist(),
                  "complete": [store.info(n).complete for n in table["name"]], "top": hits["text"].tolist()}))
"""


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), **extra)
    env.pop("CHROMA_HOST", None)
    env.pop("CHROMA_PORT", None)
    return env


def run_child(code: str, *args: object, **env: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=ROOT, env=child_env(**env),
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def expected_vectors(n: int, dim: int) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(n, dim)).astype(np.float32)


def test_collections_and_counts_survive_a_new_process(tmp_path):
    path = tmp_path / "chroma"
    out = run_child(INGEST_CHILD, path, "persist-a", 1200, 8, 0).stdout
    assert "finished 1200" in out
    run_child(INGEST_CHILD, path, "persist-b", 300, 8, 0)
    report = json.loads(run_child(READ_CHILD, path, "persist-a", 8).stdout)
    assert report["names"] == ["persist-a", "persist-b"]
    assert report["counts"] == [1200, 300]
    assert report["complete"] == [True, True]
    # the top hit read back in the new process is the nearest row under exact search
    vectors = expected_vectors(1200, 8)
    query = np.random.default_rng(0).normal(size=(1, 8)).astype(np.float32)
    sims = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)) @ (query[0] / np.linalg.norm(query))
    assert report["top"] == [f"row {int(np.argmax(sims))}"]


def _ingest_until_killed(path: Path, name: str, batches_before_kill: int) -> int:
    """Start a real ingest, SIGKILL it after some batches are acknowledged; returns the rows acknowledged."""
    err_path = path.parent / "ingest-child.err"
    with err_path.open("wb") as err:  # stderr to a file: an unread pipe could fill up and stall the child
        proc = subprocess.Popen([sys.executable, "-c", INGEST_CHILD, str(path), name, str(N_KILL), "8", "0.05"],
                                cwd=ROOT, env=child_env(), stdout=subprocess.PIPE, stderr=err, text=True)
    acknowledged = 0
    try:
        for line in proc.stdout:
            if line.startswith("done"):
                acknowledged = int(line.split()[1])
                if acknowledged >= batches_before_kill * BATCH:
                    break
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL, err_path.read_text()[-2000:]
    return acknowledged


def test_a_killed_ingest_leaves_a_consistent_collection_that_a_rerun_completes(tmp_path):
    path, name = tmp_path / "chroma", "killed"
    acknowledged = _ingest_until_killed(path, name, batches_before_kill=6)
    assert acknowledged >= 6 * BATCH
    # 1. after the kill: a readable collection holding every acknowledged batch, no more than the total
    store = VectorStore.open(path)
    info = store.info(name)
    assert acknowledged <= info.count < N_KILL
    assert not info.complete and "incomplete" in info.status
    ids, matrix, texts, _ = store.vectors(name)
    assert len(ids) == len(set(ids)) == info.count
    expected = expected_vectors(N_KILL, 8)
    rows = [int(t.split()[1]) for t in texts]
    np.testing.assert_allclose(matrix, expected[rows], rtol=1e-6)  # every stored row is whole and correct
    # 2. running the same ingest again finishes it, writing only what was missing
    report = store.ingest(name, texts=[f"row {i}" for i in range(N_KILL)], vectors=expected,
                          metadatas=[{"i": i} for i in range(N_KILL)], model_id="m", model_key="mk",
                          dataset="proc", batch_size=BATCH)
    assert report.count == N_KILL and report.written == N_KILL - info.count and report.skipped == info.count
    ids = store.vectors(name)[0]
    assert len(ids) == len(set(ids)) == N_KILL
    assert store.info(name).complete
    found = store.query(name, expected[12345], k=1)
    assert found["text"].iloc[0] == "row 12345"


# ---------------------------------------------------------------------- the command line


def write_topics(path: Path) -> Path:
    rows = ([("The striker scored a late goal in the football match.", "sport"),
             ("The tennis player won the championship final.", "sport"),
             ("The team trained at the stadium before the match.", "sport"),
             ("The chef simmered tomato sauce with garlic and basil.", "cooking"),
             ("The baker baked bread in a hot oven.", "cooking"),
             ("My grandmother whisked eggs with sugar and butter.", "cooking"),
             ("The rocket reached orbit around the planet.", "space"),
             ("The telescope photographed a distant galaxy.", "space"),
             ("The astronaut docked with the space station.", "space")])
    path.write_text("text,topic\n" + "".join(f"\"{t}\",{topic}\n" for t, topic in rows), encoding="utf-8")
    return path


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core", *args], cwd=ROOT, env=child_env(**env),
                          capture_output=True, text=True)


def cli_round_trip(csv: Path, store_args: list[str], **env: str) -> None:
    """index a CSV with GloVe, then search it by text (JSON and table), by filter, and by vector file."""
    done = run_cli("index", str(csv), "--model", "glove-6b-50d", "--collection", "topics", *store_args, **env)
    assert done.returncode == 0, done.stderr
    assert "collection topics: 9 vectors (9 written" in done.stdout
    again = run_cli("index", str(csv), "--model", "glove-6b-50d", "--collection", "topics", *store_args, **env)
    assert "(0 written, 9 already there" in again.stdout
    hits = run_cli("search", "soup recipe with tomatoes", "--collection", "topics", "-k", "3", "--format", "json",
                   *store_args, **env)
    assert hits.returncode == 0, hits.stderr
    rows = json.loads(hits.stdout)
    assert len(rows) == 3 and rows[0]["topic"] == "cooking" and rows[0]["rank"] == 1
    assert {"id", "distance", "similarity", "text"} <= set(rows[0])
    space = run_cli("search", "planet", "--collection", "topics", "--where", '{"topic": "space"}', "--contains",
                    "rocket", *store_args, **env)
    assert space.returncode == 0 and "The rocket reached orbit" in space.stdout and "striker" not in space.stdout
    vector = csv.with_suffix(".json")
    vector.write_text(json.dumps([0.0] * 49 + [1.0]))
    by_vector = run_cli("search", "--vector", str(vector), "--collection", "topics", "-k", "2", "--format", "json",
                        *store_args, **env)
    assert by_vector.returncode == 0 and len(json.loads(by_vector.stdout)) == 2
    wrong = run_cli("search", "x", "--collection", "nope", *store_args, **env)
    assert wrong.returncode != 0 and wrong.stderr.startswith("error: No collection named 'nope'")
    assert "Traceback" not in wrong.stderr


def test_cli_index_and_search_on_the_embedded_store(tmp_path):
    cli_round_trip(write_topics(tmp_path / "topics.csv"), ["--path", str(tmp_path / "chroma")],
                   EE_DATA_DIR=str(tmp_path / "data"))


def test_cli_refuses_a_collection_of_another_model(tmp_path):
    csv = write_topics(tmp_path / "topics.csv")
    store = ["--path", str(tmp_path / "chroma")]
    assert run_cli("index", str(csv), "--model", "glove-6b-50d", "--collection", "shared", *store).returncode == 0
    clash = run_cli("index", str(csv), "--model", "tfidf-lsa", "--collection", "shared", *store)
    assert clash.returncode == 2 and "Nothing was written" in clash.stderr


# ---------------------------------------------------------------------- a real Chroma server


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_heartbeat(port: int, proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited with {proc.returncode}: {log_path.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("chroma run did not answer its heartbeat")


@contextlib.contextmanager
def running_chroma(tmp_path: Path, **env: str) -> Iterator[int]:
    """A real `chroma run` on 127.0.0.1 with its own data folder (and `env` added); yields its port."""
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if chroma is None:
        pytest.skip("the `chroma` command (from the chromadb package) is not installed, so no server can be started")
    port = _free_port()
    log_path = tmp_path / "chroma-server.log"
    with log_path.open("wb") as log:  # a file, not a pipe: an unread pipe fills up and stalls the server
        proc = subprocess.Popen([chroma, "run", "--host", "127.0.0.1", "--port", str(port), "--path",
                                 str(tmp_path / "server-data")], stdout=log, stderr=subprocess.STDOUT,
                                env=child_env(ANONYMIZED_TELEMETRY="False", **env))
        try:
            _wait_for_heartbeat(port, proc, log_path)
            yield port
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture
def chroma_server(tmp_path):
    """A real `chroma run` on 127.0.0.1 with its own data folder; yields its port."""
    with running_chroma(tmp_path) as port:
        yield port


def test_the_store_works_against_a_chroma_server(chroma_server, monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(chroma_server))
    store = VectorStore.open()  # from the environment, as the app and the CLI do
    assert store.path is None and store.location == f"Chroma server at 127.0.0.1:{chroma_server}"
    assert store.size_on_disk() is None
    vectors = np.random.default_rng(2).normal(size=(2500, 32)).astype(np.float32)
    texts = [f"row {i}" for i in range(2500)]
    metas = [{"group": "even" if i % 2 == 0 else "odd", "i": i} for i in range(2500)]
    report = store.ingest("served", texts=texts, vectors=vectors, metadatas=metas, model_id="m", model_key="mk",
                          dataset="served")
    assert report.count == 2500 and store.info("served").complete
    assert store.info("served").search_ef >= 100
    queries = np.random.default_rng(3).normal(size=(20, 32)).astype(np.float32)
    found = store.query("served", queries, k=10, where={"group": "odd"})
    exact = store.exact_query("served", queries, k=10, where={"group": "odd"})
    assert (found["group"] == "odd").all() and len(found) == 200
    recalls = [recall_at_k(found[found["query"] == q]["id"].tolist(), exact[exact["query"] == q]["id"].tolist())
               for q in range(len(queries))]
    assert np.mean(recalls) >= 0.98
    assert store.query("served", vectors[7], k=1)["text"].iloc[0] == "row 7"
    again = store.ingest("served", texts=texts, vectors=vectors, metadatas=metas, model_id="m", model_key="mk",
                         dataset="served")
    assert again.written == 0 and again.count == 2500
    # a second, independent client (another app process) sees the same collection
    other = VectorStore.open(host="127.0.0.1", port=chroma_server)
    assert other.info("served").count == 2500
    other.delete("served")
    assert store.names() == []


def test_the_cli_works_against_a_chroma_server(chroma_server, tmp_path):
    cli_round_trip(write_topics(tmp_path / "topics.csv"), ["--host", "127.0.0.1", "--port", str(chroma_server)],
                   EE_DATA_DIR=str(tmp_path / "data"))
    assert not (tmp_path / "data" / "chroma").exists()  # nothing went to an embedded store


def test_an_unreachable_server_is_one_clear_error(tmp_path):
    result = run_cli("search", "x", "--host", "127.0.0.1", "--port", str(_free_port()))
    assert result.returncode == 2
    assert result.stderr.startswith("error: Could not reach the Chroma server at 127.0.0.1:")


# ---------------------------------------------------------------------- one process per embedded store


def test_a_second_process_is_refused_and_writes_nothing(tmp_path):
    path = tmp_path / "chroma"
    with holding(path) as holder:
        before = listing(path)
        with pytest.raises(UserError) as refused:
            VectorStore.open(path)
        assert listing(path) == before
    message = str(refused.value)
    assert f"in use by process {holder.pid} (" in message and str(path) in message
    assert "CHROMA_HOST=127.0.0.1" in message and f"chroma run --path {path}" in message
    assert VectorStore.open(path).info("held").count == 20  # the holder has exited: the store opens


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    path = tmp_path / "chroma"
    with holding(path) as holder:
        with pytest.raises(UserError, match=f"in use by process {holder.pid} "):
            VectorStore.open(path)
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        assert VectorStore.open(path).info("held").count == 20


def test_one_process_may_open_its_store_twice_and_holds_it(tmp_path):
    path = tmp_path / "chroma"
    first, second = VectorStore.open(path), VectorStore.open(str(path) + "/")
    assert first.names() == second.names() == []
    other = subprocess.run([sys.executable, "-c", "import sys; from core.search.store import VectorStore; "
                            "VectorStore.open(sys.argv[1])", str(path)], cwd=ROOT, env=child_env(),
                           capture_output=True, text=True)
    assert other.returncode != 0 and f"in use by process {os.getpid()} (" in other.stderr


def test_cli_index_against_a_held_store_is_one_error_line(tmp_path):
    csv, path = write_topics(tmp_path / "topics.csv"), tmp_path / "chroma"
    with holding(path) as holder:
        before = listing(path)
        result = run_cli("index", str(csv), "--model", "glove-6b-50d", "--collection", "topics", "--path", str(path))
        assert listing(path) == before
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: The store at ") and result.stderr.count("\n") == 1
    assert f"in use by process {holder.pid} (" in result.stderr and "CHROMA_HOST" in result.stderr
    assert run_cli("index", str(csv), "--model", "glove-6b-50d", "--collection", "topics",
                   "--path", str(path)).returncode == 0
