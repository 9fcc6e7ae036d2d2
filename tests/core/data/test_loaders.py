"""Tests for core.data.loaders: every supported format, bad input, and exclusions."""
from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from core.data.loaders import (
    decode_text,
    exclude_nonfinite,
    load_npy,
    load_path,
    load_projector_tsv,
    load_word_vectors,
    parse_vector_column,
    read_table,
    table_to_dataset,
    tables,
)
from core.data.table import Exclusions
from core.errors import DataError


def npy_bytes(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=allow_pickle)
    return buf.getvalue()


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- decode_text


def test_decode_utf8_plain_and_bom():
    assert decode_text("héllo".encode(), "a.csv") == ("héllo", "utf-8")
    text, encoding = decode_text("\ufeffhéllo".encode("utf-8"), "a.csv")
    assert text == "héllo"
    assert encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_decode_utf16_with_bom(codec):
    data = "\ufefftext,n\ncafé,1\n".encode(codec)
    text, encoding = decode_text(data, "a.csv")
    assert text == "text,n\ncafé,1\n"
    assert encoding == "utf-16"


@pytest.mark.parametrize(
    "content",
    ["café\n", "text\ncafé au lait\nnaïve résumé\n", "a,b\n1,Grüße aus Köln\n2,señor\n"],
)
def test_decode_cp1252_reports_encoding(content):
    text, encoding = decode_text(content.encode("cp1252"), "legacy.csv")
    assert text == content
    assert encoding == "cp1252"


def test_decode_cyrillic_cp1251_is_not_forced_to_cp1252():
    content = "text\nПривет мир, как дела? Хорошо.\n"
    text, encoding = decode_text(content.encode("cp1251"), "ru.csv")
    assert text == content
    assert encoding != "cp1252"


def test_decode_binary_garbage_refused():
    garbage = bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8))
    with pytest.raises(DataError, match="blob.csv is not text or a table file: it looks like binary data") as err:
        decode_text(garbage, "blob.csv")
    assert "UTF-8" not in str(err.value)  # re-saving would not help: it is not a text file


def test_decode_utf16_without_bom_is_refused_as_binary():
    with pytest.raises(DataError, match="blob.csv is not text"):
        decode_text("text\nhello\n".encode("utf-16-le"), "blob.csv")


def test_decode_control_characters_refused():
    with pytest.raises(DataError, match="not text"):
        decode_text(bytes(range(1, 32)) * 20, "ctl.txt")


def test_decode_empty_refused():
    with pytest.raises(DataError, match="empty.csv is empty"):
        decode_text(b"", "empty.csv")


# ---------------------------------------------------------------- read_table: good files


def test_read_csv_keeps_na_words_as_strings_and_numbers_numeric():
    data = b"text,score,code\nnan,1,007\nnull,2.5,010\nnone,,020\nNA,4,030\n"
    frame = read_table(data, "words.CSV")
    assert frame["text"].tolist() == ["nan", "null", "none", "NA"]
    assert pd.api.types.is_float_dtype(frame["score"])
    assert frame["score"].iloc[1] == 2.5
    assert np.isnan(frame["score"].iloc[2])
    assert frame["code"].tolist() == ["007", "010", "020", "030"]


def test_read_csv_integer_column_and_na_markers_in_numeric_column():
    frame = read_table(b"id,val\n1,3\n2,NA\n3,5\n", "a.csv")
    assert pd.api.types.is_integer_dtype(frame["id"])
    assert frame["val"].isna().tolist() == [False, True, False]


def test_read_csv_quoted_fields_and_semicolons():
    frame = read_table(b'text,n\n"hello, world",1\n"say ""hi""",2\n', "q.csv")
    assert frame["text"].tolist() == ["hello, world", 'say "hi"']
    semi = read_table(b"text;n\nhello;1\nworld;2\n", "excel.csv")
    assert list(semi.columns) == ["text", "n"]
    assert semi["n"].tolist() == [1, 2]


def test_read_tsv_and_tab():
    for name in ["a.tsv", "a.tab"]:
        frame = read_table(b"text\tlabel\nhello, there\tx\nnull\ty\n", name)
        assert frame["text"].tolist() == ["hello, there", "null"]
        assert frame["label"].tolist() == ["x", "y"]


def test_read_cp1252_csv():
    frame = read_table("text,n\ncafé,1\n".encode("cp1252"), "legacy.csv")
    assert frame["text"].tolist() == ["café"]


