"""The one table of user-facing text, Swedish first, English second.

``message(key, language, **values)`` gives one language (Swedish when a key lacks the other);
``bilingual(key, **values)`` gives "svenska / English", as the API's error details are written.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    # -- answers ---------------------------------------------------------------------------------
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
        "sv": "Frågan är tom. Skriv en fråga om Program för social hållbarhet, "
        "till exempel ”Vilka är programmets målområden?”",
        "en": "The question is empty. Ask something about the Programme for social sustainability, "
        "e.g. “What are the programme's goal areas?”",
    },
    "too_long": {
        "sv": "Frågan är för lång ({length} tecken, högst {limit}). Korta ner den till det du vill veta.",
        "en": "The question is too long ({length} characters, at most {limit}). Shorten it to what you want to know.",
    },
    "direct_yes": {"sv": "**Ja** – det står i programmet [{n}].", "en": "**Yes** – the programme says so [{n}]."},
    "quotes_intro": {"sv": "Programmet säger:", "en": "The programme says (quoted in Swedish):"},
    "quotes_intro_action_plan": {"sv": "{title} säger:", "en": "Action plan “{title}” says (quoted in Swedish):"},
    "quotes_intro_other": {"sv": "{title} säger:", "en": "“{title}” says (quoted in Swedish):"},
    "kind_programme": {"sv": "program", "en": "programme"},
    "kind_action_plan": {"sv": "handlingsplan", "en": "action plan"},
    "kind_other": {"sv": "dokument", "en": "document"},
    "link_structure": {"sv": "kopplat genom programmets struktur", "en": "linked by the programme's structure"},
    "link_name_match": {
        "sv": "kopplat genom målområdets namn i rubriken",
        "en": "linked by the goal area's name in its heading",
    },
    "link_embedding": {
        "sv": "kopplat genom textlikhet med målområdet",
        "en": "linked by its text's similarity to the goal area",
    },
    "link_none": {"sv": "inte kopplat till något målområde", "en": "not linked to a goal area"},
    "label_goal_area": {"sv": "Målområde", "en": "Goal area"},
    "label_sdgs": {"sv": "Agenda 2030-mål", "en": "SDGs"},
    "label_section": {"sv": "Avsnitt", "en": "Section"},
    "label_main_area": {"sv": "huvudområde", "en": "main area"},
    "page_abbr": {"sv": "s.", "en": "p."},
    "and": {"sv": "och", "en": "and"},
    "sources": {"sv": "Källor", "en": "Sources"},
    "typed_decline": {
        "sv": "Det anger programmet inte ({what}). Närmast i ämnet säger programmet:",
        "en": "The programme does not give that ({what}). The nearest it says on the topic (quoted in Swedish):",
    },
    "answer_type_figure": {"sv": "siffror eller statistik", "en": "figures or statistics"},
    "answer_type_amount": {"sv": "belopp", "en": "amounts of money"},
    "answer_type_name": {"sv": "namn på personer eller organisationer", "en": "names of people or organisations"},
    "answer_type_date": {"sv": "datum", "en": "dates"},
    "answer_type_contact": {"sv": "kontaktuppgifter till personer", "en": "contact details of people"},
    "answer_type_later_document": {
        "sv": "innehållet i senare dokument, som kommande handlingsplaner eller uppföljningar",
        "en": "the contents of later documents, such as later action plans or follow-ups",
    },
    "answer_type_other_law": {"sv": "vad andra lagar eller dokument säger", "en": "what other laws or documents say"},
    "op_quote_intro": {"sv": "Citatet, ordagrant:", "en": "The quote, verbatim (in Swedish):"},
    "op_quotes_intro": {
        "sv": "Citaten, ordagrant (det första svarar bäst):",
        "en": "The quotes, verbatim (in Swedish; the first answers best):",
    },
    "op_shorter_intro": {
        "sv": "Kort sagt, med programmets ord:",
        "en": "In short, in the programme's words (Swedish):",
    },
    # -- structured facts --------------------------------------------------------------------------
    "fact_main_area_sdgs": {
        "sv": "Huvudområdet *{name}* omfattar tillsammans Agenda 2030-målen {sdgs}, fördelade på {count} målområden:",
        "en": "Together, the main area *{name}* covers SDGs {sdgs}, across {count} goal areas:",
    },
    "fact_goal_areas_under": {
        "sv": "Under huvudområdet *{main}* finns {count} målområden:",
        "en": "The main area *{main}* has {count} goal areas:",
    },
    "fact_union_sdgs": {
        "sv": "Tillsammans omfattar de {count} målområdena Agenda 2030-målen {sdgs}.",
        "en": "Together the {count} goal areas cover SDGs {sdgs}.",
    },
    "fact_goal_area_sdgs": {
        "sv": "Målområdet *{name}* omfattar Agenda 2030-målen {sdgs}.",
        "en": "The goal area *{name}* covers SDGs {sdgs}.",
    },
    "fact_member_yes_all": {
        "sv": "Ja. Målområdet *{name}* omfattar mål {n} ({sdg}); det omfattar mål {sdgs} i Agenda 2030.",
        "en": "Yes. The goal area *{name}* covers SDG {n} ({sdg}); it covers SDGs {sdgs} of Agenda 2030.",
    },
    "fact_member_yes": {
        "sv": "Ja. Målområdet *{name}* omfattar mål {n} ({sdg}).",
        "en": "Yes. The goal area *{name}* covers SDG {n} ({sdg}).",
    },
    "both": {"sv": "båda", "en": "both"},
    "all_of_them": {"sv": "alla", "en": "all"},
    "fact_sdgs_included": {
        "sv": "Ja – mål {asked} ingår {every} i programmet.",
        "en": "Yes – SDGs {asked} are {every} in the programme.",
    },
    "fact_not_included": {
        "sv": "Nej. Programmets målområden omfattar mål {covered} i Agenda 2030.",
        "en": "No. The programme's goal areas cover SDGs {covered} of Agenda 2030.",
    },
    "fact_sdg_not_among": {
        "sv": "Mål {n} i Agenda 2030 är {name} ({other}). Det ingår inte i något av målområdena, och programmet "
        "säger inget mer om det.",
        "en": "SDG {n} is {name} ({other}). It is not part of any of the goal areas, and the programme says nothing "
        "more about it.",
    },
    "fact_member_no": {
        "sv": "Nej. Målområdet *{name}* omfattar inte mål {n} ({sdg}); det omfattar mål {sdgs}.",
        "en": "No. The goal area *{name}* does not cover SDG {n} ({sdg}); it covers SDGs {sdgs}.",
    },
    "fact_sdg_in_areas": {
        "sv": "Mål {n} i Agenda 2030 är {name} ({other}). "
        "I programmet ingår det i {count} av {total} målområden: {areas}.",
        "en": "SDG {n} is {name} ({other}). In the programme it belongs to {count} of the {total} goal areas: {areas}.",
    },
    "fact_sdg_in_no_area": {
        "sv": "Mål {n} i Agenda 2030 är {name} ({other}). Det ingår inte i något av programmets målområden, "
        "som omfattar målen {covered}, och programmet säger inget mer om det.",
        "en": "SDG {n} is {name} ({other}). "
        "It is not part of any of the programme's goal areas, which cover SDGs {covered}, and the programme says "
        "nothing more about it.",
    },
    "fact_only_area": {
        "sv": "Bara målområdet *{name}* omfattar mål {sdgs}.",
        "en": "Only the goal area *{name}* covers SDGs {sdgs}.",
    },
    "fact_other_sdgs_shared": {
        "sv": "Områdets övriga mål ({shared}) finns även i andra målområden.",
        "en": "Its other SDGs ({shared}) appear in other goal areas too.",
    },
    "fact_none_unique": {
        "sv": "Inget av målen i *{name}* är unikt för området; alla finns även i andra målområden.",
        "en": "None of the SDGs of *{name}* is unique to it; all appear in other goal areas too.",
    },
    "fact_pair_shared": {
        "sv": "Målområdena *{first}* och *{second}* har Agenda 2030-målen {sdgs} gemensamt.",
        "en": "The goal areas *{first}* and *{second}* have SDGs {sdgs} in common.",
    },
    "fact_pair_shared_none": {
        "sv": "Målområdena *{first}* och *{second}* har inga Agenda 2030-mål gemensamt.",
        "en": "The goal areas *{first}* and *{second}* have no SDGs in common.",
    },
    "fact_pair_difference": {
        "sv": "Målområdet *{first}* omfattar Agenda 2030-målen {sdgs}, som *{second}* inte omfattar.",
        "en": "The goal area *{first}* covers SDGs {sdgs}, which *{second}* does not.",
    },
    "fact_pair_difference_none": {
        "sv": "Målområdet *{first}* (mål {first_sdgs}) omfattar inga Agenda 2030-mål utöver dem som *{second}* (mål "
        "{second_sdgs}) omfattar.",
        "en": "The goal area *{first}* (SDGs {first_sdgs}) covers no SDGs beyond those of *{second}* (SDGs "
        "{second_sdgs}).",
    },
    "fact_shared_by_all": {
        "sv": "Mål {sdgs} ingår i alla {count} målområden.",
        "en": "SDGs {sdgs} are part of all {count} goal areas.",
    },
    "fact_not_covered": {
        "sv": "Programmet omfattar inte {count} av de sjutton globala målen i Agenda 2030: {sdgs}.",
        "en": "The programme does not cover {count} of the seventeen SDGs of Agenda 2030: {sdgs}.",
    },
    "fact_covered": {
        "sv": "Programmet omfattar {count} av de 17 globala målen i Agenda 2030: {sdgs}.",
        "en": "The programme covers {count} of the 17 SDGs of Agenda 2030: {sdgs}.",
    },
    "fact_goal_areas": {
        "sv": "Programmet har {count} målområden under {mains} huvudområden:",
        "en": "The programme has {count} goal areas under {mains} main areas:",
    },
    "fact_sdg_word": {"sv": "mål", "en": "SDGs"},
    "fact_belongs_to": {
        "sv": "Målområdet *{name}* hör till huvudområdet *{main}*.",
        "en": "The goal area *{name}* belongs to the main area *{main}*.",
    },
    "fact_main_areas": {"sv": "Programmet har {count} huvudområden:", "en": "The programme has {count} main areas:"},
    "fact_main_area_item": {"sv": "- {name} ({count} målområden)", "en": "- {name} ({count} goal areas)"},
    # -- relate my work ----------------------------------------------------------------------------
    "relate_uncertain_reason": {
        "sv": "Osäker koppling: beskrivningen liknar inget målområde tydligt; detta är bara det närmaste.",
        "en": "Uncertain: the description does not clearly match any goal area; this is only the closest.",
    },
    "relate_reason_words": {
        "sv": "Beskrivningen tar upp {words}, som hör till målområdet",
        "en": "The description mentions {words}, which belong to this goal area",
    },
    "relate_reason_meaning": {
        "sv": "Beskrivningen liknar målområdets egen text",
        "en": "The description is close to the goal area's own text",
    },
    "relate_reason_plan": {
        "sv": " och handlingsplanens aktiviteter där.",
        "en": ", as do the action plan's activities there.",
    },
    "relate_reason_end": {"sv": ".", "en": "."},
    "relate_none": {
        "sv": "Jag hittar ingen tydlig koppling mellan beskrivningen och programmets målområden. Det närmaste är:",
        "en": "I find no clear link between the description and the programme's goal areas. The closest is:",
    },
    "relate_intro": {
        "sv": "Ditt arbete hör till dessa målområden, bäst först:",
        "en": "Your work relates to these goal areas, best first:",
    },
    "relate_also": {
        "sv": "Programmet säger också, närmast ditt arbete:",
        "en": "The programme also says, nearest your work:",
    },
    # -- writing support ---------------------------------------------------------------------------
    "draft_title": {"sv": "Faktaunderlag", "en": "Fact sheet"},
    "draft_for": {"sv": "för {audience}", "en": "for {audience}"},
    "draft_words": {"sv": "cirka {words} ord", "en": "about {words} words"},
    "draft_material": {"sv": "Underlag {target}. ", "en": "Material {target}. "},
    "draft_adopted": {"sv": ", antaget {year}", "en": ", adopted {year}"},
    "draft_verbatim": {
        "sv": "Citaten är ordagranna ur {title} (Västerås stad{adopted}); ändra inte i dem.",
        "en": "Quotes are verbatim from {title} (Västerås stad{adopted}), in Swedish; do not edit them.",
    },
    "draft_verbatim_documents": {
        "sv": "Citaten är ordagranna ur {documents}; ändra inte i dem.",
        "en": "Quotes are verbatim from {documents}, in Swedish; do not edit them.",
    },
    "draft_goal_areas": {"sv": "Målområden och globala mål", "en": "Goal areas and SDGs"},
    "draft_no_area": {
        "sv": "Ämnet hör inte tydligt till något målområde.",
        "en": "The topic belongs to no goal area clearly.",
    },
    "draft_quotes": {"sv": "Citat att använda", "en": "Quotes to use"},
    "draft_name_vision": {
        "sv": "Programmets namn, syfte och målbild",
        "en": "The programme’s name, purpose and vision",
    },
    "draft_name": {"sv": "Namn", "en": "Name"},
    "draft_vision": {"sv": "Målbild", "en": "Vision"},
    "draft_purpose": {"sv": "Syfte", "en": "Purpose"},
    "draft_phrasings": {
        "sv": "Förslag på formuleringar (citat markerade med citattecken)",
        "en": "Suggested phrasings (quotes marked)",
    },
    "draft_contributes": {
        "sv": "Arbetet bidrar till målområdet *{name}* i Västerås stads {title_lower}, som är kopplat till "
        "de globala målen {sdgs} i Agenda 2030.",
        "en": "The work contributes to the goal area *{name}* of Västerås stad's {title}, "
        "linked to SDGs {sdgs} of Agenda 2030.",
    },
    "draft_states": {"sv": "I programmet står det att", "en": "The programme states that"},
    "draft_language_name": {"sv": "svenska", "en": "engelska"},
    # -- generative prompts ------------------------------------------------------------------------
    "prompt_passages": {"sv": "Utdrag", "en": "Passages"},
    "prompt_question": {"sv": "Fråga", "en": "Question"},
    "prompt_goal_area": {"sv": "målområde", "en": "målområde"},
    # -- the web page ------------------------------------------------------------------------------
    "ui_title": {
        "sv": "# hallbar · Program för social hållbarhet\nFrågor om Västerås stads program: målområden, globala mål "
        "och hur ditt arbete hänger ihop med dem. Svaren citerar programmet ordagrant.",
        "en": "# hallbar · Programme for social sustainability\n"
        "Questions about Västerås stad's programme: goal areas, "
        "SDGs and how your work relates to them. Answers quote the programme verbatim (in Swedish).",
    },
    "ui_mode": {"sv": "Läge", "en": "Mode"},
    "ui_mode_answer": {"sv": "Fråga", "en": "Ask"},
    "ui_mode_relate": {"sv": "Koppla mitt arbete", "en": "Relate my work"},
    "ui_mode_draft": {"sv": "Skrivstöd", "en": "Writing support"},
    "ui_question": {"sv": "Din fråga", "en": "Your question"},
    "ui_placeholder": {
        "sv": "Skriv en fråga, beskriv ditt arbete eller be om en text …",
        "en": "Ask a question, describe your work or request a text …",
    },
    "ui_send": {"sv": "Skicka", "en": "Send"},
    "ui_clear": {"sv": "Rensa", "en": "Clear"},
    "ui_sources": {"sv": "Källor", "en": "Sources"},
    "ui_overview": {"sv": "### Målområden", "en": "### Goal areas"},
    "ui_comment": {"sv": "Kommentar (valfri)", "en": "Comment (optional)"},
    "ui_export": {"sv": "Exportera samtalet (Markdown)", "en": "Export the conversation (Markdown)"},
    "ui_thanks": {"sv": "Tack för din återkoppling!", "en": "Thank you for your feedback!"},
    "ui_feedback_invalid": {
        "sv": "Återkopplingen kunde inte sparas: kommentaren är för lång (högst 2000 tecken).",
        "en": "The feedback could not be saved: the comment is too long (at most 2000 characters).",
    },
    "ui_download": {"sv": "Ladda ner samtalet (Markdown)", "en": "Download the conversation (Markdown)"},
    "ui_good": {"sv": "Bra svar", "en": "Good answer"},
    "ui_bad": {"sv": "Dåligt svar", "en": "Poor answer"},
    "ui_no_index": {
        "sv": "**Inga dokument är indexerade.** Kör `hallbar ingest`.",
        "en": "**No documents are indexed.** Run `hallbar ingest`.",
    },
    "ui_unavailable": {
        "sv": "**Indexet är inte tillgängligt just nu.** Försök igen om en stund.",
        "en": "**The index is unavailable right now.** Please try again shortly.",
    },
    "ui_empty_sources": {"sv": "Källorna till svaret visas här.", "en": "The answer's sources appear here."},
    "ui_examples": {"sv": "Exempel", "en": "Examples"},
    "ui_ask_about": {
        "sv": "Vad säger programmet om målområdet {name}?",
        "en": "What does the programme say about the goal area {name}?",
    },
    "ui_nothing": {"sv": "Ställ en fråga först.", "en": "Ask a question first."},
    "ui_goal_area_button": {"sv": "{name} · mål {sdgs}", "en": "{name} · goals {sdgs}"},
    "ui_chat": {"sv": "Samtal", "en": "Conversation"},
    "ui_language": {"sv": "Språk / Language", "en": "Language / Språk"},
    "ui_question_label": {"sv": "Fråga", "en": "Question"},
    # -- the command line (errors are given in both languages) --------------------------------------
    "cli_error": {"sv": "fel", "en": "error"},
    "cli_empty_question": {"sv": "tom fråga", "en": "empty question"},
    "cli_empty_description": {"sv": "tom beskrivning", "en": "empty description"},
    "cli_empty_topic": {"sv": "tomt ämne", "en": "empty topic"},
    "cli_chat_intro": {
        "sv": "Fråga om Program för social hållbarhet (tom rad avslutar)",
        "en": "Ask about the programme (empty line ends).",
    },
    # -- the REST API (errors are given in both languages) -----------------------------------------
    "api_invalid": {"sv": "ogiltig förfrågan", "en": "invalid request: {problems}"},
    "api_index_unavailable": {"sv": "indexet är inte tillgängligt", "en": "the index is unavailable: {reason}"},
    "api_empty_question": {"sv": "tom fråga", "en": "empty question"},
    "api_too_long": {"sv": "för lång", "en": "too long: {length} characters, at most {limit}"},
    "api_rate_limited": {"sv": "för många frågor", "en": "too many questions: at most {limit} a minute"},
    "api_no_goal_model": {"sv": "ingen målområdesmodell", "en": "no goal-area model in the index"},
    "api_admin_disabled": {
        "sv": "adminfunktioner är avstängda (HALLBAR_ADMIN_TOKEN saknas)",
        "en": "admin endpoints are disabled",
    },
    "api_admin_token": {"sv": "fel eller saknad admin-token", "en": "missing or wrong admin token"},
    "api_bad_file_name": {"sv": "ogiltigt filnamn", "en": "invalid file name (letters, digits, . _ - only)"},
    "api_file_too_large": {"sv": "filen är för stor", "en": "file too large (limit {limit} bytes)"},
    "api_pdf_name": {
        "sv": "innehållet är PDF men filnamnet inte",
        "en": "the content is a PDF but the name is not .pdf",
    },
    "api_not_utf8": {"sv": "texten är inte UTF-8", "en": "the text is not UTF-8"},
    "api_empty_file": {"sv": "tom eller binär fil", "en": "empty or binary file"},
    "api_unsupported": {"sv": "filtypen stöds inte", "en": "unsupported type: PDF (by content), .md or .txt (UTF-8)"},
    "api_document_exists": {
        "sv": "dokumentet finns redan: {doc_id} ({title}, fil {path}); ersätt det (PUT /api/documents/{doc_id}, "
        "hallbar documents replace) eller ta bort det först",
        "en": "a document with this id or file name exists: {doc_id} ({title}, file {path}); replace it or delete it "
        "first",
    },
    "api_programme_explicit": {
        "sv": "programmet ersätts bara uttryckligen (PUT /api/documents/{doc_id}?programme=true, "
        "hallbar documents replace --programme)",
        "en": "the programme is replaced only explicitly (programme=true, --programme)",
    },
    "api_programme_exists": {
        "sv": "korpusen har redan ett program ({doc_id}); ersätt det uttryckligen i stället",
        "en": "the corpus already has a programme ({doc_id}); replace it explicitly instead",
    },
    "api_not_programme": {
        "sv": "{doc_id} är inte programmet; ersätt det utan programme=true",
        "en": "{doc_id} is not the programme; replace it without programme=true",
    },
    "api_no_text": {
        "sv": "filen ger ingen text ({reason}); ladda upp en PDF med textlager, eller kör OCR på den först",
        "en": "the file yields no text: upload a PDF with a text layer, or OCR it first",
    },
    "api_unreadable_file": {"sv": "filen kan inte läsas ({reason})", "en": "the file cannot be read"},
    "api_bad_title": {
        "sv": "ogiltig titel: 1-300 tecken, inga styrtecken",
        "en": "invalid title: 1-300 characters, no control characters",
    },
    "api_manifest_broken": {
        "sv": "manifestet kan inte läsas ({reason}); rätta corpus/manifest.toml",
        "en": "the manifest cannot be read; fix corpus/manifest.toml",
    },
    "api_busy": {
        "sv": "en annan dokumentåtgärd pågår; försök igen strax",
        "en": "another document operation is running; try again shortly",
    },
    "api_not_quarantined": {
        "sv": "{chunk_id} är inte i karantän i {doc_id}",
        "en": "no quarantined chunk {chunk_id} in {doc_id}",
    },
    "api_unknown_job": {"sv": "okänt jobb", "en": "unknown job: {job_id}"},
    "api_reindex_failed": {
        "sv": "omindexeringen misslyckades ({reason}); inget ändrades",
        "en": "the re-index failed; nothing changed",
    },
    "api_unknown_document": {"sv": "okänt dokument", "en": "unknown document: {doc_id}"},
    "api_programme_delete": {"sv": "programmet kan inte tas bort här", "en": "the programme cannot be deleted here"},
    "api_server_error": {"sv": "internt fel", "en": "internal error"},
    "api_closed": {"sv": "finns inte", "en": "not available"},
    "api_body_too_large": {"sv": "för stor förfrågan", "en": "request body too large (limit {limit} bytes)"},
    "api_feedback_rate_limited": {
        "sv": "för många återkopplingar",
        "en": "too much feedback: at most {limit} a minute",
    },
    "api_no_user_message": {"sv": "ingen användarfråga", "en": "no user message with text"},
    "api_unknown_model": {"sv": "okänd modell", "en": "unknown model {model}: the only model is hallbar"},
}


def message(key: str, language: str, **values: object) -> str:
    texts = STRINGS[key]
    return texts.get(language, texts["sv"]).format(**values)


def bilingual(key: str, **values: object) -> str:
    """ "svenska / English" in one string (the API's error details)."""
    return f"{message(key, 'sv', **values)} / {message(key, 'en', **values)}"
