"""Saved conversations in the sidebar: list, new, rename, delete (confirmed), export.

The open conversation's id is in the URL (``?c=<id>``), so a reload or a shared link
reopens it. Storage is :class:`rag.conversations.ConversationStore` (SQLite under the index
dir). Hooks: :func:`sync` (app.py, before the history is drawn) loads the conversation the
URL names into ``st.session_state.turns``; :func:`on_turn` (ui.chat, after a turn is
appended) saves it. With sign-in on, every store call carries the signed-in user's id
(``ui.auth.owner``), so each user sees only their own conversations, links included.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import streamlit as st

from providers.info import all_info
from rag.conversations import (
    DB_NAME,
    Conversation,
    ConversationStore,
    SavedTurn,
    chosen_provider,
    cost_rows_of,
    to_markdown,
)
from rag.scope import names_of
from rag.session import Turn
from rag.settings import Settings
from rag.workspaces import list_workspaces
from ui import auth
from ui.provenance import answer_notes
from ui.state import PICK_PARAM
from ui.text import escape_label

log = logging.getLogger(__name__)

PARAM = "c"
LISTED = 15
# The selection a conversation just opened was left at (or its last turn, for one saved
# before selections were), as a list of none or one: ui.within.render_within (which knows the
# indexed documents) turns it into the "Ask within" selection on its next draw.
WITHIN_RESTORE = "within_restore"
# "Ask within": its widget key (ui.within) and the names of the documents it offers, doc id
# -> name, as of its last draw
WITHIN_KEY = "ask_within"
WITHIN_OFFERED = "ask_within_offered"
# The question being answered until its turn is finished (ui.chat): an answer a rerun stopped
# is asked again, unless another conversation was opened meanwhile.
ANSWERING = "answering"


@st.cache_resource(show_spinner=False, max_entries=8)
def _store(path: str, workspace: str) -> ConversationStore:
    return ConversationStore(Path(path), workspace)


def store(settings: Settings) -> ConversationStore:
    return _store(str(settings.state_dir / DB_NAME), settings.workspace)


def open_conversation(conversation_id: str | None) -> None:
    """Callback: open a conversation (None: start a new one) on the next run."""
    st.session_state.conversation_id = None  # sync() loads what the URL names
    st.session_state.turns = []
    st.session_state[WITHIN_RESTORE] = []  # a new conversation searches all documents
    st.session_state.pop(ANSWERING, None)  # a question of the one left is not asked here
    if conversation_id:
        st.query_params[PARAM] = conversation_id
    else:
        st.query_params.pop(PARAM, None)


def sync(settings: Settings) -> None:
    """Make ``st.session_state.turns`` the conversation the URL names (once per change)."""
    ss = st.session_state
    wanted = st.query_params.get(PARAM)
    current = ss.get("conversation_id")
    if not wanted:
        if current:  # a rerun dropped the parameter: keep the URL shareable
            st.query_params[PARAM] = current
        return
    if wanted == current:
        return
    s = store(settings)
    owner = auth.owner()
    conv = s.get(wanted, owner)
    if conv is not None and conv.workspace != settings.workspace:
        _open_workspace_of(settings, conv.workspace)
        conv = None  # its workspace is gone (or could not be chosen)
    if conv is None:  # gone, or someone else's: the same answer for both
        st.query_params.pop(PARAM, None)
        ss.conversation_id = None
        st.toast("That conversation was not found (deleted, or not yours); a new one was started.")
        return
    saved = s.turns(wanted, owner)
    ss.turns = [
        Turn(
            id=t.id,
            question=t.question,
            answers=list(t.answers),
            within=list(t.within),
            within_names=list(t.within_names),
            own_only=t.own_only,
        )
        for t in saved
    ]
    ss.conversation_id = wanted
    # Follow-ups search what it was left searching: a selection changed (or cleared) after
    # its last question counts, or a reload would bring back a filter the user removed.
    left_at = s.within(wanted, owner)
    ss[WITHIN_RESTORE] = [left_at] if left_at is not None else saved[-1:]
    # A reload (or a shared link) starts a new browser session, which would show $0 and
    # answer with the default provider: its cost so far and its provider come back with
    # it. Within a session, opening another conversation keeps the session's own.
    if not ss.costs:
        ss.costs = cost_rows_of(saved)
        ss.restored_cost = {
            "conversation_id": wanted,
            "tokens": sum(int(r["tokens"] or 0) for r in ss.costs),
            "cost_usd": sum(float(r["cost_usd"] or 0.0) for r in ss.costs),
            "answers": len(ss.costs),
        }
    # The provider: the URL's pick if it has one (ui.sidebar keeps it there), else the one the
    # conversation was left at - a switch after its last question counts, or a reload would
    # bring back a provider the user had left (a walk: OpenAI after switching to Extractive).
    if "provider" not in ss and PICK_PARAM not in st.query_params:
        _restore_provider(s.pick(wanted, owner) or chosen_provider(saved))


def _open_workspace_of(settings: Settings, workspace: str) -> None:
    """Rerun in the conversation's own workspace. A reload or a shared link starts in
    "default": showing another workspace's conversation there searched default's documents
    for its follow-ups. Returns only when that workspace no longer exists."""
    ss = st.session_state
    if ss.get("workspace") == workspace or workspace not in list_workspaces(settings):
        return  # already asked for (no rerun loop), or deleted with its documents
    ss.workspace = workspace  # the picker's key, read by ui.state.get_settings at the top
    st.rerun()


def save_within(settings: Settings, within: Sequence[str], indexed: Mapping[str, str]) -> None:
    """Callback of "Ask within": keep the open conversation's new selection (doc ids;
    ``indexed`` maps them to names), so a reload reopens it as the user left it. Before
    the first answer there is no conversation yet: that answer records its scope (and
    :func:`on_turn` the picks of a "Select all")."""
    conversation_id = st.session_state.get("conversation_id")
    if not conversation_id:
        return
    try:
        store(settings).save_within(
            conversation_id, list(within), names_of(within, indexed), auth.owner()
        )
    except Exception:  # a lost selection must never cost the page
        log.exception("could not save the Ask within selection")


def remember_pick(settings: Settings) -> None:
    """Callback of "Answer with" and its model picker: keep the open conversation's pick."""
    ss = st.session_state
    conversation_id, name = ss.get("conversation_id"), ss.get("provider")
    if not conversation_id or not name:
        return  # before the first answer there is no conversation: that answer records it
    try:
        model = ss.get(f"model_{name}") or ""
        store(settings).save_pick(conversation_id, str(name), str(model), auth.owner())
    except Exception:  # a lost pick must never cost the page
        log.exception("could not save the provider pick")


