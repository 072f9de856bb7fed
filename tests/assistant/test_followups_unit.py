"""Reading the previous answer's quotes back (no model needed)."""

from __future__ import annotations

from assistant.answer_types import evidence_holds
from assistant.followups import FollowUpOperations, previous_quotes, supported_lead
from assistant.models import Turn
from assistant.retrieval.searcher import RetrievedChunk
from assistant.understanding.goal_areas import GoalAreaResolver
from tests.fixtures.small import BagOfWordsEmbedder, chunks_by_id, programme


def test_previous_quotes_reads_blockquotes_with_their_markers_removed():
    text = "**Målområde:** X\n\nProgrammet säger:\n\n> En mening. [1]\n\n> Inledning:\n> - punkt ett\n> - punkt två [2]"
    assert previous_quotes(text) == ["En mening.", "Inledning:\n- punkt ett\n- punkt två"]
    assert previous_quotes("Inga citat här.") == []


def hits(text: str) -> list[RetrievedChunk]:
    return [RetrievedChunk(next(c for c in programme()[1] if text in c.text), 1.0)]


def test_evidence_for_a_figure_a_name_or_a_later_document_is_looked_for_in_the_passages():
    housing = hits("variation av hustyper")
    assert not evidence_holds("figure", "Hur många är hemlösa?", housing)
    assert not evidence_holds("name", "Vem skrev programmet?", housing)
    assert not evidence_holds("later_document", "Vad står i handlingsplanen för 2023?", housing)
    assert not evidence_holds("other_law", "Vad säger socialtjänstlagen om bistånd?", housing)
    contact = hits("Kontaktcenter")
    assert evidence_holds("contact", "Vilket telefonnummer har kontaktcenter?", contact)
    # the programme gives a phone number, no e-mail address
    assert not evidence_holds("contact", "What's the email address of the person in charge?", contact)
    assert not evidence_holds("contact", "vilken mejladress har de ansvariga?", contact)


def test_who_took_part_is_answered_by_the_groups_a_passage_names_but_not_a_name_asked_for():
    chunk = programme()[1][0].model_copy(
        update={"text": "Programmet är framtaget i en bred dialog med såväl förvaltningar som bolag och näringsliv."}
    )
    dialogue = [RetrievedChunk(chunk, 1.0)]
    assert evidence_holds("name", "vem var med och tog fram programmet?", dialogue)
    assert evidence_holds("name", "Who was involved in writing the programme?", dialogue)
    assert not evidence_holds("name", "vem leder arbetet, vad heter hen?", dialogue)
    assert not evidence_holds("name", "vilken förvaltning ansvarar för uppföljningen?", dialogue)


def test_a_law_named_in_the_genitive_or_in_english_is_looked_for_and_an_unnamed_one_is_not():
    """ "barnkonventionens artikel 12", "the Social Services Act": the named law must be in the evidence; a question
    the classifier reads as about another law but that names none ("vad står det om trygghet?") is not declined."""
    housing = hits("variation av hustyper")
    assert not evidence_holds("other_law", "vad säger barnkonventionens artikel 12 exakt?", housing)
    assert not evidence_holds("other_law", "What does the Social Services Act say about housing?", housing)
    assert evidence_holds("other_law", "vad står det om bostäder?", housing)
    constitution = hits("Den svenska grundlagen och")
    assert evidence_holds("other_law", "vad säger grundlagens text enligt programmet?", constitution)


def test_the_best_sentences_chunk_is_evidence_too():
    """End matter is seldom a top chunk: the chunk of the sentence the selector finds best counts as evidence."""
    housing, contact = hits("variation av hustyper"), hits("Kontaktcenter")
    assert not evidence_holds("contact", "finns det nåt kontaktnummer längst bak?", housing)
    assert evidence_holds("contact", "finns det nåt kontaktnummer längst bak?", housing, contact[0].chunk)


def test_a_later_action_plan_named_by_its_year_in_words_needs_an_action_plan():
    """ "handlingsplanen för i år", "the latest action plan": a later document, which the programme is not; how the
    action plan is followed up, with no year, the programme itself answers."""
    follow_up = hits("följs årligen upp")
    assert not evidence_holds("later_document", "Vilka aktiviteter står i handlingsplanen för i år?", follow_up)
    assert not evidence_holds("later_document", "what's in the latest action plan?", follow_up)
    assert evidence_holds("later_document", "Hur följs handlingsplanen upp?", follow_up)


