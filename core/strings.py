"""User-facing texts, Swedish first, English second."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "refusal": {
        "sv": (
            "Det kan jag tyvärr inte svara på utifrån dokumenten jag har. Jag svarar bara på frågor om "
            "Västerås stads Program för social hållbarhet: dess två huvudområden och sex målområden, "
            "kopplingen till de globala målen i Agenda 2030, och hur ditt arbete hänger ihop med dem. "
            "Prova till exempel: ”Vilka globala mål hör till målområdet om bostäder?” eller "
            "”Vad säger programmet om trygghet i stadsdelarna?”"
        ),
        "en": (
            "Sorry, I can't answer that from the documents I have. I only answer questions about Västerås "
            "stad's Programme for social sustainability (Program för social hållbarhet): its two main areas "
            "and six goal areas, their links to the UN Agenda 2030 goals (SDGs), and how your work relates "
            "to them. Try for example: “Which SDGs does the housing goal area cover?” or “What does the "
            "programme say about safety in the city's districts?”"
        ),
    },
    "empty": {
        "sv": "Frågan är tom. Skriv en fråga om Program för social hållbarhet, till exempel ”Vilka är programmets målområden?”",
        "en": "The question is empty. Ask something about the Programme for social sustainability, e.g. “What are the programme's goal areas?”",
    },
    "too_long": {
        "sv": "Frågan är för lång ({length} tecken, högst {limit}). Korta ner den till det du vill veta.",
        "en": "The question is too long ({length} characters, at most {limit}). Shorten it to what you want to know.",
    },
    "no_index": {
        "sv": "Inga dokument är indexerade ännu. Kör 'hallbar ingest' först.",
        "en": "No documents are indexed yet. Run 'hallbar ingest' first.",
    },
}


def message(key: str, language: str, **values: object) -> str:
    texts = MESSAGES[key]
    return texts.get(language, texts["sv"]).format(**values)
