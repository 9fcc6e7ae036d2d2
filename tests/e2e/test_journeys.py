"""Browser journeys against a real `streamlit run app.py`: the default map, page switching, and an upload."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from core.bench.browser import map_ready_js

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

FIRST_MAP_TIMEOUT_MS = 300_000  # first load embeds 2,756 sentences and compiles UMAP
STEP_TIMEOUT_MS = 120_000
LSA_TITLE = "TF-IDF + SVD (LSA, no weights)"

TOPICS = {  # subjects x predicates give distinct sentences with an obvious topic each
    "sport": (["The striker", "The goalkeeper", "The tennis player", "The marathon runner", "The team captain"],
              ["scored a late goal in the football match", "won the championship final", "trained at the stadium",
               "was cheered by the fans"]),
    "cooking": (["The chef", "My grandmother", "The baker", "The cook"],
                ["simmered tomato sauce with garlic and basil", "baked bread in a hot oven",
                 "whisked eggs with sugar and butter", "seasoned the soup with salt and pepper"]),
    "space": (["The rocket", "The space probe", "The astronaut", "The telescope"],
              ["reached orbit around the planet", "photographed a distant galaxy", "docked with the space station",
               "landed on the surface of Mars"]),
}


def wait_for_points(page: Page, condition: str, timeout_ms: int) -> int:
    """Wait until the chart's point count `n` satisfies the JS `condition`, e.g. 'n > 2000'."""
    return drawn_map(page, condition, timeout_ms)["points"]


def drawn_map(page: Page, condition: str, timeout_ms: int, *, title: str = "") -> dict:
    """Wait for a map whose point count `n` satisfies `condition` and whose title starts with `title`;
    its `points` and `title`, read in the same moment."""
    return page.wait_for_function(map_ready_js(condition, title=title), timeout=timeout_ms, polling=500).json_value()


def open_page(page: Page, name: str) -> None:
    """Click a page's link in the sidebar navigation and wait for its title."""
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)


