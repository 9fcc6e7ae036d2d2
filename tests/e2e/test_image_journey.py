"""Browser journey for pictures: upload a zip of photos in two folders, see thumbnails on hover and in the selection,
search by a picture; and the offline HTML map shows pictures on hover without a single request."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from core.bench.browser import map_ready_js
from tests.support.tiny_images import image_dataset, photo, photos_zip

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LOAD_TIMEOUT_MS = 300_000  # a fresh server may still be compiling UMAP
STEP_TIMEOUT_MS = 120_000
N_PHOTOS = 12
HOVER_PICTURE = "#ee-hover-thumb"

POINT_JS = """gd => {
    const t = gd._fullData.filter(t => t.x && t.x.length)[0], xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
    const row = Array.isArray(t.customdata[0]) ? t.customdata[0][0] : t.customdata[0];
    return {x: box.left + xa.l2p(t.x[0]), y: box.top + ya.l2p(t.y[0]), row: row}; }"""


def hover_first_point(page: Page, chart: Locator) -> dict:
    """Move the mouse onto the first drawn point of a chart; returns where it is and its row."""
    where = chart.evaluate(POINT_JS)
    page.mouse.move(where["x"] - 10, where["y"])
    page.mouse.move(where["x"], where["y"], steps=5)
    return where


def upload(page: Page, index: int, name: str, data: bytes, mime: str, label: str | None = None) -> None:
    """Put a file into the page's `index`-th file uploader (the one labelled `label`, once the page shows it)."""
    uploaders = page.locator('[data-testid="stFileUploader"]')
    if label is not None:
        uploaders = uploaders.filter(has=page.get_by_text(label, exact=True))
        expect(uploaders).to_have_count(1, timeout=STEP_TIMEOUT_MS)  # the rerun after the kind's radio has landed
    uploaders.nth(index).locator('input[type="file"]').set_input_files({"name": name, "mimeType": mime, "buffer": data})


def test_upload_photos_see_pictures_on_hover_and_in_the_selection_then_search_by_a_picture(
        page: Page, app_url: str, artifacts_dir: Path):
    page.goto(f"{app_url}/data")
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=LOAD_TIMEOUT_MS)
    page.get_by_text("Upload a file", exact=True).click(timeout=STEP_TIMEOUT_MS)
    page.get_by_text(re.compile(r"^Images: a \.zip of pictures")).click(timeout=STEP_TIMEOUT_MS)
    upload(page, 0, "photos.zip", photos_zip(), "application/zip",
           label="A .zip of PNG, JPEG, WebP, GIF, BMP or TIFF images")
    page.get_by_role("button", name="Use these images").click(timeout=STEP_TIMEOUT_MS)  # after the zip is read
    model = page.locator('[data-testid="stSelectbox"]').filter(has=page.locator("label").get_by_text("Model", exact=True))
    model.get_by_role("combobox").click(timeout=STEP_TIMEOUT_MS)
    page.get_by_role("option", name="Grey pixels (32 x 32)", exact=True).click()
    page.get_by_role("button", name="Embed and map").click()
    expect(page.get_by_text(re.compile(rf"^{N_PHOTOS} vectors of dimension 1024"))).to_be_visible(
        timeout=STEP_TIMEOUT_MS)

    # 1. the map: a point's picture shows beside the mouse
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Map", exact=True).click()
    # the UMAP map itself: a selection made on the quick preview ends when the map replaces it
    page.wait_for_function(map_ready_js(f"n === {N_PHOTOS}", title="UMAP of"), timeout=LOAD_TIMEOUT_MS, polling=300)
    chart = page.locator(".st-key-ee_map_chart .js-plotly-plot")
    picture = page.locator(HOVER_PICTURE)
    expect(picture).to_have_count(0)
    hover_first_point(page, chart)
    expect(picture).to_be_visible(timeout=STEP_TIMEOUT_MS)
    assert picture.get_attribute("src").startswith("data:image/")
    page.screenshot(path=str(artifacts_dir / "e2e-images-hover.png"), full_page=True)

    # 2. a click: the point's picture, its neighbours and the selection table with an image column
    where = chart.evaluate(POINT_JS)
    page.mouse.click(where["x"], where["y"])
    expect(page.get_by_role("heading", name="1 selected", exact=True)).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.locator('[data-testid="stImage"] img').first).to_be_visible()
    headers = page.locator('[data-testid="stDataFrame"] [role="columnheader"]').filter(has_text=re.compile("^image$"))
    expect(headers).to_have_count(2, timeout=STEP_TIMEOUT_MS)  # the neighbours and the selection
    page.screenshot(path=str(artifacts_dir / "e2e-images-selection.png"), full_page=True)

    # 3. search by a picture: the results carry pictures
    page.locator('[data-testid="stSidebar"]').get_by_role("link", name="Search", exact=True).click()
    page.get_by_role("button", name=f"Index {N_PHOTOS} vectors").click(timeout=LOAD_TIMEOUT_MS)
    expect(page.get_by_text(re.compile(rf"complete \({N_PHOTOS} vectors\)"))).to_be_visible(timeout=STEP_TIMEOUT_MS)
    upload(page, 0, "query.png", photo("blue", 3), "image/png")
    expect(page.get_by_text("Recall@10 vs exact")).to_be_visible(timeout=STEP_TIMEOUT_MS)
    expect(page.locator('[data-testid="stImage"] img').first).to_be_visible()  # the query picture
    results = page.locator('[data-testid="stDataFrame"]').filter(
        has=page.locator('[role="columnheader"]').filter(has_text=re.compile("^similarity$|^cosine similarity$")))
    expect(results.locator('[role="columnheader"]').filter(has_text=re.compile("^image$"))).to_have_count(1)
    page.screenshot(path=str(artifacts_dir / "e2e-images-search.png"), full_page=True)


def test_offline_html_map_shows_pictures_on_hover_with_no_request(chromium, tmp_path: Path, artifacts_dir: Path):
    import numpy as np

    from core.maps.export import standalone_html
    from core.maps.figure import build_scatter
    from core.maps.thumbnails import html_thumbnails

    photos = image_dataset(per_class=4)
    coords = np.random.default_rng(0).normal(size=(len(photos), 2))
    fig = build_scatter(coords, photos.frame, text_column="path", color="label")
    pictures = html_thumbnails(photos, fig)
    file = tmp_path / "photos-map.html"
    file.write_text(standalone_html(fig, title="photos", thumbnails=pictures), encoding="utf-8")
    context = chromium.new_context(viewport={"width": 1000, "height": 800})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(file.as_uri())
    chart = page.locator(".js-plotly-plot")
    expect(chart).to_be_visible()
    where = hover_first_point(page, chart)
    picture = page.locator(HOVER_PICTURE)
    expect(picture).to_be_visible()
    assert picture.get_attribute("src") == pictures[where["row"]]
    page.screenshot(path=str(artifacts_dir / "e2e-images-offline-html.png"))
    context.close()
    assert [url for url in requests if not url.startswith("data:")] == [file.as_uri()]
