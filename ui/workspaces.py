"""The sidebar's workspace picker: which named set of documents questions see.

The choice lives in ``st.session_state.workspace`` (the selectbox's key), which
``ui.state.get_settings`` reads at the top of every run, so the engine, the documents list
and the conversations are all the chosen workspace's. Switching starts a new conversation:
a conversation belongs to one workspace.
"""

from __future__ import annotations

import streamlit as st

from rag.settings import Settings
from rag.workspaces import (
    DEFAULT,
    InvalidWorkspaceName,
    WorkspaceError,
    create_workspace,
    delete_workspace,
    list_workspaces,
    suggest_name,
)
from ui.conversations import open_conversation
from ui.state import forget_engines
from ui.text import escape_md


def invalid_name_words(name: str) -> str:
    """Why ``name`` cannot be a workspace, as a sentence (the exception's own words are the
    CLI's terse "invalid workspace name ...")."""
    if not name:
        return "Type a name for the new workspace first."
    shown = name if len(name) <= 60 else name[:60] + "…"
    better = suggest_name(name)
    return (
        f"“{escape_md(shown)}” cannot be a workspace name. A name has 1 to 40 characters: "
        "lower-case letters (a-z), digits (0-9), hyphens (-) and underscores (\\_), "
        "starting with a letter or digit"
        + (f", for example “{escape_md(better)}”." if better else ".")
    )


def _sentence(message: str) -> str:
    return escape_md(message[:1].upper() + message[1:])


def _create(settings: Settings) -> None:
    typed = str(st.session_state.get("workspace_new", "")).strip()
    # "Team A / Finance!" is made "team-a-finance" and said so: refusing it with the name
    # to type instead only added a step (the CLI's --workspace stays strict)
    name = (suggest_name(typed) if typed else None) or typed
    try:
        created = create_workspace(settings, name)
    except InvalidWorkspaceName as e:
        st.session_state.workspace_note = invalid_name_words(e.name)
        return
    except WorkspaceError as e:
        st.session_state.workspace_note = _sentence(str(e))
        return
    # A toast: a note under the picker was gone at once, in the rerun that follows the
    # workspace's engine warming up.
    if not created:  # opening it without a word read as if a new, empty one was made
        st.toast(
            f"A workspace named “{escape_md(name)}” already exists: it is open now, "
            "nothing was created."
        )
    elif name != typed:
        st.toast(
            # short: a longer toast was cut at "..." behind "view more"
            f"Created the workspace “{escape_md(name)}” from “{escape_md(typed)}” (names use "
            "a-z, 0-9, - and \\_)."
        )
    st.session_state.workspace = name
    st.session_state.workspace_new = ""
    open_conversation(None)


def _delete(settings: Settings, name: str) -> None:
    st.session_state.workspace_delete_confirm = False  # the next workspace asks again
    try:
        delete_workspace(settings, name)
    except WorkspaceError as e:
        st.session_state.workspace_note = _sentence(str(e))
        return
    forget_engines()
    st.session_state.workspace = DEFAULT
    # A toast, not a note under the picker: the engines rebuild after a delete, and the
    # rerun that follows their warm-up wiped the note before it could be read.
    st.toast(
        f"Deleted the workspace “{escape_md(name)}”, its documents and its conversations.",
        icon=":material/delete:",
    )
    open_conversation(None)


def free_example(names: list[str]) -> str:
    """The new-workspace field's example name, one not taken yet ("team-a", then "team-b")."""
    taken = set(names)
    return next(
        (f"team-{c}" for c in "abcdefghijklmnopqrstuvwxyz" if f"team-{c}" not in taken),
        "team-name",
    )


def render_picker(settings: Settings) -> None:
    """Workspace selectbox, and create/delete in a small expander."""
    names = list_workspaces(settings)
    ss = st.session_state
    if ss.get("workspace") not in names:
        ss.workspace = settings.workspace if settings.workspace in names else DEFAULT
    st.selectbox(
        "Workspace",
        names,
        key="workspace",
        on_change=open_conversation,
        args=(None,),
        help="A named set of documents: questions see only the chosen workspace's.",
    )
    with st.expander("Manage workspaces"):
        st.text_input("New workspace", key="workspace_new", placeholder=free_example(names))
        st.button("Create", key="workspace_create", on_click=_create, args=(settings,))
        if ss.workspace != DEFAULT:
            # Two steps: one click deleted every document of a team, with nothing to undo.
            sure = st.checkbox(
                f"Yes, delete '{ss.workspace}', its documents, their uploaded files and its "
                "conversations (this cannot be undone)",
                key="workspace_delete_confirm",
            )
            st.button(
                f"Delete '{ss.workspace}' and its documents",
                key="workspace_delete",
                type="primary",
                disabled=not sure,
                on_click=_delete,
                args=(settings, ss.workspace),
            )
        note = ss.pop("workspace_note", None)
        if note:
            st.warning(note)
