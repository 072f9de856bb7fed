"""The Gradio chat, mounted on the FastAPI app at `/`: Swedish first with an English switch, three modes,
source cards with goal-area badges and SDG colours, a goal-area overview, feedback and Markdown export."""

from __future__ import annotations

import datetime as dt
import html
import re
import tempfile
import threading
from pathlib import Path
from typing import Callable

import gradio as gr

from assistant.models import Answer, Turn
from store.index_store import IndexNotReadyError, IndexUnavailableError

# The UN's official SDG colours.
SDG_COLOURS = {
    1: "#E5243B", 2: "#DDA63A", 3: "#4C9F38", 4: "#C5192D", 5: "#FF3A21", 6: "#26BDE2", 7: "#FCC30B", 8: "#A21942",
    9: "#FD6925", 10: "#DD1367", 11: "#FD9D24", 12: "#BF8B2E", 13: "#3F7E44", 14: "#0A97D9", 15: "#56C02B",
    16: "#00689D", 17: "#19486A",
}
DARK_TEXT = {2, 7, 11}  # light backgrounds: dark text keeps the contrast

TEXT = {
    "sv": {
        "title": "## hallbar · Program för social hållbarhet\nFrågor om Västerås stads program: målområden, globala mål och hur ditt arbete hänger ihop med dem. Svaren citerar programmet ordagrant.",
        "mode": "Läge", "modes": [("Fråga", "answer"), ("Koppla mitt arbete", "relate"), ("Skrivstöd", "draft")],
        "question": "Din fråga", "placeholder": "Skriv en fråga, beskriv ditt arbete eller be om en text …",
        "send": "Skicka", "clear": "Rensa", "sources": "### Källor", "overview": "### Målområden",
        "comment": "Kommentar (valfri)", "export": "Exportera samtalet (Markdown)", "thanks": "Tack för din återkoppling!",
        "good": "Bra svar", "bad": "Dåligt svar",
        "no_index": "**Inga dokument är indexerade.** Kör `hallbar ingest`.",
        "unavailable": "**Indexet är inte tillgängligt just nu.** Försök igen om en stund.",
        "empty_sources": "Källorna till svaret visas här.", "page": "s.", "examples": "Exempel",
        "ask_about": "Vad säger programmet om målområdet {}?", "nothing": "Ställ en fråga först.",
    },
    "en": {
        "title": "## hallbar · Programme for social sustainability\nQuestions about Västerås stad's programme: goal areas, SDGs and how your work relates to them. Answers quote the programme verbatim (in Swedish).",
        "mode": "Mode", "modes": [("Ask", "answer"), ("Relate my work", "relate"), ("Writing support", "draft")],
        "question": "Your question", "placeholder": "Ask a question, describe your work or request a text …",
        "send": "Send", "clear": "Clear", "sources": "### Sources", "overview": "### Goal areas",
        "comment": "Comment (optional)", "export": "Export the conversation (Markdown)", "thanks": "Thank you for your feedback!",
        "good": "Good answer", "bad": "Poor answer",
        "no_index": "**No documents are indexed.** Run `hallbar ingest`.",
        "unavailable": "**The index is unavailable right now.** Please try again shortly.",
        "empty_sources": "The answer's sources appear here.", "page": "p.", "examples": "Examples",
        "ask_about": "What does the programme say about the goal area {}?", "nothing": "Ask a question first.",
    },
}
EXAMPLES = [
    "Vilka är programmets målområden?",
    "Vilka globala mål hör till målområdet om bostäder?",
    "Jag driver en mötesplats för unga i Bäckby",
    "What does the programme say about culture?",
    "Skriv en kort intranätstext om trygghet i stadsdelarna, 100 ord",
]
CSS = """
.source-card { border: 1px solid #c9d1d9; border-radius: 8px; padding: 10px; margin-bottom: 10px; background: #fff; color: #1b1f24; }
.source-card blockquote { margin: 6px 0; padding-left: 8px; border-left: 3px solid #1f6f5c; }
.badge { display: inline-block; padding: 2px 8px; border-radius: 10px; background: #1f6f5c; color: #fff; font-size: 0.85em; }
.sdg { display: inline-block; padding: 1px 6px; margin: 2px; border-radius: 4px; font-size: 0.8em; }
"""