def test_shorter_keeps_the_direct_answer_only_when_the_kept_quote_states_its_numbers():
    answer = (
        "Målområdet *Tillgång till bostäder* omfattar Agenda 2030-målen 5 (Jämställdhet), 10 (Minskad ojämlikhet), "
        "11 (Hållbara städer och samhällen) och 17 (Genomförande).\n\nProgrammet säger:\n\n> Området omfattar [1]"
    )
    assert supported_lead(answer, "Området omfattar mål 5, 10, 11 och 17 i Agenda 2030").startswith("Målområdet")
    assert supported_lead(answer, "Området omfattar mål 5, 10 och 17 i Agenda 2030") is None  # 11 unsupported
    assert supported_lead("**Målområde:** Trygghet\n\n> text [1]", "text") is None  # a header, not a statement
    assert supported_lead("**Ja** – det står i programmet [1].", "text") is None  # markers of the old numbering


def test_which_goals_after_an_answer_about_the_programme_as_a_whole_gives_all_its_goals():
    from assistant.facts import StructuredFacts
    from assistant.followups import FollowUpOperations
    from assistant.models import Turn
    from assistant.understanding.goal_areas import GoalAreaResolver
    from tests.fixtures.small import BagOfWordsEmbedder, chunks_by_id

    model, _ = programme()
    resolver = GoalAreaResolver(model, BagOfWordsEmbedder())
    ops = FollowUpOperations(chunks_by_id(), StructuredFacts(model, chunks_by_id(), resolver), resolver)
    # no goal area, and words in the answer that name one in passing ("arbete") must not pick it
    last = Turn(question="Hur följs programmet upp?", answer="> Handlingsplanen följs upp i arbete och möten. [1]")
    fact = ops.which_goals("vilka globala mål hör till det?", last, "sv")
    assert fact is not None and len(fact.goal_areas) == len(model.goal_areas)
    assert "elva av de sjutton globala målen" in fact.citations[0].quote
    housing = Turn(question="Vad säger programmet om bostäder?", answer="> … [1]")
    named = ops.which_goals("vilka mål hör till det?", housing, "sv")
    assert named is not None and [g.sdgs for g in named.goal_areas] == [[5, 10, 11, 17]]
    # a question that names its own area is about that area, whatever the previous answer was
    own = ops.which_goals("En annan sak: vilka globala mål hör till utbildningsområdet?", housing, "sv")
    assert own is not None and [g.sdgs for g in own.goal_areas] == [[4, 5, 10, 17]]


def test_a_fact_sheets_list_quote_is_read_back_whole_without_its_source_line():
    """A drafted fact sheet quotes a list line by line, its source after the closing mark."""
    sheet = (
        "### Citat att använda\n\n> ”Social hållbarhet bygger på tre principer för vår gemensamma utveckling:\n"
        "> - vi ges jämlika förutsättningar för att tillfredsställa grundläggande behov\n"
        "> - vi har tillit i relationer, i lokalsamhället och till samhället i stort” — Program för social "
        "hållbarhet (program, 2018), Bakgrund, s. 5 [1]\n\n> ”En mening.” — Program, Avsnitt, s. 3 [2]"
    )
    first, second = previous_quotes(sheet)
    assert first.startswith("Social hållbarhet bygger") and first.endswith("till samhället i stort")
    assert second == "En mening."


def test_shorter_keeps_a_lead_in_with_the_lines_it_introduces():
    from assistant.followups import FollowUpOperations
    from assistant.models import Turn
    from tests.fixtures.small import chunks_by_id

    chunks = chunks_by_id()
    listed = next(c.text for c in chunks.values() if "tre principer" in c.text)
    lead = listed[listed.index("Social hållbarhet bygger") :]
    unit = lead[: lead.index("utveckling", lead.index("framtidstro")) + len("utveckling")]
    last = Turn(question="Vilka är principerna?", answer="\n".join(f"> {line}" for line in unit.split("\n")) + " [1]")
    answer = FollowUpOperations(chunks, None, None).quote("kortare", last, "sv", shorter=True)
    assert answer is not None and "- vi har framtidstro" in answer.answer


