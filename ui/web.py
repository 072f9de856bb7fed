"""The Gradio chat, mounted on the FastAPI app at `/`: Swedish first with an English switch, three modes,
source cards with goal-area badges and SDG colours, a goal-area overview, feedback and Markdown export."""

from __future__ import annotations

import datetime as dt
import html
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.models import Answer, Turn
from core.citations import document_label, link_note, page_label, source_line
from core.errors import IndexNotReadyError, IndexUnavailableError
from core.models import GoalAreaModel
from core.strings import message

# The UN's official SDG colours.
SDG_COLOURS = {
    1: "#E5243B",
    2: "#DDA63A",
    3: "#4C9F38",
    4: "#C5192D",
    5: "#FF3A21",
    6: "#26BDE2",
    7: "#FCC30B",
    8: "#A21942",
    9: "#FD6925",
    10: "#DD1367",
    11: "#FD9D24",
    12: "#BF8B2E",
    13: "#3F7E44",
    14: "#0A97D9",
    15: "#56C02B",
    16: "#00689D",
    17: "#19486A",
}
DARK_TEXT = {2, 7, 11}  # light backgrounds: dark text keeps the contrast


def ui_text(key: str, language: str, **values: object) -> str:
    """The page's own words, from the one string table (core/strings.py)."""
    return message(f"ui_{key}", language, **values)


def modes(language: str) -> list[tuple[str, str]]:
    return [(ui_text(f"mode_{m}", language), m) for m in ("answer", "relate", "draft")]


EXAMPLES = [
    "Vilka är programmets målområden?",
    "Vilka globala mål hör till målområdet om bostäder?",
    "Jag driver en mötesplats för unga i Bäckby",
    "What does the programme say about culture?",
    "Skriv en kort intranätstext om trygghet i stadsdelarna, 100 ord",
]
CSS = """
.source-card { border: 1px solid #c9d1d9; border-radius: 8px; padding: 10px; margin-bottom: 10px;
  background: #fff; color: #1b1f24; }
.source-card blockquote { margin: 6px 0; padding-left: 8px; border-left: 3px solid #1f6f5c; }
.badge { display: inline-block; padding: 2px 8px; border-radius: 10px; background: #1f6f5c; color: #fff;
  font-size: 0.85em; }
.sdg { display: inline-block; padding: 1px 6px; margin: 2px; border-radius: 4px; font-size: 0.8em; }
"""


