"""Reciprocal rank fusion, by hand-computed scores."""

from __future__ import annotations

import pytest

from assistant.retrieval.fusion import reciprocal_rank_fusion


def test_scores_are_the_sum_of_weighted_reciprocal_ranks():
    fused = dict(reciprocal_rank_fusion([["a", "b"], ["b", "c"]], k=60))
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["c"] == pytest.approx(1 / 62)


def test_best_first_and_ties_keep_first_appearance():
    order = [item for item, _ in reciprocal_rank_fusion([["a", "b"], ["b", "a"]], k=60)]
    assert order == ["a", "b"]  # equal scores: the order they first appeared in
    assert [i for i, _ in reciprocal_rank_fusion([["x"], ["y", "x"]])] == ["x", "y"]


def test_weights_scale_a_ranking_and_zero_silences_it():
    fused = dict(reciprocal_rank_fusion([["a"], ["b"]], k=10, weights=[1.0, 0.0]))
    assert fused["a"] == pytest.approx(1 / 11) and fused["b"] == 0.0
    assert [i for i, _ in reciprocal_rank_fusion([["a"], ["b"]], k=10, weights=[1.0, 2.0])] == ["b", "a"]


def test_one_weight_per_ranking():
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0])
