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
    WorkspaceError,
    create_workspace,
    delete_workspace,
    list_workspaces,
)
from ui.conversations import open_conversation


def _create(settings: Settings) -> None:
    name = str(st.session_state.get("workspace_new", "")).strip()
    try:
        create_workspace(settings, name)
    except WorkspaceError as e:
        st.session_state.workspace_note = str(e)
        return
    st.session_state.workspace = name
    st.session_state.workspace_new = ""
    open_conversation(None)


def _delete(settings: Settings, name: str) -> None:
    try:
        delete_workspace(settings, name)
    except WorkspaceError as e:
        st.session_state.workspace_note = str(e)
        return
    st.session_state.workspace = DEFAULT
    open_conversation(None)


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
        st.text_input("New workspace", key="workspace_new", placeholder="team-a")
        st.button("Create", key="workspace_create", on_click=_create, args=(settings,))
        if ss.workspace != DEFAULT:
            st.button(
                f"Delete '{ss.workspace}' and its documents",
                key="workspace_delete",
                on_click=_delete,
                args=(settings, ss.workspace),
            )
        note = ss.pop("workspace_note", None)
        if note:
            st.warning(note)