def test_read_json_array_of_objects():
    data = json.dumps([{"text": "a", "n": 1}, {"text": "null", "n": 2}]).encode()
    frame = read_table(data, "a.json")
    assert frame["text"].tolist() == ["a", "null"]
    assert frame["n"].tolist() == [1, 2]


def test_read_json_object_of_columns():
    data = json.dumps({"text": ["a", "b"], "label": ["x", "y"]}).encode()
    frame = read_table(data, "a.json")
    assert list(frame.columns) == ["text", "label"]
    assert frame["label"].tolist() == ["x", "y"]


def test_read_jsonl_skips_blank_lines():
    data = b'{"text": "a", "n": 1}\n\n{"text": "b", "n": 2}\n'
    frame = read_table(data, "a.ndjson")
    assert frame["text"].tolist() == ["a", "b"]
    assert read_table(data, "a.jsonl").shape == (2, 2)


def test_read_parquet_roundtrip():
    source = pd.DataFrame({"text": ["a", "b"], "n": [1.5, 2.5]})
    frame = read_table(parquet_bytes(source), "a.parquet")
    assert frame["text"].tolist() == ["a", "b"]
    assert frame["n"].tolist() == [1.5, 2.5]


def test_read_txt_one_item_per_line():
    frame = read_table(b"first line\n\n   \nsecond\r\nnull\n", "items.txt")
    assert list(frame.columns) == ["text"]
    assert frame["text"].tolist() == ["first line", "second", "null"]


def test_column_names_made_unique_strings():
    data = json.dumps({"1": [1], "a": [2]}).encode()
    frame = read_table(data, "a.json")
    assert all(isinstance(c, str) for c in frame.columns)
    frame = read_table(parquet_bytes(pd.DataFrame([[1, 2, 3]])), "x.parquet")
    assert list(frame.columns) == ["0", "1", "2"]
    assert tables._unique_names(["a", "a", 5, "", "a"]) == ["a", "a_2", "5", "column_4", "a_3"]


# ---------------------------------------------------------------- read_table: bad files


def test_unknown_extension_lists_supported():
    with pytest.raises(DataError, match=r"'\.xlsx'.*\.csv.*\.parquet"):
        read_table(b"abc", "book.xlsx")


def test_malformed_json_reports_line():
    data = b'[\n  {"text": "a"},\n  {"text": "b",,}\n]\n'
    with pytest.raises(DataError, match=r"bad.json is not valid JSON.*line 3"):
        read_table(data, "bad.json")


def test_malformed_jsonl_reports_line():
    data = b'{"text": "a"}\n{"text": "b"\n'
    with pytest.raises(DataError, match=r"line 2"):
        read_table(data, "bad.jsonl")


def test_jsonl_non_object_line_refused():
    with pytest.raises(DataError, match="line 2 is not a JSON object"):
        read_table(b'{"text": "a"}\n[1, 2]\n', "bad.jsonl")


def test_json_unequal_columns_refused():
    with pytest.raises(DataError, match="bad.json"):
        read_table(json.dumps({"text": ["a", "b"], "n": [1]}).encode(), "bad.json")


def test_json_scalar_refused():
    with pytest.raises(DataError, match="does not hold a table"):
        read_table(b"42", "bad.json")


def test_ragged_csv_with_extra_field_refused():
    with pytest.raises(DataError, match=r"ragged.csv.*Expected 2 fields in line 3, saw 3"):
        read_table(b"a,b\n1,2\n3,4,5\n", "ragged.csv")


def test_ragged_csv_with_missing_field_is_filled():
    frame = read_table(b"text,b\nx\ny,z\n", "short.csv")
    assert frame["b"].tolist() == ["", "z"]


def test_unclosed_quote_refused():
    with pytest.raises(DataError, match=r"quote.csv.*quotes"):
        read_table(b'text,b\n"never closed,1\nx,2\n', "quote.csv")


def test_corrupt_parquet_refused():
    with pytest.raises(DataError, match="broken.parquet could not be read as Parquet"):
        read_table(b"PAR1 this is not really parquet PAR1", "broken.parquet")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"text,n\n", "header.csv", "no data rows"),
        (b"\n\n", "blank.csv", "no columns"),
        (b"[]", "empty.json", "no columns"),
        (b"\n \n", "blank.txt", "no data rows"),
        (b"", "zero.csv", "is empty"),
    ],
)
def test_empty_tables_refused(data, name, message):
    with pytest.raises(DataError, match=message):
        read_table(data, name)


