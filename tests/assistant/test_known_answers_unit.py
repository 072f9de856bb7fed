"""Known answers: which units answer a known question, the question's likeness to each, and hold-out for an honest
evaluation (an evaluated question never meets itself among the known ones)."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
from rapidfuzz import fuzz, process

from assistant.known_answers import (
    EXAMPLES_FILE,
    PASSAGE_QUESTIONS_FILE,
    AnswerExample,
    KnownAnswers,
    load_answer_examples,
)
from evals.golden import load_split
from tests.fixtures.small import programme

UNITS = [
    "Handlingsplanen följs årligen upp med stöd av nationell statistik.",
    "Social hållbarhet bygger på tre principer: TILLIT i relationer.",
    "Programmet är kommunövergripande.",
]


def known(*examples: AnswerExample) -> KnownAnswers:
    vectors = np.eye(len(examples), 4, dtype=np.float32)  # question i points along axis i
    return KnownAnswers(list(examples), vectors)


def test_a_unit_answers_the_questions_whose_phrases_it_holds_whatever_the_case_and_spacing():
    answers = known(
        AnswerExample("Följs programmet upp?", ("handlingsplanen   följs ÅRLIGEN upp",)),
        AnswerExample("Vad är tillit?", ("tillit i relationer", "tre principer")),
        AnswerExample("Vad kostar det?", ("en budget på tio miljoner",)),
    )
    by_unit = answers.answered_by(UNITS)
    assert [row.tolist() for row in by_unit] == [[0], [1], []]


def test_a_phrase_in_several_units_marks_each_of_them():
    answers = known(AnswerExample("Vad säger programmet?", ("programmet",)))
    texts = ["Programmet gäller alla.", "Ingenting här.", "Hela programmet."]
    assert [row.tolist() for row in answers.answered_by(texts)] == [[0], [], [0]]


def test_similarities_are_the_question_vector_against_each_known_question():
    answers = known(AnswerExample("a", ("x",)), AnswerExample("b", ("y",)))
    assert answers.similarities(np.asarray([0.6, 0.8, 0, 0], dtype=np.float32)).tolist() == [
        np.float32(0.6),
        np.float32(0.8),
    ]


def test_holding_out_hides_near_copies_of_the_question_only_inside_the_block():
    answers = known(
        AnswerExample("Följs programmet upp varje år?", ("x",)),
        AnswerExample("Vilka är de tre principerna?", ("y",)),
    )
    vector = np.asarray([1, 1, 0, 0], dtype=np.float32)
    with answers.holding_out(["följs programmet upp varje år"]):  # a near copy: case and "?" differ
        inside = answers.similarities(vector).tolist()
    assert inside == [-1.0, 1.0]
    assert answers.similarities(vector).tolist() == [1.0, 1.0]


def test_holding_out_is_per_thread():
    answers = known(AnswerExample("Följs programmet upp varje år?", ("x",)))
    vector = np.asarray([1, 0, 0, 0], dtype=np.float32)
    seen: list[float] = []
    with answers.holding_out(["Följs programmet upp varje år?"]):
        worker = threading.Thread(target=lambda: seen.extend(answers.similarities(vector).tolist()))
        worker.start()
        worker.join()
    assert seen == [1.0]


def test_no_examples_give_no_similarities_and_no_answering_units():
    answers = KnownAnswers([], np.zeros((0, 4), dtype=np.float32))
    assert answers.similarities(np.ones(4, dtype=np.float32)).size == 0
    assert [row.size for row in answers.answered_by(UNITS)] == [0, 0, 0]


def test_the_packaged_known_questions_come_from_dev_and_never_from_test():
    examples = load_answer_examples((EXAMPLES_FILE,))
    dev = {i.question for i in load_split("dev")}
    test = {i.question for i in load_split("test")}
    assert len(examples) > 300
    assert all(e.question in dev and e.question not in test for e in examples)
    assert all(e.phrases for e in examples)


def test_the_passage_questions_are_no_test_question_and_quote_the_programme():
    """The questions written for each passage: none is a test question or a near copy of one (rapidfuzz ratio 88),
    and each names phrases the programme holds verbatim."""
    examples = load_answer_examples((PASSAGE_QUESTIONS_FILE,))
    test = [i.question.casefold() for i in load_split("test")]
    _, chunks = programme()
    text = " ".join(" ".join(c.text.casefold().split()) for c in chunks)
    assert len(examples) > 1200
    assert all(" ".join(p.casefold().split()) in text for e in examples for p in e.phrases)
    near = [e.question for e in examples if process.extractOne(e.question.casefold(), test, scorer=fuzz.ratio)[1] >= 88]
    assert near == []


def test_both_files_are_known_answers():
    both = load_answer_examples()
    assert len(both) > len(load_answer_examples((EXAMPLES_FILE,))) + 1200


@pytest.mark.parametrize("name", [EXAMPLES_FILE, PASSAGE_QUESTIONS_FILE])
def test_the_packaged_file_is_one_json_object_per_line(name):
    from importlib import resources

    text = resources.files("assistant").joinpath(name).read_text("utf-8")
    rows = [json.loads(line) for line in text.splitlines()]
    assert all(set(row) == {"question", "phrases"} for row in rows)
