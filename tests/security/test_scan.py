"""The sweeps' matcher: a planted value is found wherever it occurs in a file's text, whatever its case."""

import pytest

from tests.security.scan import ids_in, planted_in

pytestmark = pytest.mark.fast


def test_planted_values_are_found_as_case_insensitive_substrings():
    text = "team =cmd|' /c calc'!a0 for zebulonia quillfeatherstone".lower()
    values = ["=CMD|' /C calc'!A0", "Zebulonia", "zebulonia", "Quill", "Absent", "onia quill"]
    assert planted_in(text, values) == sorted(["=CMD|' /C calc'!A0", "Zebulonia", "zebulonia", "Quill", "onia quill"])


def test_overlapping_and_nested_values_are_each_found():
    assert planted_in("abcabc", ["abca", "bcab", "cabc", "b", "cc"]) == ["abca", "b", "bcab", "cabc"]


def test_nothing_planted_is_nothing_found():
    assert planted_in("a clean report", ["secret", "Hidden"]) == []


def test_an_id_is_found_only_as_a_whole_word():
    assert ids_in("chx100011 and chx20002", ["CHX10001", "CHX20002"]) == ["CHX20002"]