def source_cards(answer: Answer | None, language: str, sdg_names: dict[int, tuple[str, str]]) -> str:
    if answer is None or not answer.citations:
        return f"<p>{html.escape(ui_text('empty_sources', language))}</p>"
    cards = []
    for c in answer.citations:
        sdgs = "".join(
            f'<span class="sdg" style="background:{SDG_COLOURS[n]};color:{"#1b1f24" if n in DARK_TEXT else "#fff"}" '
            f'title="{html.escape(sdg_names.get(n, ("", ""))[0 if language == "sv" else 1])}">'
            f"{n} {html.escape(sdg_names.get(n, ('', ''))[0 if language == 'sv' else 1])}</span>"
            for n in c.sdgs
        )
        badge = f'<span class="badge">{html.escape(c.goal_area)}</span>' if c.goal_area else ""
        linked = link_note(c.document_kind, c.goal_area, c.link_method, language)
        badge += f" <small>{html.escape(linked)}</small>" if linked else ""
        page = f" · {page_label(c.page, language)}" if c.page else ""
        document = html.escape(document_label(c.document, c.document_kind, c.document_year, language))
        cards.append(
            f'<div class="source-card" id="source-{c.n}"><strong>[{c.n}]</strong> {document}{page}<br>'
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
        asked = f"{ui_text('question_label', 'sv')} / {ui_text('question_label', 'en')}"
        lines += [f"**{asked}:** {turn['question']}", "", turn["answer"], ""]
        for c in turn["citations"]:
            lines.append(f"- [{c['n']}] {source_line(c['document'], c['section'], c.get('page'))}: ”{c['quote']}”")
        lines.append("")
    return "\n".join(lines)


@dataclass
class ChatPage:
    """The page's components that events read or update."""

    language: Any
    title: Any
    turns: Any
    mode: Any
    chat: Any
    question: Any
    send: Any
    clear: Any
    up: Any
    down: Any
    comment: Any
    feedback_status: Any
    export: Any
    export_file: Any
    sources_title: Any
    sources: Any
    overview_title: Any
    area_buttons: list[tuple[Any, str]] = field(default_factory=list)


def _layout(
    model: GoalAreaModel | None, indexed: bool, max_chars: int, sdg_names: dict[int, tuple[str, str]]
) -> ChatPage:
    """The page in Swedish, its first language; called inside ``gr.Blocks``."""
    language = gr.Radio(
        [("Svenska", "sv"), ("English", "en")], value="sv", label="Språk / Language", elem_id="language"
    )
    title = gr.Markdown(ui_text("title", "sv"))
    gr.Markdown(ui_text("no_index", "sv"), visible=not indexed, elem_id="no-index")
    turns = gr.State([])
    with gr.Row():
        with gr.Column(scale=3):
            mode = gr.Radio(modes("sv"), value="answer", label=ui_text("mode", "sv"), elem_id="mode")
            chat = gr.Chatbot(label="hallbar", height=460, elem_id="chat")
            question = gr.Textbox(
                label=ui_text("question", "sv"),
                placeholder=ui_text("placeholder", "sv"),
                lines=2,
                max_length=max_chars,
                elem_id="question",
            )
            with gr.Row():
                send = gr.Button(ui_text("send", "sv"), variant="primary", elem_id="send")
                clear = gr.Button(ui_text("clear", "sv"), elem_id="clear")
            with gr.Row():
                up = gr.Button("👍 " + ui_text("good", "sv"), elem_id="thumbs-up", scale=1)
                down = gr.Button("👎 " + ui_text("bad", "sv"), elem_id="thumbs-down", scale=1)
                comment = gr.Textbox(label=ui_text("comment", "sv"), elem_id="comment", scale=3)
            feedback_status = gr.Markdown("", elem_id="feedback-status")
            export = gr.Button(ui_text("export", "sv"), elem_id="export")
            export_file = gr.File(visible=False, elem_id="export-file")
        with gr.Column(scale=2):
            sources_title = gr.Markdown(ui_text("sources", "sv"))
            sources = gr.HTML(source_cards(None, "sv", sdg_names), elem_id="sources")
            overview_title = gr.Markdown(ui_text("overview", "sv"))
            area_buttons = _goal_area_buttons(model)
            gr.Examples(EXAMPLES, inputs=question, label=ui_text("examples", "sv"))
    return ChatPage(
        language,
        title,
        turns,
        mode,
        chat,
        question,
        send,
        clear,
        up,
        down,
        comment,
        feedback_status,
        export,
        export_file,
        sources_title,
        sources,
        overview_title,
        area_buttons,
    )


def _goal_area_buttons(model: GoalAreaModel | None) -> list[tuple[Any, str]]:
    buttons = []
    for ma in model.main_areas if model else []:
        gr.Markdown(f"**{ma.name}**")
        for ga in ma.goal_areas:
            label = ui_text("goal_area_button", "sv", name=ga.name, sdgs=", ".join(map(str, ga.sdgs)))
            buttons.append((gr.Button(label, size="sm", elem_classes=["goal-area"]), ga.name))
    return buttons


class ChatHandlers:
    """What the page's events do; ``get_assistant`` raises IndexNotReadyError when there is no index."""

    def __init__(
        self,
        get_assistant: Callable[[], Any],
        save_feedback: Callable[[str, str, int, str | None], int],
        models_lock: threading.Lock,
        sdg_names: dict[int, tuple[str, str]],
    ):
        self.get_assistant = get_assistant
        self.save_feedback = save_feedback
        self.models_lock = models_lock
        self.sdg_names = sdg_names

    def respond(self, text: str, history: list, state: list, chosen_mode: str, lang: str):
        history = list(history or [])
        text = (text or "").strip()
        if not text:
            yield history, state, gr.update(), ""
            return
        past = [
            Turn(question=t["question"], answer=t["answer"], goal_areas=t["goal_areas"])
            for t in state
            if not t["refused"]
        ]
        try:
            with self.models_lock:
                answer = self.get_assistant().answer_in_mode(text, chosen_mode, history=past)
        except IndexNotReadyError as exc:
            key = "unavailable" if isinstance(exc, IndexUnavailableError) else "no_index"
            history += [
                {"role": "user", "content": link_markers(text)},
                {"role": "assistant", "content": ui_text(key, lang)},
            ]
            yield history, state, gr.update(), ""
            return
        history += [{"role": "user", "content": link_markers(text)}, {"role": "assistant", "content": ""}]
        cards = source_cards(answer, lang, self.sdg_names)
        for part in answer.answer.split("\n\n"):  # the answer arrives paragraph by paragraph
            history[-1]["content"] += ("\n\n" if history[-1]["content"] else "") + link_markers(part)
            yield history, state, cards, ""
        state = state + [
            {
                "question": text,
                "answer": answer.answer,
                "refused": answer.refused,
                "goal_areas": [g.name for g in answer.goal_areas],
                "citations": [c.model_dump() for c in answer.citations],
            }
        ]
        yield history, state, cards, ""

    def clear(self, lang: str):
        return [], [], source_cards(None, lang, self.sdg_names), ""

    def ask_about(self, history: list, state: list, lang: str, name: str):
        """A click on a goal area asks about it (the last step of the streamed answer)."""
        steps = list(self.respond(ui_text("ask_about", lang, name=name), history, state, "answer", lang))
        return steps[-1] if steps else (history, state, gr.update(), "")

    def rate(self, value: int, state: list, note: str, lang: str):
        if not state:
            return ui_text("nothing", lang), note
        last = state[-1]
        self.save_feedback(last["question"], last["answer"], value, note or None)
        return ui_text("thanks", lang), ""

    @staticmethod
    def export(state: list):
        if not state:
            return gr.update(visible=False)
        folder = Path(tempfile.mkdtemp(prefix="hallbar-export-"))
        path = folder / "hallbar-samtal.md"
        path.write_text(conversation_markdown(state), encoding="utf-8")
        return gr.update(value=str(path), visible=True)

    @staticmethod
    def switch(lang: str):
        def t(key: str) -> str:
            return ui_text(key, lang)

        return (
            t("title"),
            gr.update(choices=modes(lang), label=t("mode")),
            gr.update(label=t("question"), placeholder=t("placeholder")),
            gr.update(value=t("send")),
            gr.update(value=t("clear")),
            t("sources"),
            t("overview"),
            gr.update(label=t("comment")),
            gr.update(value=t("export")),
            gr.update(value="👍 " + t("good")),
            gr.update(value="👎 " + t("bad")),
        )


def _wire(page: ChatPage, handlers: ChatHandlers) -> None:
    """Connect the page's events to their handlers."""
    outputs = [page.chat, page.turns, page.sources, page.question]
    asked = [page.question, page.chat, page.turns, page.mode, page.language]
    page.send.click(handlers.respond, asked, outputs)
    page.question.submit(handlers.respond, asked, outputs)
    page.clear.click(handlers.clear, [page.language], outputs)
    for button, name in page.area_buttons:
        button.click(
            lambda h, s, lang, n=name: handlers.ask_about(h, s, lang, n),
            [page.chat, page.turns, page.language],
            outputs,
        )
    rated = [page.turns, page.comment, page.language]
    page.up.click(lambda s, n, lang: handlers.rate(1, s, n, lang), rated, [page.feedback_status, page.comment])
    page.down.click(lambda s, n, lang: handlers.rate(-1, s, n, lang), rated, [page.feedback_status, page.comment])
    page.export.click(handlers.export, [page.turns], [page.export_file])
    switched = [
        page.title,
        page.mode,
        page.question,
        page.send,
        page.clear,
        page.sources_title,
        page.overview_title,
        page.comment,
        page.export,
        page.up,
        page.down,
    ]
    page.language.change(handlers.switch, [page.language], switched)


def build_ui(
    get_assistant: Callable[[], Any],
    save_feedback: Callable[[str, str, int, str | None], int],
    max_chars: int,
    models_lock: threading.Lock | None = None,
) -> gr.Blocks:
    """``get_assistant`` returns the current assistant or raises IndexNotReadyError (no index, store down);
    ``models_lock`` is held while a question passes through the models (shared with the API)."""
    try:
        assistant = get_assistant()
    except IndexNotReadyError:
        assistant = None
    model = assistant.index.goal_model if assistant is not None else None
    sdg_names = {n: (g.name_sv, g.name_en) for n, g in model.sdg_goals.items()} if model else {}
    with gr.Blocks(title="hallbar – Program för social hållbarhet") as demo:
        page = _layout(model, assistant is not None, max_chars, sdg_names)
        _wire(page, ChatHandlers(get_assistant, save_feedback, models_lock or threading.Lock(), sdg_names))
    return demo