def test_too_many_rows_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 3)
    with pytest.raises(DataError, match="sample"):
        read_table(b"text\na\nb\nc\nd\n", "big.csv")
    assert len(read_table(b"text\na\nb\nc\n", "ok.csv")) == 3


# ---------------------------------------------------------------- parse_vector_column


def test_parse_vector_column_json_strings_and_plain_numbers():
    values = pd.Series(["[0.1, 0.2]", "0.3 0.4", "0.5,0.6", "[0.7 0.8]"], name="v")
    matrix, bad, reasons = parse_vector_column(values)
    assert matrix.dtype == np.float32
    np.testing.assert_allclose(matrix, [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]], rtol=1e-6)
    assert bad == [] and reasons == []


def test_parse_vector_column_bad_rows_reported():
    values = pd.Series(
        ["[1, 2, 3, 4]", "oops", "[1, 2, 3]", "[1, NaN, 3, 4]", None, [5, 6, 7, 8], "[1e40, 0, 0, 0]"],
        index=[10, 11, 12, 13, 14, 15, 16],
    )
    matrix, bad, reasons = parse_vector_column(values)
    assert bad == [1, 2, 3, 4, 6]
    assert reasons == [
        "unparseable vector",
        "wrong dimension (got 3, expected 4)",
        "NaN or inf in vector",
        "unparseable vector",
        "NaN or inf in vector",
    ]
    np.testing.assert_array_equal(matrix, [[1, 2, 3, 4], [5, 6, 7, 8]])


def test_parse_vector_column_all_bad_refused():
    with pytest.raises(DataError, match="'emb' has no usable vectors"):
        parse_vector_column(pd.Series(["a", "b", ""], name="emb"))


def test_exclude_nonfinite_mask_and_row_ids():
    excluded = Exclusions()
    vectors = np.array([[1.0, 2.0], [np.inf, 0.0], [0.0, np.nan]], dtype=np.float32)
    keep = exclude_nonfinite(vectors, excluded, [7, 8, 9])
    assert keep.tolist() == [True, False, False]
    assert excluded.rows == [8, 9]


# ---------------------------------------------------------------- table_to_dataset


def test_table_to_dataset_excludes_with_original_rows():
    frame = pd.DataFrame(
        {
            "text": ["a", "  ", "c", None, "e", "f", 7],
            "vec": ["[1,2]", "[1,2]", "[1,2,3]", "[1,2]", "[nan,1]", "[3,4]", "[5,6]"],
            "label": list("ABCDEFG"),
        },
        index=[100, 101, 102, 103, 104, 105, 106],
    )
    ds = table_to_dataset(frame, name="t", text_column="text", vector_column="vec")
    assert ds.texts == ["a", "f", "7"]
    assert ds.frame["label"].tolist() == ["A", "F", "G"]
    assert list(ds.frame.columns) == ["text", "label"]
    assert ds.excluded.rows == [1, 2, 3, 4]
    assert ds.excluded.reasons == [
        "empty text",
        "wrong dimension (got 3, expected 2)",
        "empty text",
        "NaN or inf in vector",
    ]
    np.testing.assert_array_equal(ds.vectors, [[1, 2], [3, 4], [5, 6]])
    assert ds.frame["text"].map(type).eq(str).all()


def test_table_to_dataset_metadata_subset():
    frame = pd.DataFrame({"text": ["a", "b"], "x": [1, 2], "y": [3, 4]})
    ds = table_to_dataset(frame, name="t", text_column="text", metadata_columns=["y"])
    assert list(ds.frame.columns) == ["text", "y"]
    assert ds.vectors is None


def test_table_to_dataset_unknown_column_lists_available():
    frame = pd.DataFrame({"text": ["a"], "x": [1]})
    with pytest.raises(DataError, match="'body' not found.*Available columns: text, x"):
        table_to_dataset(frame, name="t", text_column="body")
    with pytest.raises(DataError, match="'emb' not found"):
        table_to_dataset(frame, name="t", text_column="text", vector_column="emb")


def test_table_to_dataset_all_excluded_refused():
    frame = pd.DataFrame({"text": ["", " ", None]})
    with pytest.raises(DataError, match="Every row of t was excluded.*3 empty text"):
        table_to_dataset(frame, name="t", text_column="text")


