"""Tests of anchoring.pipeline.hashing."""

from __future__ import annotations

import os

from anchoring.pipeline.hashing import list_files, sha256_file, sha256_record, sha256_tree

# SHA-256("abc"): the FIPS 180-2 example (appendix B.1).
ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_sha256_of_a_file_matches_the_published_example(tmp_path):
    path = tmp_path / "abc.txt"
    path.write_bytes(b"abc")
    assert sha256_file(path) == ABC


def test_digest_follows_a_rewrite_of_the_file(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    first = sha256_file(path)
    path.write_bytes(b"abd")
    os.utime(path, ns=(1, 1))  # a new modification time, as any rewrite gives
    assert sha256_file(path) != first


def test_tree_lists_files_sorted_and_skips_caches(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x").write_bytes(b"abc")
    (tmp_path / "a").write_bytes(b"abc")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "m.pyc").write_bytes(b"0")
    assert [p.name for p in list_files(tmp_path)] == ["a", "x"]
    assert sha256_tree(tmp_path, tmp_path.parent) == {
        f"{tmp_path.name}/a": ABC,
        f"{tmp_path.name}/b/x": ABC,
    }
    assert list_files(tmp_path / "missing") == []


def test_record_digest_ignores_key_order():
    assert sha256_record({"a": 1, "b": [1, 2]}) == sha256_record({"b": [1, 2], "a": 1})
    assert sha256_record({"a": 1}) != sha256_record({"a": 2})