def _restore_provider(chosen: tuple[str, str] | None) -> None:
    if chosen is None or chosen[0] not in {p.name for p in all_info()}:
        return
    name, model = chosen
    st.session_state["provider"] = name
    if name != "extractive" and model:
        st.session_state[f"model_{name}"] = model


def on_turn(settings: Settings, turn: Turn) -> None:
    """Save a finished turn, creating the conversation on its first turn."""
    ss = st.session_state
    try:
        s, owner = store(settings), auth.owner()
        if not ss.get("conversation_id") or s.get(ss.conversation_id, owner) is None:
            ss.conversation_id = s.create(owner=owner).id
        s.save_turn(
            ss.conversation_id,
            turn.id,
            turn.question,
            turn.answers,
            owner,
            within=turn.within,
            within_names=turn.within_names,
            own_only=turn.own_only,
        )
        _keep_select_all(settings, turn)
        st.query_params[PARAM] = ss.conversation_id
    except Exception:  # saving must never cost the answer
        log.exception("could not save the conversation")
        st.toast("This answer could not be saved to the conversation history.")


def _keep_select_all(settings: Settings, turn: Turn) -> None:
    """A turn over every document picked ("Select all") is saved as over all documents, which
    beside the demo's reopens as the default (one's own only): a reload turned "And in
    Tokyo?" away from the demo's. The conversation keeps the picks themselves."""
    ss = st.session_state
    picked = [str(i) for i in ss.get(WITHIN_KEY) or []]
    if picked and not turn.within and not turn.own_only:
        save_within(settings, picked, ss.get(WITHIN_OFFERED) or {})


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts).strftime("%d %b %H:%M")


def _labels(convs: Sequence[Conversation]) -> dict[str, str]:
    """Each conversation's name in the list; two opened by the same question looked alike:
    their last change tells them apart (to the second when the minute is the same, then a
    number)."""
    titles = Counter(c.title for c in convs)
    out = {
        c.id: c.title if titles[c.title] == 1 else f"{c.title} · {_when(c.updated)}" for c in convs
    }
    again = Counter(out.values())
    for c in convs:
        if again[out[c.id]] > 1:
            out[c.id] = (
                f"{c.title} · {datetime.fromtimestamp(c.updated).strftime('%d %b %H:%M:%S')}"
            )
    seen: Counter[str] = Counter()
    for c in reversed(convs):  # the same second too: numbered, oldest first
        seen[out[c.id]] += 1
        if seen[out[c.id]] > 1:
            out[c.id] += f" ({seen[out[c.id]]})"
    return out


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50] or "conversation"