def test_vector_column_as_lists_in_parquet():
    source = pd.DataFrame({"text": ["a", "b", "c"], "emb": [[0.1, 0.2], [0.3, 0.4], [0.5]]})
    frame = read_table(parquet_bytes(source), "emb.parquet")
    ds = table_to_dataset(frame, name="emb", text_column="text", vector_column="emb")
    assert ds.vectors.shape == (2, 2)
    assert ds.vectors.dtype == np.float32
    assert ds.excluded.rows == [2]


def test_vector_column_as_json_strings_in_csv():
    data = b'text,emb\na,"[0.1, 0.2]"\nb,"[0.3, 0.4]"\n'
    ds = table_to_dataset(read_table(data, "e.csv"), name="e", text_column="text", vector_column="emb")
    np.testing.assert_allclose(ds.vectors, [[0.1, 0.2], [0.3, 0.4]], rtol=1e-6)
    assert len(ds.excluded) == 0


# ---------------------------------------------------------------- load_npy


def test_load_npy_without_metadata_generates_labels():
    ds = load_npy(npy_bytes(np.arange(6, dtype=np.float64).reshape(3, 2)), name="v")
    assert ds.vectors.dtype == np.float32
    assert ds.vectors.shape == (3, 2)
    assert ds.text_column == "label"
    assert ds.texts == ["row 0", "row 1", "row 2"]


def test_load_npy_with_metadata_uses_first_string_column():
    meta = pd.DataFrame({"id": [1, 2, 3], "title": ["x", "y", "z"], "kind": ["p", "q", "r"]})
    ds = load_npy(npy_bytes(np.ones((3, 4), dtype=np.int32)), name="v", metadata=meta)
    assert ds.text_column == "title"
    assert ds.frame["id"].tolist() == [1, 2, 3]
    chosen = load_npy(npy_bytes(np.ones((3, 4))), name="v", metadata=meta, label_column="kind")
    assert chosen.text_column == "kind"


def test_load_npy_numeric_metadata_gets_free_label_name():
    meta = pd.DataFrame({"label": [0, 1]})
    ds = load_npy(npy_bytes(np.ones((2, 2))), name="v", metadata=meta)
    assert ds.text_column == "label_2"
    assert ds.frame["label"].tolist() == [0, 1]


def test_load_npy_excludes_nonfinite_rows():
    array = np.array([[1, 2], [np.nan, 0], [3, 4], [np.inf, 1]], dtype=np.float64)
    meta = pd.DataFrame({"text": ["a", "b", "c", "d"]})
    ds = load_npy(npy_bytes(array), name="v", metadata=meta)
    assert ds.texts == ["a", "c"]
    assert ds.excluded.rows == [1, 3]
    assert ds.excluded.reasons == ["NaN or inf in vector"] * 2
    np.testing.assert_array_equal(ds.vectors, [[1, 2], [3, 4]])


def test_load_npy_metadata_row_count_mismatch():
    meta = pd.DataFrame({"text": ["a", "b"]})
    with pytest.raises(DataError, match="3 vectors but the metadata table has 2 rows"):
        load_npy(npy_bytes(np.ones((3, 2))), name="v", metadata=meta)


CALLS: list[str] = []


def _record_unpickle(tag: str) -> str:
    CALLS.append(tag)
    return tag


class Booby:
    """Unpickling this object calls _record_unpickle, which the test can detect."""

    def __reduce__(self):
        return (_record_unpickle, ("unpickled!",))


def test_load_npy_object_array_refused_without_unpickling():
    CALLS.clear()
    data = npy_bytes(np.array([Booby(), Booby()], dtype=object), allow_pickle=True)
    with pytest.raises(DataError, match="contains Python objects; only plain numeric arrays are accepted"):
        load_npy(data, name="evil")
    assert CALLS == []


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.ones(4), "one vector per row.*reshape"),
        (np.ones((2, 2, 2)), r"shape \(2, 2, 2\)"),
        (np.array([["a", "b"]]), "not real numbers"),
        (np.ones((2, 2), dtype=np.complex64), "not real numbers"),
        (np.ones((0, 3)), "empty"),
    ],
)
def test_load_npy_bad_arrays_refused(array, message):
    with pytest.raises(DataError, match=message):
        load_npy(npy_bytes(array), name="v")


def test_load_npy_not_npy_refused():
    with pytest.raises(DataError, match="not a NumPy .npy file"):
        load_npy(b"hello", name="v")
    truncated = npy_bytes(np.ones((100, 10)))[:200]
    with pytest.raises(DataError, match="could not be read"):
        load_npy(truncated, name="v")


