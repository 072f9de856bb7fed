"""The Gradio chat, mounted on the FastAPI app at `/`: Swedish first with an English switch, three modes,
source cards with goal-area badges and SDG colours, a goal-area overview, feedback and Markdown export."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gradio as gr
from pydantic import ValidationError

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
DARK = "#1b1f24"
WHITE = "#ffffff"


def _luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def badge_text_colour(background: str) -> str:
    """White or near-black, whichever contrasts more with the badge's own SDG colour (which keeps its hue)."""
    return WHITE if contrast(background, WHITE) >= contrast(background, DARK) else DARK


def valid_text(text: str | None) -> str:
    """Text that can be encoded: a lone surrogate (which no UTF-8 page can hold) becomes "?"."""
    return (text or "").encode("utf-8", "replace").decode("utf-8")


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
.source-card { border: 1px solid #c9d1d9; border-radius: 6px; padding: 10px 12px; margin-bottom: 10px;
  background: #fff; color: #1b1f24; }
.source-card blockquote, #chat blockquote { margin: 6px 0; padding-left: 10px; border-left: 3px solid #1f5f7a;
  color: inherit; }
.badge { display: inline-block; padding: 2px 8px; border-radius: 10px; background: #1f6f5c; color: #fff;
  font-size: 0.85em; }
.sdg { display: inline-block; padding: 1px 6px; margin: 2px; border-radius: 4px; font-size: 0.85em; }
#app-title h1 { font-size: 1.6rem; margin: 0 0 4px 0; }
#app-title p { margin: 0; }
@media (max-width: 640px) {
  #app-title p { display: none; }
  #chat { height: 300px !important; max-height: 300px !important; }
  #chat > div { height: 300px !important; }
}
"""
THEME = gr.themes.Base(
    primary_hue=gr.themes.colors.sky,
    neutral_hue=gr.themes.colors.slate,
    radius_size=gr.themes.sizes.radius_sm,
).set(
    body_background_fill="#f5f7f9",
    block_background_fill="#ffffff",
    button_primary_background_fill="#1f5f7a",  # white on it: 7.1:1
    button_primary_background_fill_hover="#174a60",
    button_primary_text_color="#ffffff",
    button_secondary_background_fill="#e8eef2",
    button_secondary_text_color="#1b1f24",
    link_text_color="#1f5f7a",
    link_text_color_visited="#1f5f7a",
    block_label_text_color="#334155",
    body_text_color_subdued="#475569",
    input_placeholder_color="#5b6575",
)
SET_LANG = "(lang) => { document.documentElement.lang = lang || 'sv'; }"  # the page's language for readers


def source_cards(answer: Answer | None, language: str, sdg_names: dict[int, tuple[str, str]]) -> str:
    if answer is None or not answer.citations:
        return f"<p>{html.escape(ui_text('empty_sources', language))}</p>"
    cards = []
    for c in answer.citations:
        sdgs = "".join(
            f'<span class="sdg" style="background:{SDG_COLOURS[n]};color:{badge_text_colour(SDG_COLOURS[n])}" '
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
QUOTE_PREFIX = re.compile(r"^ {0,3}(?:> ?)+")


def link_markers(text: str) -> str:
    """Text for the chat (rendered as Markdown): [n] becomes a link to its source card, a line's leading `>` a
    real blockquote, and everything else is inert: HTML is escaped, brackets cannot form links and nothing
    becomes a link by itself (no URL, www. or e-mail autolinks): documents and questions are data; a
    `<script>`, `[x](javascript:...)` or `https://…` in them shows as text."""
    lines = []
    for line in text.split("\n"):
        prefix = m.group() if (m := QUOTE_PREFIX.match(line)) else ""
        lines.append(prefix + _with_markers(line[len(prefix) :]))
    return "\n".join(lines)


def _with_markers(text: str) -> str:
    parts = []
    last = 0
    for m in MARKER.finditer(text):
        parts.append(_inert(text[last : m.start()]))
        parts.append(f"[[{m.group(1)}]](#source-{m.group(1)})")
        last = m.end()
    parts.append(_inert(text[last:]))
    return "".join(parts)


NOT_LINKS = {":": "&#58;", ".": "&#46;", "@": "&#64;"}
LINK_START = re.compile(r"(?<=[a-zA-Z])(:)(?=//)|(?<=www)(\.)|(@)", re.IGNORECASE)


def _inert(text: str) -> str:
    text = html.escape(text, quote=False).replace("[", "\\[").replace("]", "\\]")
    return LINK_START.sub(lambda m: NOT_LINKS[m.group()], text)


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
    status_key: Any
    export: Any
    export_file: Any
    sources_box: Any
    sources: Any
    overview_title: Any
    examples: Any
    area_buttons: list[tuple[Any, str]] = field(default_factory=list)


def _layout(
    model: GoalAreaModel | None, indexed: bool, max_chars: int, sdg_names: dict[int, tuple[str, str]]
) -> ChatPage:
    """The page in Swedish, its first language; called inside ``gr.Blocks``. The input sits right under the
    conversation and the sources right under the input, so that on a phone both are on the first screens."""
    title, language = _header()
    gr.Markdown(ui_text("no_index", "sv"), visible=not indexed, elem_id="no-index")
    turns, status_key = gr.State([]), gr.State("")
    with gr.Row():
        with gr.Column(scale=3):
            mode = gr.Radio(modes("sv"), value="answer", label=ui_text("mode", "sv"), elem_id="mode")
            chat = gr.Chatbot(
                label=ui_text("chat", "sv"), show_label=False, height=440, elem_id="chat", buttons=["copy"]
            )
            question = gr.Textbox(  # one line that grows: Enter sends, Shift+Enter adds a line
                label=ui_text("question", "sv"),
                placeholder=ui_text("placeholder", "sv"),
                lines=1,
                max_lines=6,
                max_length=max_chars,
                elem_id="question",
            )
            with gr.Row():
                send = gr.Button(ui_text("send", "sv"), variant="primary", elem_id="send")
                clear = gr.Button(ui_text("clear", "sv"), elem_id="clear")
            with gr.Accordion(ui_text("sources", "sv"), open=True, elem_id="sources-box") as sources_box:
                sources = gr.HTML(source_cards(None, "sv", sdg_names), elem_id="sources")
            with gr.Row():
                up = gr.Button("👍 " + ui_text("good", "sv"), elem_id="thumbs-up", scale=1)
                down = gr.Button("👎 " + ui_text("bad", "sv"), elem_id="thumbs-down", scale=1)
                comment = gr.Textbox(label=ui_text("comment", "sv"), elem_id="comment", scale=3, max_length=2000)
            feedback_status = gr.Markdown("", elem_id="feedback-status")
            export = gr.Button(ui_text("export", "sv"), elem_id="export")
            export_file = gr.HTML(visible=False, elem_id="export-file")
        with gr.Column(scale=2):
            overview_title = gr.Markdown(ui_text("overview", "sv"))
            area_buttons = _goal_area_buttons(model)
            examples = gr.Examples(EXAMPLES, inputs=question, label=ui_text("examples", "sv"))
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
        status_key,
        export,
        export_file,
        sources_box,
        sources,
        overview_title,
        examples.dataset,
        area_buttons,
    )


def area_label(area: Any, language: str) -> str:
    return ui_text("goal_area_button", language, name=area.name, sdgs=", ".join(map(str, area.sdgs)))


def _header() -> tuple[Any, Any]:
    """The page's h1 and its language switch, side by side."""
    with gr.Row(equal_height=False):
        with gr.Column(scale=4):
            title = gr.Markdown(ui_text("title", "sv"), elem_id="app-title")
        with gr.Column(scale=1, min_width=180):
            language = gr.Radio(
                [("Svenska", "sv"), ("English", "en")], value="sv", label=ui_text("language", "sv"), elem_id="language"
            )
    return title, language