def render_sidebar(settings: Settings) -> None:
    s, owner = store(settings), auth.owner()
    current = st.session_state.get("conversation_id")
    st.header("Conversations")
    st.button(
        "New conversation",
        key="conv_new",
        icon=":material/add_comment:",
        on_click=open_conversation,
        args=(None,),
        width="stretch",
        help="Start an empty conversation; the current one stays in this list.",
    )
    convs = s.all(owner)
    if not convs:
        st.caption("Your questions and answers are saved here after the first answer.")
    labels = _labels(convs[:LISTED])
    for c in convs[:LISTED]:
        st.button(
            escape_label(labels[c.id]),
            key=f"conv_open_{c.id}",
            type="primary" if c.id == current else "tertiary",
            on_click=open_conversation,
            args=(c.id,),
            help=f"{c.turns} question{'s' if c.turns != 1 else ''} · last {_when(c.updated)}",
            width="stretch",
        )
    if older := convs[LISTED:]:  # a caption said they were "not listed", with no way to them
        more = _labels(older)
        st.selectbox(
            "Older conversations",
            [c.id for c in older],
            index=None,
            format_func=lambda cid: more[cid],
            placeholder=f"{len(older)} older conversation{'s' if len(older) != 1 else ''}",
            key=OLDER,
            on_change=_open_older,
            label_visibility="collapsed",
        )
        if current in more:  # the list highlights the open one; the picker shows no choice
            st.caption(f"Open: **{escape_label(more[current])}**")
    conv = s.get(current, owner) if current else None
    if conv is not None:
        _manage(s, conv.id, conv.title, owner)


def _open_older() -> None:
    chosen = st.session_state.get(OLDER)
    st.session_state[OLDER] = None  # the picker is a way in, not a state: it shows none
    if chosen:
        open_conversation(chosen)


OLDER = "conv_older"  # the picker of conversations past the list's first LISTED
RENAME_REFUSED = "conv_rename_refused"  # the conversation whose blank new name was refused
TOAST_CHARS = 60  # a long new name, cut short in the toast that confirms it


def rename_key(conversation_id: str) -> str:
    """The "Rename" popover's key: its open/closed state, closed once a name is saved."""
    return f"conv_rename_{conversation_id}"


def _rename(s: ConversationStore, conversation_id: str, owner: str | None, kept: str) -> None:
    key = f"conv_title_{conversation_id}"
    title = " ".join(str(st.session_state.get(key, "")).split())
    if title:
        s.rename(conversation_id, title, owner)
        # Enter saved the name and left the popover open, as if nothing had happened: it
        # closes, and a toast says what the conversation is called now.
        st.session_state[rename_key(conversation_id)] = False
        shown = title if len(title) <= TOAST_CHARS else title[: TOAST_CHARS - 1].rstrip() + "…"
        st.toast(f"Renamed to **{escape_label(shown)}**", icon=":material/edit:")
        return
    # A blank name was ignored without a word, and the field went on showing "": put the
    # kept name back in the field and say why (the popover stays open on it).
    st.session_state[key] = kept
    st.session_state[RENAME_REFUSED] = conversation_id


def _delete(s: ConversationStore, conversation_id: str, owner: str | None) -> None:
    s.delete(conversation_id, owner)
    open_conversation(None)


def _manage(s: ConversationStore, conversation_id: str, title: str, owner: str | None) -> None:
    """Rename, delete (confirmed in a popover) and export the open conversation."""
    c1, c2 = st.columns(2)
    # Tracked (a rerun on opening it), so that saving a name can close it.
    rename = c1.popover(
        "Rename",
        icon=":material/edit:",
        width="stretch",
        key=rename_key(conversation_id),
        on_change="rerun",
    )
    with rename:
        # No max_chars: its "31/200" counter, drawn inside the field, covered the name typed
        # (the store keeps its first 200 characters); ui.layout hides Streamlit's
        # "Press Enter to apply" there for the same reason, and the caption says it instead.
        # (Putting the kept name back after a blank one logs Streamlit's "created with a
        # default value but also had its value set via the Session State API" once. Giving
        # the value through the session state alone instead showed the browser a blank field
        # whenever another sidebar widget changed first, and "needs a name" with it.)
        st.text_input(
            "Conversation name",
            value=title,
            key=f"conv_title_{conversation_id}",
            on_change=_rename,
            args=(s, conversation_id, owner, title),
        )
        st.caption("Press Enter to save the new name.")
        if st.session_state.pop(RENAME_REFUSED, None) == conversation_id:
            st.caption(
                f":material/info: A conversation needs a name: kept **{escape_label(title)}**."
            )
    with c2.popover("Delete", icon=":material/delete:", width="stretch"):
        st.markdown(f"Delete **{escape_label(title)}** and all its answers? This cannot be undone.")
        st.button(
            "Yes, delete it",
            key=f"conv_delete_{conversation_id}",
            type="primary",
            on_click=_delete,
            args=(s, conversation_id, owner),
        )
    turns: list[SavedTurn] = s.turns(conversation_id, owner)
    st.download_button(
        "Export as Markdown",
        data=to_markdown(title, turns, answer_notes),
        file_name=f"{_slug(title)}.md",
        mime="text/markdown",
        key="conv_export",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
        help="The questions, answers and the sources they cite, as a Markdown file.",
    )