# ---------------------------------------------------------------- projector TSV


def test_projector_single_column_metadata_has_no_header():
    vectors = b"0.1\t0.2\n0.3\t0.4\n0.5\t0.6\n"
    metadata = b"apple\nnull\nnan\n"
    ds = load_projector_tsv(vectors, metadata, name="p")
    assert ds.text_column == "label"
    assert ds.texts == ["apple", "null", "nan"]
    assert ds.vectors.shape == (3, 2)


def test_projector_multi_column_metadata_has_header():
    vectors = b"1\t2\n3\t4\n"
    metadata = b"word\tcount\nhello\t5\nworld\t7\n"
    ds = load_projector_tsv(vectors, metadata, name="p")
    assert ds.text_column == "word"
    assert ds.texts == ["hello", "world"]
    assert ds.frame["count"].tolist() == [5, 7]


def test_projector_without_metadata_and_bad_rows():
    vectors = b"1\t2\n1\t2\t3\nx\ty\n3\tnan\n5\t6\n\n"
    ds = load_projector_tsv(vectors, name="p")
    assert ds.texts == ["row 0", "row 4"]
    assert ds.excluded.rows == [1, 2, 3]
    assert ds.excluded.reasons == [
        "wrong dimension (got 3, expected 2)",
        "unparseable vector",
        "NaN or inf in vector",
    ]


def test_projector_row_count_mismatch():
    with pytest.raises(DataError, match="vectors file has 2 rows but the metadata file has 3"):
        load_projector_tsv(b"1\t2\n3\t4\n", b"a\nb\nc\n", name="p")


# ---------------------------------------------------------------- word vectors


def test_glove_text_keeps_na_words():
    data = b"the 0.1 0.2 0.3\nnan 1 2 3\nnull 4 5 6\nNone 7 8 9\n"
    ds = load_word_vectors(data, name="glove")
    assert ds.text_column == "word"
    assert ds.texts == ["the", "nan", "null", "None"]
    assert ds.vectors.dtype == np.float32
    assert ds.vectors.shape == (4, 3)


def test_word2vec_text_header():
    data = b"3 2\ncat 1 2\ndog 3 4\nfish 5 6\n"
    ds = load_word_vectors(data, name="w2v")
    assert ds.texts == ["cat", "dog", "fish"]
    np.testing.assert_array_equal(ds.vectors, [[1, 2], [3, 4], [5, 6]])


def test_word_vectors_bad_lines_reported_with_line_numbers():
    data = b"2 3\ncat 1 2 3\ndog 1 2\nbird 1 x 3\nfox 1 2 nan\nowl 4 5 6\n"
    ds = load_word_vectors(data, name="w")
    assert ds.texts == ["cat", "owl"]
    assert ds.excluded.rows == [1, 2, 3]
    assert ds.excluded.reasons == [
        "wrong number of values (got 2, expected 3) (line 3)",
        "non-numeric value (line 4)",
        "NaN or inf in vector",
    ]


def test_word_vectors_limit_and_multiword_tokens():
    data = b"a 1 2\n. . . 3 4\nb 5 6\nc 7 8\n"
    ds = load_word_vectors(data, name="w", limit=3)
    assert ds.texts == ["a", ". . .", "b"]
    assert len(ds.vectors) == 3


def test_word_vectors_not_vectors_refused():
    with pytest.raises(DataError, match="does not look like word vectors"):
        load_word_vectors(b"hello\nworld\n", name="w")


# ---------------------------------------------------------------- load_path