def _goal_area_buttons(model: GoalAreaModel | None) -> list[tuple[Any, str]]:
    buttons = []
    for ma in model.main_areas if model else []:
        gr.Markdown(f"**{ma.name}**")
        for ga in ma.goal_areas:
            buttons.append((gr.Button(area_label(ga, "sv"), size="sm", elem_classes=["goal-area"]), ga))
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

    def _answer(self, text: str, mode: str, past: list[Turn], language: str | None = None) -> Answer:
        """The answer in a mode; with ``language``, in that language whatever the text's (the language switch)."""
        with self.models_lock:
            assistant = self.get_assistant()
            if language is None:
                return assistant.answer_in_mode(text, mode, history=past)
            if mode == "relate":
                return assistant.relate_answer(text, language, assistant.mapper.map(text, language))
            if mode == "draft":
                return assistant.draft_answer(text, language)
            answer = assistant.run(text, past, language=language).answer
            assert answer is not None
            return answer

    def respond(self, text: str, history: list, state: list, chosen_mode: str, lang: str):
        history = list(history or [])
        text = valid_text(text).strip()
        if not text:
            yield history, state, gr.update(), ""
            return
        try:
            answer = self._answer(text, chosen_mode, _past(state))
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
        yield history, state + [_turn(text, chosen_mode, answer)], cards, ""

    def clear(self, lang: str):
        return [], [], source_cards(None, lang, self.sdg_names), ""

    def ask_about(self, history: list, state: list, lang: str, area: Any):
        """A click on a goal area asks about it, in the page's language (the last step of the streamed answer)."""
        steps = list(self.respond(ui_text("ask_about", lang, name=area.name), history, state, "answer", lang))
        return steps[-1] if steps else (history, state, gr.update(), "")

    def rate(self, value: int, state: list, note: str, lang: str):
        if not state:
            return ui_text("nothing", lang), note, "nothing"
        last = state[-1]
        try:
            self.save_feedback(last["question"], last["answer"], value, valid_text(note) or None)
        except ValidationError:  # over the stored bounds (a very long comment)
            return ui_text("feedback_invalid", lang), note, "feedback_invalid"
        return ui_text("thanks", lang), "", "thanks"

    @staticmethod
    def export(state: list, lang: str):
        """A download link that carries the conversation itself (a data: URL): no file is written anywhere."""
        if not state:
            return gr.update(visible=False)
        data = base64.b64encode(conversation_markdown(state).encode("utf-8")).decode("ascii")
        link = (
            f'<a class="export-link" download="hallbar-samtal.md" '
            f'href="data:text/markdown;charset=utf-8;base64,{data}">{html.escape(ui_text("download", lang))}</a>'
        )
        return gr.update(value=link, visible=True)

    def switch(self, lang: str, state: list, status: str):
        """Everything the page says, in the chosen language: its own words, and the conversation so far answered
        again in that language (with its source cards and badges)."""
        try:
            state = [
                _turn(t["question"], t["mode"], self._answer(t["question"], t["mode"], _past(state[:i]), lang))
                for i, t in enumerate(state)
            ]
        except IndexNotReadyError:
            pass  # no index now: the earlier answers stay as they were
        history = [m for t in state for m in _messages(t)]
        last = Answer.model_validate(state[-1]["full"]) if state else None
        return (
            history,
            state,
            source_cards(last, lang, self.sdg_names),
            ui_text(status, lang) if status else "",
        ) + self.labels(lang)

    @staticmethod
    def labels(lang: str) -> tuple:
        def t(key: str) -> str:
            return ui_text(key, lang)

        return (
            t("title"),
            gr.update(choices=modes(lang), label=t("mode")),
            gr.update(label=t("question"), placeholder=t("placeholder")),
            gr.update(value=t("send")),
            gr.update(value=t("clear")),
            gr.update(label=t("sources")),
            t("overview"),
            gr.update(label=t("comment")),
            gr.update(value=t("export")),
            gr.update(value="👍 " + t("good")),
            gr.update(value="👎 " + t("bad")),
            gr.update(label=t("examples")),
            gr.update(label=t("language")),
            gr.update(label=t("chat")),
        )