def source_cards(answer: Answer | None, language: str, sdg_names: dict[int, tuple[str, str]]) -> str:
    t = TEXT[language]
    if answer is None or not answer.citations:
        return f"<p>{html.escape(t['empty_sources'])}</p>"
    cards = []
    for c in answer.citations:
        sdgs = "".join(
            f'<span class="sdg" style="background:{SDG_COLOURS[n]};color:{"#1b1f24" if n in DARK_TEXT else "#fff"}" '
            f'title="{html.escape(sdg_names.get(n, ("", ""))[0 if language == "sv" else 1])}">'
            f"{n} {html.escape(sdg_names.get(n, ('', ''))[0 if language == 'sv' else 1])}</span>"
            for n in c.sdgs
        )
        badge = f'<span class="badge">{html.escape(c.goal_area)}</span>' if c.goal_area else ""
        page = f" · {t['page']} {c.page}" if c.page else ""
        cards.append(
            f'<div class="source-card" id="source-{c.n}"><strong>[{c.n}]</strong> {html.escape(c.document)}{page}<br>'
            f"<small>{html.escape(c.section)}</small><blockquote>{html.escape(c.quote)}</blockquote>{badge}<div>{sdgs}</div></div>"
        )
    return "".join(cards)


MARKER = re.compile(r"\[(\d{1,2})\]")


def link_markers(text: str) -> str:
    """Text for the chat (rendered as Markdown): [n] becomes a link to its source card beside it, and
    everything else is inert: HTML is escaped and brackets cannot form links (documents and questions are
    data; a `<script>` or `[x](javascript:...)` in them shows as text)."""
    parts = []
    last = 0
    for m in MARKER.finditer(text):
        parts.append(_inert(text[last : m.start()]))
        parts.append(f"[[{m.group(1)}]](#source-{m.group(1)})")
        last = m.end()
    parts.append(_inert(text[last:]))
    return "".join(parts)


def _inert(text: str) -> str:
    return html.escape(text, quote=False).replace("[", "\\[").replace("]", "\\]")


def conversation_markdown(turns: list[dict]) -> str:
    lines = [f"# hallbar – samtal / conversation {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}", ""]
    for turn in turns:
        lines += [f"**Fråga / Question:** {turn['question']}", "", turn["answer"], ""]
        for c in turn["citations"]:
            page = f", s. {c['page']}" if c.get("page") else ""
            lines.append(f"- [{c['n']}] {c['document']}, {c['section']}{page}: ”{c['quote']}”")
        lines.append("")
    return "\n".join(lines)