def test_load_path_csv_picks_text_column(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_bytes(b"id,Sentence,stars\n1,good,5\n2,null,1\n")
    ds = load_path(path)
    assert ds.name == "reviews"
    assert ds.text_column == "Sentence"
    assert ds.texts == ["good", "null"]


def test_load_path_first_string_column_and_vectors(tmp_path):
    path = tmp_path / "v.jsonl"
    path.write_text('{"n": 1, "body": "x", "emb": [1, 2]}\n{"n": 2, "body": "y", "emb": [3, 4]}\n')
    ds = load_path(path, vector_column="emb")
    assert ds.text_column == "body"
    assert ds.vectors.shape == (2, 2)


def test_load_path_no_text_column(tmp_path):
    path = tmp_path / "nums.csv"
    path.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(DataError, match="No column of text found"):
        load_path(path)


def test_load_path_npy_with_metadata(tmp_path):
    (tmp_path / "emb.npy").write_bytes(npy_bytes(np.ones((2, 3))))
    (tmp_path / "meta.csv").write_bytes(b"name,n\nx,1\ny,2\n")
    ds = load_path(tmp_path / "emb.npy", metadata_path=str(tmp_path / "meta.csv"))
    assert ds.texts == ["x", "y"]
    assert ds.vectors.shape == (2, 3)


def test_load_path_projector_pair(tmp_path):
    (tmp_path / "vectors.tsv").write_bytes(b"1\t2\n3\t4\n")
    (tmp_path / "metadata.tsv").write_bytes(b"first\nsecond\n")
    ds = load_path(tmp_path / "vectors.tsv")
    assert ds.texts == ["first", "second"]
    (tmp_path / "emb.tsv").write_bytes(b"1\t2\n3\t4\n")
    (tmp_path / "labels.tsv").write_bytes(b"word\tn\nu\t1\nv\t2\n")
    ds = load_path(tmp_path / "emb.tsv", metadata_path=str(tmp_path / "labels.tsv"))
    assert ds.texts == ["u", "v"]
    assert ds.vectors.shape == (2, 2)


def test_load_path_word_vectors_and_plain_text(tmp_path):
    (tmp_path / "glove.txt").write_bytes(b"king 0.1 0.2\nqueen 0.3 0.4\n")
    ds = load_path(tmp_path / "glove.txt")
    assert ds.text_column == "word"
    assert ds.vectors.shape == (2, 2)
    (tmp_path / "notes.txt").write_bytes(b"Chapter 1 is short\nnull\n")
    ds = load_path(tmp_path / "notes.txt")
    assert ds.text_column == "text"
    assert ds.vectors is None
    assert ds.texts == ["Chapter 1 is short", "null"]


def test_load_path_missing_file(tmp_path):
    with pytest.raises(DataError, match="File not found"):
        load_path(tmp_path / "nope.csv")


@pytest.mark.parametrize(("head", "kind"), [(b"PK\x03\x04", "Excel"), (b"%PDF-1.7", "PDF"), (b"\x89PNG\r\n", "PNG")])
def test_binary_files_are_named_by_kind(head, kind):
    with pytest.raises(DataError, match=f"book.csv is not text or a table file: it looks like .*{kind}"):
        decode_text(head + bytes(range(256)) * 4, "book.csv")


def test_nested_json_object_is_refused_with_the_key_named():
    payload = {"meta": {"source": "api", "year": 2024}, "count": 2}
    with pytest.raises(DataError, match='nested.json is a nested JSON object: "meta" holds an object'):
        read_table(json.dumps(payload).encode(), "nested.json")
    wrapped = {"data": {"text": ["a", "b"], "label": ["x", "y"]}}
    with pytest.raises(DataError, match='save "data" on its own'):
        read_table(json.dumps(wrapped).encode(), "wrapped.json")


def test_json_records_with_nested_objects_become_dotted_columns():
    records = [{"text": "a", "meta": {"year": 2020}, "vec": [1, 2]}, {"text": "b", "meta": {"year": 2021}, "vec": [3, 4]}]
    for name, data in (("r.json", json.dumps(records)), ("r.jsonl", "\n".join(map(json.dumps, records)))):
        frame = read_table(data.encode(), name)
        assert list(frame.columns) == ["text", "vec", "meta.year"] and frame["meta.year"].tolist() == [2020, 2021]
        assert frame["vec"].tolist() == [[1, 2], [3, 4]]


def test_vectors_only_files_are_flagged_as_having_no_text_to_embed():
    buf = io.BytesIO()
    np.save(buf, np.eye(6, dtype=np.float32))
    bare = load_npy(buf.getvalue(), name="v.npy")
    assert bare.generated_labels and bare.texts[:2] == ["row 0", "row 1"]
    assert bare.subset(np.arange(6) > 0, reason="test").generated_labels
    with_text = load_npy(buf.getvalue(), name="v.npy", metadata=pd.DataFrame({"title": list("abcdef")}))
    assert not with_text.generated_labels
    assert load_projector_tsv(b"1\t0\n0\t1\n", name="p").generated_labels
    assert not load_projector_tsv(b"1\t0\n0\t1\n", b"a\nb\n", name="p").generated_labels