def test_a_quote_after_a_relate_answer_comes_from_its_first_goal_area():
    from assistant.followups import FollowUpOperations
    from assistant.models import Turn
    from core.strings import message
    from tests.fixtures.small import chunks_by_id

    chunks = chunks_by_id()
    first = "Vi strävar efter att säkerställa ett lyhört, inkluderande, deltagarbaserat och representativt"
    second = "Vi ska ge förutsättningar för en god hälsa och motverka alla former av hälsohot inklusive våld."
    other, health = (next(c for c in chunks.values() if text in c.text) for text in (first, second))
    first += " beslutsfattande på alla nivåer."
    answer = f"{message('relate_intro', 'sv')}\n\n> {first} [1]\n\n> {second} [2]"
    last = Turn(question="Jag jobbar i hemtjänsten", answer=answer, goal_areas=[health.goal_area, other.goal_area])
    quoted = FollowUpOperations(chunks, None, None).quote("citat?", last, "sv")
    assert quoted is not None and second in quoted.answer and first not in quoted.answer


def test_a_quote_after_a_goals_answer_is_the_line_that_names_the_goals():
    from assistant.followups import FollowUpOperations
    from assistant.models import Turn
    from assistant.understanding.goal_areas import GoalAreaResolver
    from tests.fixtures.small import BagOfWordsEmbedder, chunks_by_id

    model, _ = programme()
    line, other = (
        "Området omfattar mål 5, 10, 11 och 17 i Agenda 2030",
        "Grupper i samhället har svårigheter att få tag på bostad.",
    )
    answer = (
        "Målområdet *Tillgång till bostäder* omfattar Agenda 2030-målen 5 (Jämställdhet), 10 (Minskad ojämlikhet), "
        "11 (Hållbara städer och samhällen) och 17 (Genomförande).\n\nProgrammet säger:\n\n"
        f"> {other} [1]\n\n> {line} [2]"
    )
    ops = FollowUpOperations(chunks_by_id(), None, GoalAreaResolver(model, BagOfWordsEmbedder()))
    quoted = ops.quote("ordagrant?", Turn(question="sdg för bostäder?", answer=answer), "sv")
    assert quoted is not None and line in quoted.answer and other not in quoted.answer
    general = f"**Målområde:** Tillgång till bostäder\n\nProgrammet säger:\n\n> {line} [1]\n\n> {other} [2]"
    quoted = ops.quote("citat?", Turn(question="vad säger programmet om bostäder?", answer=general), "sv")
    assert quoted is not None and other in quoted.answer  # the goals line comes last after a general answer


def test_a_quote_of_an_answer_on_one_goal_area_is_its_aim_when_quoted():
    """ "kan du ge ett citat?" / "kortare" after an answer on the health area: the area's aim ("Vi ska ge
    förutsättningar för en god hälsa …"), the sentence after its SDG line, not the answer's first quote."""
    model, _ = programme()
    health = next(ga for ga in model.goal_areas if ga.name.startswith("Stärkt hälsa"))
    operations = FollowUpOperations(chunks_by_id(), None, GoalAreaResolver(model, BagOfWordsEmbedder()))
    aim = "Vi ska ge förutsättningar för en god hälsa och motverka alla former av hälsohot inklusive våld."
    answer = (
        "**Målområde:** Stärkt hälsa\n\nProgrammet säger:\n\n"
        "> Den globala trenden är att människor lever allt längre. [1]\n\n> " + aim + " [2]"
    )
    last = Turn(question="Vad säger programmet om hälsa?", answer=answer, goal_areas=[health.name])
    quoted = operations.quote("kan du ge ett citat?", last, "sv")
    shorter = operations.quote("kortare", last, "sv", shorter=True)
    assert quoted.citations[0].quote == aim and shorter.citations[0].quote == aim


def test_a_law_the_passage_names_in_its_indefinite_form_or_heading_is_in_the_evidence():
    """ "grundlagen" asked about, the passage under "Svensk grundlag" quoting it: the programme speaks of it."""
    passage = hits("variation av hustyper")[0]
    heading = ["Utgångspunkter", "Svensk grundlag"]
    under = RetrievedChunk(passage.chunk.model_copy(update={"section_path": heading}), 1.0)
    question = "vilka rättigheter tar grundlagen upp som det allmänna ska trygga?"
    assert not evidence_holds("other_law", question, [passage])
    assert evidence_holds("other_law", question, [under])
    assert not evidence_holds("other_law", "vad säger miljöprogrammet?", [under])


def test_a_named_law_lowers_how_sure_the_reading_must_be_to_check_the_evidence():
    from assistant.answer_types import names_a_document

    assert names_a_document("du kan väl svara på vad socialtjänstlagen säger om försörjningsstöd?")
    assert names_a_document("what does the Education Act say?")
    assert not names_a_document("vad säger programmet om bostäder?")
