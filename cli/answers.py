"""Answer commands: ``ask``, ``relate``, ``draft``, ``chat``."""

from __future__ import annotations

import json
import sys

import typer

from assistant.draft import DraftRequest
from assistant.mapper import render_mapping
from assistant.models import Answer, Turn
from assistant.understanding.language import detect_language
from cli.app import app, fail, load_assistant, setup_logging
from core.citations import document_label, link_note, source_line
from core.strings import bilingual, message


def print_readable(answer: Answer) -> None:
    typer.echo(answer.answer)
    if answer.citations:
        typer.echo(f"\n{message('sources', 'sv')} / {message('sources', 'en')}:")
        for c in answer.citations:
            area = f" · {c.goal_area} (mål {', '.join(map(str, c.sdgs))})" if c.goal_area else ""
            linked = link_note(c.document_kind, c.goal_area, c.link_method)
            document = document_label(c.document, c.document_kind, c.document_year)
            typer.echo(f"  [{c.n}] {source_line(document, c.section, c.page)}{area}{f' ({linked})' if linked else ''}")


@app.command()
def ask(
    question: str = typer.Argument(..., help="The question, or '-' to read one question per line from stdin."),
    as_json: bool = typer.Option(False, "--json", help="Print the documented JSON object (one per line with '-')."),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Ask a question (Swedish or English); the answer quotes the programme and cites its sources."""
    setup_logging(verbose)
    assistant = load_assistant()
    if question != "-" and not question.strip():
        fail(bilingual("cli_empty_question"), code=2)
    lines = (line.rstrip("\n") for line in sys.stdin) if question == "-" else [question]
    for line in lines:
        answer = assistant.ask(line)  # every line is a conversation of its own
        if as_json:
            typer.echo(json.dumps(answer.contract(), ensure_ascii=False))
        else:
            print_readable(answer)
            if question == "-":
                typer.echo("")
        sys.stdout.flush()


@app.command()
def relate(
    text: str = typer.Argument(..., help="A description of your work, one sentence to a page."),
    as_json: bool = typer.Option(False, "--json", help='Print {"goal_areas": [...], "confident": bool}.'),
) -> None:
    """Which goal areas and SDGs your work serves, best first, with reasons and quotes."""
    setup_logging(False)
    if not text.strip():
        fail(bilingual("cli_empty_description"), code=2)
    assistant = load_assistant()
    language = detect_language(text)
    result = assistant.mapper.map(text, language)
    if as_json:
        typer.echo(json.dumps(result.contract(), ensure_ascii=False))
        return
    rendered, citations = render_mapping(result, assistant.index.goal_model, language)
    typer.echo(rendered)
    for c in citations:
        typer.echo(f"  [{c.n}] {source_line(c.document, c.section, c.page)}")


@app.command()
def draft(
    topic: str = typer.Argument(
        ..., help='What to write, e.g. "kort intranätstext om vårt bostadsprojekt i Skiljebo, 100 ord".'
    ),
    audience: str | None = typer.Option(
        None, "--audience", help="Who reads it (intranät, press release, ansökan ...)."
    ),
    words: int | None = typer.Option(None, "--words", min=10, max=2000),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """A draft (with a generative backend) or a fact sheet of goal areas, SDGs and verbatim quotes, as Markdown."""
    setup_logging(False)
    if not topic.strip():
        fail(bilingual("cli_empty_topic"), code=2)
    assistant = load_assistant()
    result = assistant.drafts.draft(DraftRequest.parse(topic, detect_language(topic), audience, words))
    typer.echo(json.dumps(result.contract(), ensure_ascii=False) if as_json else result.markdown)


@app.command()
def chat(verbose: bool = typer.Option(False, "--verbose", "-v")) -> None:
    """A conversation in the terminal: follow-up questions refer back to earlier answers. Empty line ends."""
    setup_logging(verbose)
    assistant = load_assistant()
    history: list[Turn] = []
    typer.echo(bilingual("cli_chat_intro"))
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            break
        if not question:
            break
        answer = assistant.ask(question, history=history)
        print_readable(answer)
        typer.echo("")
        if not answer.refused:
            history.append(
                Turn(question=question, answer=answer.answer, goal_areas=[g.name for g in answer.goal_areas])
            )