def _turn(question: str, mode: str, answer: Answer) -> dict:
    return {
        "question": question,
        "mode": mode,
        "answer": answer.answer,
        "refused": answer.refused,
        "goal_areas": [g.name for g in answer.goal_areas],
        "citations": [c.model_dump() for c in answer.citations],
        "full": answer.model_dump(mode="json"),
    }


def _past(state: list) -> list[Turn]:
    return [
        Turn(question=t["question"], answer=t["answer"], goal_areas=t["goal_areas"]) for t in state if not t["refused"]
    ]


def _messages(turn: dict) -> list[dict]:
    return [
        {"role": "user", "content": link_markers(turn["question"])},
        {"role": "assistant", "content": link_markers(turn["answer"])},
    ]


def _wire(page: ChatPage, handlers: ChatHandlers) -> None:
    """Connect the page's events to their handlers."""
    outputs = [page.chat, page.turns, page.sources, page.question]
    asked = [page.question, page.chat, page.turns, page.mode, page.language]
    page.send.click(handlers.respond, asked, outputs)
    page.question.submit(handlers.respond, asked, outputs)
    page.clear.click(handlers.clear, [page.language], outputs)
    for button, area in page.area_buttons:
        button.click(
            lambda h, s, lang, a=area: handlers.ask_about(h, s, lang, a),
            [page.chat, page.turns, page.language],
            outputs,
        )
    rated = [page.turns, page.comment, page.language]
    fed_back = [page.feedback_status, page.comment, page.status_key]
    page.up.click(lambda s, n, lang: handlers.rate(1, s, n, lang), rated, fed_back)
    page.down.click(lambda s, n, lang: handlers.rate(-1, s, n, lang), rated, fed_back)
    page.export.click(handlers.export, [page.turns, page.language], [page.export_file])
    labelled = [
        page.title,
        page.mode,
        page.question,
        page.send,
        page.clear,
        page.sources_box,
        page.overview_title,
        page.comment,
        page.export,
        page.up,
        page.down,
        page.examples,
        page.language,
        page.chat,
    ]
    areas = [area for _, area in page.area_buttons]
    switched = [page.chat, page.turns, page.sources, page.feedback_status] + labelled
    switched += [page.export_file] + [button for button, _ in page.area_buttons]

    def switch(lang: str, state: list, status: str) -> tuple:
        hidden = gr.update(visible=False)  # an export link in the old language: export again
        return handlers.switch(lang, state, status) + (hidden,) + tuple(area_label(a, lang) for a in areas)

    page.language.change(switch, [page.language, page.turns, page.status_key], switched)
    page.language.change(None, [page.language], None, js=SET_LANG)


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
        demo.load(None, [page.language], None, js=SET_LANG)
    return demo