def build_ui(get_assistant: Callable[[], object], save_feedback: Callable[[str, str, int, str | None], int], max_chars: int,
             models_lock: threading.Lock | None = None) -> gr.Blocks:
    """``get_assistant`` returns the current assistant or raises IndexNotReadyError (no index, store down);
    ``models_lock`` is held while a question passes through the models (shared with the API)."""
    models_lock = models_lock or threading.Lock()
    try:
        assistant = get_assistant()
    except IndexNotReadyError:
        assistant = None
    model = getattr(getattr(assistant, "index", None), "goal_model", None)
    sdg_names = {n: (g.name_sv, g.name_en) for n, g in model.sdg_goals.items()} if model else {}

    with gr.Blocks(title="hallbar – Program för social hållbarhet") as demo:
        language = gr.Radio([("Svenska", "sv"), ("English", "en")], value="sv", label="Språk / Language", elem_id="language")
        title = gr.Markdown(TEXT["sv"]["title"])
        gr.Markdown(TEXT["sv"]["no_index"], visible=assistant is None, elem_id="no-index")
        turns = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                mode = gr.Radio(TEXT["sv"]["modes"], value="answer", label=TEXT["sv"]["mode"], elem_id="mode")
                chat = gr.Chatbot(label="hallbar", height=460, elem_id="chat")
                question = gr.Textbox(label=TEXT["sv"]["question"], placeholder=TEXT["sv"]["placeholder"], lines=2, max_length=max_chars, elem_id="question")
                with gr.Row():
                    send = gr.Button(TEXT["sv"]["send"], variant="primary", elem_id="send")
                    clear = gr.Button(TEXT["sv"]["clear"], elem_id="clear")
                with gr.Row():
                    up = gr.Button("👍 " + TEXT["sv"]["good"], elem_id="thumbs-up", scale=1)
                    down = gr.Button("👎 " + TEXT["sv"]["bad"], elem_id="thumbs-down", scale=1)
                    comment = gr.Textbox(label=TEXT["sv"]["comment"], elem_id="comment", scale=3)
                feedback_status = gr.Markdown("", elem_id="feedback-status")
                export = gr.Button(TEXT["sv"]["export"], elem_id="export")
                export_file = gr.File(visible=False, elem_id="export-file")
            with gr.Column(scale=2):
                sources_title = gr.Markdown(TEXT["sv"]["sources"])
                sources = gr.HTML(source_cards(None, "sv", sdg_names), elem_id="sources")
                overview_title = gr.Markdown(TEXT["sv"]["overview"])
                area_buttons: list[tuple[gr.Button, str]] = []
                for ma in model.main_areas if model else []:
                    gr.Markdown(f"**{ma.name}**")
                    for ga in ma.goal_areas:
                        label = f"{ga.name} · mål {', '.join(map(str, ga.sdgs))}"
                        area_buttons.append((gr.Button(label, size="sm", elem_classes=["goal-area"]), ga.name))
                gr.Examples(EXAMPLES, inputs=question, label=TEXT["sv"]["examples"])

        def respond(message: str, history: list, state: list, chosen_mode: str, lang: str):
            history = list(history or [])
            message = (message or "").strip()
            if not message:
                yield history, state, gr.update(), ""
                return
            past = [Turn(question=t["question"], answer=t["answer"], goal_areas=t["goal_areas"]) for t in state if not t["refused"]]
            try:
                with models_lock:
                    answer = get_assistant().answer_in_mode(message, chosen_mode, history=past)
            except IndexNotReadyError as exc:
                key = "unavailable" if isinstance(exc, IndexUnavailableError) else "no_index"
                history += [{"role": "user", "content": link_markers(message)}, {"role": "assistant", "content": TEXT[lang][key]}]
                yield history, state, gr.update(), ""
                return
            history += [{"role": "user", "content": link_markers(message)}, {"role": "assistant", "content": ""}]
            cards = source_cards(answer, lang, sdg_names)
            for part in answer.answer.split("\n\n"):  # the answer arrives paragraph by paragraph
                history[-1]["content"] += ("\n\n" if history[-1]["content"] else "") + link_markers(part)
                yield history, state, cards, ""
            state = state + [{
                "question": message, "answer": answer.answer, "refused": answer.refused,
                "goal_areas": [g.name for g in answer.goal_areas], "citations": [c.model_dump() for c in answer.citations],
            }]
            yield history, state, cards, ""

        outputs = [chat, turns, sources, question]
        send.click(respond, [question, chat, turns, mode, language], outputs)
        question.submit(respond, [question, chat, turns, mode, language], outputs)
        clear.click(lambda lang: ([], [], source_cards(None, lang, sdg_names), ""), [language], outputs)

        def ask_about(history: list, state: list, lang: str, name: str):
            """A click on a goal area asks about it (the last step of the streamed answer)."""
            result = (history, state, gr.update(), "")
            for result in respond(TEXT[lang]["ask_about"].format(name), history, state, "answer", lang):
                pass
            return result

        for button, name in area_buttons:
            button.click(lambda h, s, lang, n=name: ask_about(h, s, lang, n), [chat, turns, language], outputs)

        def rate(value: int, state: list, note: str, lang: str):
            if not state:
                return TEXT[lang]["nothing"], note
            last = state[-1]
            save_feedback(last["question"], last["answer"], value, note or None)
            return TEXT[lang]["thanks"], ""

        up.click(lambda s, n, lang: rate(1, s, n, lang), [turns, comment, language], [feedback_status, comment])
        down.click(lambda s, n, lang: rate(-1, s, n, lang), [turns, comment, language], [feedback_status, comment])

        def export_conversation(state: list):
            if not state:
                return gr.update(visible=False)
            folder = Path(tempfile.mkdtemp(prefix="hallbar-export-"))
            path = folder / "hallbar-samtal.md"
            path.write_text(conversation_markdown(state), encoding="utf-8")
            return gr.update(value=str(path), visible=True)

        export.click(export_conversation, [turns], [export_file])

        def switch(lang: str):
            t = TEXT[lang]
            return (
                t["title"], gr.update(choices=t["modes"], label=t["mode"]), gr.update(label=t["question"], placeholder=t["placeholder"]),
                gr.update(value=t["send"]), gr.update(value=t["clear"]), t["sources"], t["overview"], gr.update(label=t["comment"]),
                gr.update(value=t["export"]), gr.update(value="👍 " + t["good"]), gr.update(value="👎 " + t["bad"]),
            )

        language.change(switch, [language], [title, mode, question, send, clear, sources_title, overview_title, comment, export, up, down])
    return demo