def selectbox(page: Page, label: str) -> Locator:
    """The combobox of the Streamlit selectbox labelled exactly `label`."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has=page.locator("label").get_by_text(label, exact=True))
    return box.get_by_role("combobox")


def choose(page: Page, label: str, option: str) -> None:
    """Pick `option` in the Streamlit selectbox labelled exactly `label`."""
    combobox = selectbox(page, label)
    combobox.click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(combobox).to_have_value(option)


def write_topics_csv(path: Path, n_rows: int = 40) -> Path:
    """A small CSV of distinct short sentences on three obvious topics."""
    per_topic = [[(f"{subject} {predicate}.", topic) for subject in subjects for predicate in predicates]
                 for topic, (subjects, predicates) in TOPICS.items()]
    rows = [row for group in zip(*per_topic) for row in group]  # round-robin, so the topics stay balanced
    assert len(rows) >= n_rows
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "topic"])
        writer.writerows(rows[:n_rows])
    return path


def test_default_map_then_data_page_and_back(page: Page, app_url: str, artifacts_dir: Path):
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Map", exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    assert wait_for_points(page, "n > 2000", FIRST_MAP_TIMEOUT_MS) > 2000
    expect(page.get_by_text(re.compile(r"· 2,756 points ·"))).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "e2e-map.png"), full_page=True)

    open_page(page, "Data")
    expect(page.get_by_text("Built-in dataset", exact=True)).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "e2e-data.png"), full_page=True)

    open_page(page, "Map")
    assert wait_for_points(page, "n > 2000", STEP_TIMEOUT_MS) > 2000


def test_upload_csv_embed_with_lsa_and_map(page: Page, app_url: str, artifacts_dir: Path, tmp_path: Path):
    csv_path = write_topics_csv(tmp_path / "topics.csv")
    page.goto(f"{app_url}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)

    page.get_by_text("Upload a file", exact=True).click()
    page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(str(csv_path))
    page.get_by_role("button", name="Use this file").click()
    expect(page.get_by_text(re.compile(r"topics\.csv: 40 rows"))).to_be_visible(timeout=STEP_TIMEOUT_MS)

    choose(page, "Model", LSA_TITLE)
    page.get_by_role("button", name="Embed and map").click()
    expect(page.get_by_text(re.compile(r"^40 vectors of dimension"))).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.screenshot(path=str(artifacts_dir / "e2e-upload-data.png"), full_page=True)

    open_page(page, "Map")
    assert wait_for_points(page, "n === 40", FIRST_MAP_TIMEOUT_MS) == 40
    expect(page.get_by_text(re.compile(r"· 40 points ·"))).to_be_visible()
    choose(page, "Colour by", "topic")
    page.wait_for_function("() => ((document.querySelector('.js-plotly-plot') || {})._fullData || []).length === 3", polling=500)
    assert wait_for_points(page, "n === 40", STEP_TIMEOUT_MS) == 40  # the chart may redraw once more
    page.screenshot(path=str(artifacts_dir / "e2e-upload-map.png"), full_page=True)

    open_page(page, "Data")  # the upload and the model choice survive the trip to the map
    expect(page.get_by_role("radio", name="Upload a file")).to_be_checked()
    expect(selectbox(page, "Model")).to_have_value(LSA_TITLE)


def test_npy_upload_maps_its_own_vectors(page: Page, app_url: str, artifacts_dir: Path, tmp_path: Path):
    import numpy as np

    vectors = np.random.default_rng(1).normal(size=(24, 16)).astype(np.float32)
    vectors[5] = np.nan
    np.save(tmp_path / "nan.npy", vectors)
    page.goto(f"{app_url}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.get_by_text("Upload a file", exact=True).click()
    npy_kind = page.get_by_text("Vectors: a .npy file, with an optional metadata table", exact=True)
    npy_kind.click(timeout=STEP_TIMEOUT_MS)
    uploader = page.locator('[data-testid="stFileUploader"]').filter(has_text=".npy vectors")
    uploader.locator("input[type=file]").set_input_files(str(tmp_path / "nan.npy"))
    page.get_by_role("button", name="Use these vectors").click(timeout=STEP_TIMEOUT_MS)
    expect(selectbox(page, "Model")).to_have_value("The data's own vectors", timeout=STEP_TIMEOUT_MS)
    page.get_by_role("button", name="Embed and map").click()
    expect(page.get_by_text(re.compile(r"^23 vectors of dimension 16"))).to_be_visible(timeout=STEP_TIMEOUT_MS)
    open_page(page, "Map")
    assert wait_for_points(page, "n === 23", FIRST_MAP_TIMEOUT_MS) == 23
    expect(page.get_by_text(re.compile(r"the data's own vectors · 23 points · 16 dimensions"))).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "e2e-npy-map.png"), full_page=True)


def test_evaluate_labels_shows_misclassified_points_on_the_map(page: Page, app_url: str, tmp_path: Path,
                                                               artifacts_dir: Path):
    csv_path = write_topics_csv(tmp_path / "labelled.csv", n_rows=39)
    rows = list(csv.reader(csv_path.open(encoding="utf-8")))
    topics = list(TOPICS)
    for i, row in enumerate(rows[1:], start=1):  # every seventh row carries the next topic's label: a mistake
        row.append(topics[(topics.index(row[1]) + 1) % 3] if i % 7 == 0 else row[1])
    rows[0].append("label")
    with csv_path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(rows)
    page.goto(f"{app_url}/data")
    page.get_by_text("Upload a file", exact=True).click(timeout=STEP_TIMEOUT_MS)
    page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(str(csv_path))
    page.get_by_role("button", name="Use this file").click()
    expect(page.get_by_text(re.compile(r"labelled\.csv: 39 rows"))).to_be_visible(timeout=STEP_TIMEOUT_MS)
    choose(page, "Model", LSA_TITLE)
    page.get_by_role("button", name="Embed and map").click()
    expect(page.get_by_text(re.compile(r"^39 vectors of dimension"))).to_be_visible(timeout=STEP_TIMEOUT_MS)

    open_page(page, "Evaluate")
    choose(page, "Label column", "label")
    page.get_by_role("button", name="Evaluate on these labels").click()
    expect(page.get_by_text("logistic regression accuracy").first).to_be_visible(timeout=FIRST_MAP_TIMEOUT_MS)
    names_js = ("() => [...document.querySelectorAll('.js-plotly-plot')]"
                ".flatMap(el => (el._fullData || []).map(t => t.name || ''))")
    page.wait_for_function(f"({names_js})().some(n => n.startsWith('misclassified ('))", polling=500,
                           timeout=FIRST_MAP_TIMEOUT_MS)
    ringed = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(el => el._fullData)
        .filter(t => (t.name || '').startsWith('misclassified (')).reduce((n, t) => n + t.x.length, 0)""")
    assert ringed >= 5  # the five wrong labels at least
    page.screenshot(path=str(artifacts_dir / "e2e-evaluate-labels.png"), full_page=True)


BANK_SENTENCES = ["The river bank was muddy after the rain.", "They sat on the grassy bank of the stream.",
                  "We walked along the bank of the river at dawn.", "The boat drifted toward the far bank of the lake.",
                  "The bank raised interest rates again.", "She deposited her salary at the bank.",
                  "The bank approved the loan for the new house.", "He works as a teller at a bank downtown."]
SENSE_TRACES_JS = """() => {
    const el = document.querySelector('.js-plotly-plot');
    if (!el || !el._fullData) return null;
    return Object.fromEntries(el._fullData.map(t => [t.name, t.x ? t.x.length : 0]));
}"""


