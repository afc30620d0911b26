"""The welcome: what is indexed and what a question searches, the demo's examples, and
those a short conversation has not tried yet."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import streamlit as st

from rag.demo import EXAMPLES as DEMO_EXAMPLES
from rag.engine import Engine
from rag.session import Turn
from ui.text import escape_md

EXAMPLES = tuple(DEMO_EXAMPLES)  # each asks one demo file (rag.demo.EXAMPLES)
# The examples not asked yet stay offered under a conversation this short: clicking the
# first one took them all away, so the second could only be tried in a new conversation.
EXAMPLES_UNTIL_TURNS = 3


def _suggest(q: str) -> None:
    st.session_state.pending_question = q


def _offered(names: Sequence[str], demo: set[str]) -> list[int]:
    """The examples worth a click: their demo file is indexed, and no document of one's own
    is (questions then search those, not the demo's). ``demo``: the demo corpus's names."""
    from rag.demo import examples_for

    ok = set(examples_for(names, demo))
    return [i for i, q in enumerate(EXAMPLES) if q in ok]


def _example_buttons(which: Iterable[int]) -> None:
    for i in which:  # one per row: the whole question stays readable
        q = EXAMPLES[i]
        st.button(
            q, key=f"example_{i}", on_click=_suggest, args=(q,), icon=":material/lightbulb:", help=q
        )


def _own_scope_words(yours: str, picked: Sequence[str], by_default: bool) -> str:
    """What a question searches beside the demo's documents, as "Ask within" is set."""
    if by_default:
        return f"Questions search {yours}; pick demo files in Ask within to include them."
    if picked:  # "Select all" comes as none picked, not as every id (ui.within)
        n = len(picked)
        return f"Questions search the {n:,} document{'s' if n > 1 else ''} picked in Ask within."
    return "Questions search all of them, yours and the demo's."


def render_welcome(
    engine: Engine,
    key_note: str = "No API key needed.",
    picked: Sequence[str] = (),
    by_default: bool = True,
) -> None:
    """``key_note``: what the provider picked in "Answer with" needs (ui.sidebar.key_note);
    ``picked``, ``by_default``: what "Ask within" searches (ui.within.render_within)."""
    from rag.demo import demo_names, indexed_words, searched_by_default

    docs = engine.docs()
    if not docs:
        st.info("No documents yet: add some in the sidebar, then ask about them.")
        return
    names = {d.doc_id: d.name for d in docs}
    demo = demo_names(engine.settings.demo_dir)
    indexed = indexed_words(list(names.values()), demo & set(names.values()))
    them = "it" if len(docs) == 1 else "them"  # "1 document is indexed. Ask ... about them."
    offered = _offered(list(names.values()), demo)
    if own := sorted(names[i] for i in searched_by_default(names, demo)):  # beside the demo's
        yours = f"your {own[0]}" if len(own) == 1 else f"your {len(own):,} documents"
        scope = _own_scope_words(escape_md(yours), picked, by_default)
        st.info(f"{indexed} {scope} {key_note}".rstrip())
    elif not offered:
        st.info(f"{indexed} Ask anything about {them}. {key_note}".rstrip())
    else:
        st.info(f"{indexed} Ask anything about {them}, or try an example. {key_note}".rstrip())
        _example_buttons(offered)


def examples_left(turns: Sequence[Turn]) -> list[int]:
    """The examples a conversation has not asked (their indexes), while it is short."""
    if len(turns) >= EXAMPLES_UNTIL_TURNS:
        return []
    asked = {" ".join(t.question.lower().split()) for t in turns}
    return [i for i, q in enumerate(EXAMPLES) if q.lower() not in asked]


def render_more_examples(engine: Engine, turns: Sequence[Turn]) -> None:
    """Under a short conversation on the demo documents: the examples not asked yet."""
    from rag.demo import demo_names

    if not turns:
        return
    offered = _offered([d.name for d in engine.docs()], demo_names(engine.settings.demo_dir))
    left = [i for i in examples_left(turns) if i in offered]
    if not left:
        return
    st.caption("Another example to try:" if len(left) == 1 else "More examples to try:")
    _example_buttons(left)