def test_words_in_context_map_of_typed_sentences(page: Page, app_url: str, artifacts_dir: Path):
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Map", exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    open_page(page, "Words in context")
    page.get_by_text("Sentences I type", exact=True).click()
    area = page.get_by_label("Sentences, one per line")
    area.fill("\n".join(BANK_SENTENCES))
    area.press("Control+Enter")
    word = page.get_by_label("Word", exact=True)
    word.fill("bank")
    word.press("Enter")
    page.get_by_role("button", name="Show contexts").click()
    page.wait_for_function(f"() => {{ const t = ({SENSE_TRACES_JS})(); return t && Object.keys(t).some("
                           "k => k.startsWith('sense')); }", timeout=FIRST_MAP_TIMEOUT_MS, polling=500)
    traces = page.evaluate(SENSE_TRACES_JS)
    senses = {name: n for name, n in traces.items() if name.startswith("sense")}
    assert sum(senses.values()) == len(BANK_SENTENCES) and len(senses) == 2
    assert traces["the word alone, no context"] == 1
    expect(page.get_by_text("GloVe is a static model", exact=False)).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "e2e-contexts.png"), full_page=True)


def test_four_sessions_opened_at_once_all_get_the_map(chromium, app_url: str, artifacts_dir: Path):
    contexts = [chromium.new_context(viewport={"width": 1400, "height": 1800}) for _ in range(4)]
    try:
        pages = [context.new_page() for context in contexts]
        for pg in pages:  # all four sessions start before any map is drawn
            pg.goto(app_url, wait_until="commit")
        for i, pg in enumerate(pages):
            assert wait_for_points(pg, "n > 2000", FIRST_MAP_TIMEOUT_MS) > 2000
            expect(pg.locator('[data-testid="stException"]')).to_have_count(0)
            pg.screenshot(path=str(artifacts_dir / f"e2e-room-{i}.png"))
    finally:
        for context in contexts:
            context.close()


def test_a_session_over_streamlits_protocol_receives_the_map_the_browser_draws(page: Page, app_url: str):
    """The sessions bench's wire client is faithful: its session gets the chart a browser session draws."""
    from components.bench.wire import chart_title, open_sessions, points_in

    page.goto(app_url)
    drawn = drawn_map(page, "n > 2000", FIRST_MAP_TIMEOUT_MS, title="UMAP of")
    received = []
    session, = open_sessions(app_url, 1, lambda spec: received.append(spec) or chart_title(spec).startswith("UMAP of"),
                             timeout_s=STEP_TIMEOUT_MS / 1000, assets=[app_url])
    assert session.map_s is not None and session.finished_s >= session.map_s
    assert points_in(received[-1]) == drawn["points"] == 2756
    assert re.sub(r"<[^>]*>", "", chart_title(received[-1])) == drawn["title"]


def test_finetune_a_tiny_model_and_see_before_and_after(page: Page, app_url: str, tmp_path: Path,
                                                         artifacts_dir: Path):
    from tests.support.finetune_toy import save_tiny_model, toy_texts

    model = save_tiny_model(tmp_path / "tiny")
    csv_path = tmp_path / "toy-topics.csv"
    toy_texts(30).to_csv(csv_path, index=False)
    page.goto(f"{app_url}/data")
    page.get_by_text("Upload a file", exact=True).click(timeout=STEP_TIMEOUT_MS)
    page.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(str(csv_path))
    page.get_by_role("button", name="Use this file").click()
    expect(page.get_by_text(re.compile(r"toy-topics\.csv: 90 rows"))).to_be_visible(timeout=STEP_TIMEOUT_MS)
    choose(page, "Model", "Another sentence-transformers model (name or local folder)…")
    page.get_by_label("Model name or local folder").fill(str(model))
    page.get_by_label("Model name or local folder").press("Enter")
    page.get_by_role("button", name="Embed and map").click()
    expect(page.get_by_text(re.compile(r"^90 vectors of dimension 16"))).to_be_visible(timeout=STEP_TIMEOUT_MS)

    open_page(page, "Fine-tune")
    page.get_by_text("This data: two texts with the same label are a pair", exact=True).click()
    choose(page, "Label column", "topic")
    page.get_by_text("Parameters", exact=True).click()
    for label, value in (("Learning rate", "0.1"), ("Epochs", "3"), ("Batch size", "16")):
        page.get_by_label(label, exact=True).fill(value)
        page.get_by_label(label, exact=True).press("Enter")
    expect(page.get_by_text(re.compile(r"pairs/s over 3 training steps"))).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.get_by_role("button", name="Start fine-tuning").click()
    expect(page.get_by_text("mrr@10 after", exact=True)).to_be_visible(timeout=FIRST_MAP_TIMEOUT_MS)
    expect(page.get_by_text(re.compile(r"\(before 0\.\d{3}\)")).first).to_be_visible()
    expect(page.get_by_text("The points that moved most")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    page.screenshot(path=str(artifacts_dir / "e2e-finetune.png"), full_page=True)
