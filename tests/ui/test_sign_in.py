"""AppTest: the sign-in gate (ui.auth) and conversations filed under the signed-in user.

The OIDC round trip itself runs in a real browser against a real provider in
tests/e2e/test_sign_in.py; here ``at.user`` stands in for the identity cookie Streamlit
reads, so the gate, the sidebar and the owner filtering are checked in seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rag.conversations import DB_NAME, ConversationStore
from tests.ui.conftest import APP, ask, page_text

pytestmark = pytest.mark.integration

AUTH = {
    "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
    "cookie_secret": "not-a-real-secret-0123456789abcdef",
    "client_id": "grounded-qa",
    "client_secret": "not-a-real-client-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
ALICE = {
    "is_logged_in": True,
    "iss": "http://idp.test",
    "sub": "alice-0001",
    "email": "alice@example.com",
    "name": "Alice Liddell",
}
BOB = {**ALICE, "sub": "bob-0002", "email": "bob@example.com", "name": "Bob Builder"}


def _app(user: dict[str, object] | None, conversation: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.secrets["auth"] = AUTH
    if user is not None:
        at.user = user
    if conversation:
        at.query_params["c"] = conversation
    at.run()
    assert not at.exception
    return at


def test_without_auth_the_app_is_unchanged(app_index: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    assert not any(b.key and b.key.startswith("auth_") for b in at.button)
    assert "Signed in as" not in page_text(at) and len(at.chat_input) == 1
    ask(at, "How many vacation days do employees get?")
    s = ConversationStore(app_index / "state" / DB_NAME)
    assert [c.owner for c in s.all()] == [None]  # filed as before sign-in existed


def test_sign_in_gate_then_each_user_only_their_own(app_index: Path) -> None:
    gate = _app(None)  # AppTest's default user: not signed in
    assert [b.label for b in gate.button] == ["Sign in"]
    assert not gate.chat_input and not gate.sidebar.children  # nothing of the app
    assert "Sign in to ask questions" in page_text(gate)

    alice = _app(ALICE)
    shown = page_text(alice).replace("\\", "")  # escape_md's backslashes
    assert "Signed in as **Alice Liddell** (alice@example.com)" in shown
    assert alice.button(key="auth_logout").label == "Sign out"
    ask(alice, "How many vacation days do employees get?")
    conv = alice.session_state.conversation_id
    s = ConversationStore(app_index / "state" / DB_NAME)
    assert [c.owner for c in s.all(owner="http://idp.test|alice-0001")] == [
        "http://idp.test|alice-0001"
    ]

    bob = _app(BOB, conversation=conv)  # Bob opens Alice's link
    assert bob.session_state.turns == [] and not bob.session_state.conversation_id
    assert "c" not in bob.query_params
    assert not any(b.key == f"conv_open_{conv}" for b in bob.button)
    assert "vacation days" not in page_text(bob)

    again = _app(ALICE, conversation=conv)  # and Alice's own link still opens it
    assert [t.question for t in again.session_state.turns] == [
        "How many vacation days do employees get?"
    ]


@pytest.fixture
def secrets_file(tmp_path: Path) -> Iterator[Path]:
    """A real secrets file as the only one Streamlit reads (``--secrets.files``)."""
    from streamlit import config
    from streamlit.runtime.secrets import secrets_singleton

    path = tmp_path / "secrets.toml"
    # Restored as it was: a default computed when read (from the working directory then),
    # not the list it gave now - frozen, a later test in this process that changes directory
    # to its own .streamlit/secrets.toml (tests/reliability/test_secrets_session.py) read none.
    option = config.get_config_options()["secrets.files"]
    before = (option._get_val_func, option.where_defined)
    config.set_option("secrets.files", [str(path)])
    secrets_singleton._reset()
    yield path
    option._get_val_func, option.where_defined = before
    secrets_singleton._reset()


def test_an_unreadable_secrets_file_with_auth_keeps_the_page_closed(
    app_index: Path, secrets_file: Path
) -> None:
    # a TOML error (an unquoted value) in a file that turns sign-in on
    secrets_file.write_text("[auth]\nredirect_uri = http://127.0.0.1:8501/oauth2callback\n")
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    assert "secrets file could not be read" in page_text(at)
    assert not at.chat_input and not at.button and not at.sidebar.children


def test_an_unreadable_secrets_file_without_auth_is_ignored_as_before(
    app_index: Path, secrets_file: Path
) -> None:
    secrets_file.write_text("OPENAI_API_KEY = sk-unquoted\n")
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception
    assert len(at.chat_input) == 1 and "Sign in" not in [b.label for b in at.button]


def _identity_tags(at: AppTest) -> list[str]:
    """What each ``st.html`` of the page tells the browser's other tabs about who this is."""
    bodies = [str(getattr(e.proto, "body", "")) for e in at.get("html")]
    return [b.split('me = "')[1].split('"')[0] for b in bodies if "gqa-identity" in b]


def test_every_tab_follows_a_sign_out_or_a_new_user(app_index: Path) -> None:
    # Streamlit reads the identity cookie once per tab: a second tab went on showing Alice's
    # conversations after she signed out in the first. Each page now publishes who it is for
    # (localStorage); another tab that sees a different value reloads.
    assert _identity_tags(_app(None)) == [""]  # the sign-in screen: nobody
    alice, bob = _identity_tags(_app(ALICE)), _identity_tags(_app(BOB))
    assert len(alice) == 1 and len(alice[0]) == 16 and alice[0] != bob[0]
    assert "alice" not in alice[0]  # an opaque tag, not the id
    assert _identity_tags(_app(ALICE)) == alice  # the same user's second tab: no reload


def test_sign_in_with_the_provider_down_says_so_on_the_page(app_index: Path) -> None:
    # st.login used to leave for /auth/login, which showed only "Authentication error"
    gate = _app(None)  # AUTH's provider is 127.0.0.1:9, where nothing listens
    gate.button(key="auth_login_default").click().run()
    assert not gate.exception
    assert "(127.0.0.1:9) cannot be reached right now" in page_text(gate).replace("\\", "")
    assert [b.label for b in gate.button] == ["Sign in"]  # still there to try again


def test_sign_in_with_the_provider_up_goes_to_it() -> None:
    from tests.fakes.oidc_server import FakeOidc

    idp = FakeOidc("grounded-qa", "a-client-secret", AUTH["redirect_uri"]).start()
    try:
        at = AppTest.from_file(APP, default_timeout=180)
        at.secrets["auth"] = {**AUTH, "server_metadata_url": idp.metadata_url}
        at.run()
        at.button(key="auth_login_default").click().run()
        assert not at.exception
        assert "cannot be reached" not in page_text(at)
        assert ("GET", "/.well-known/openid-configuration") in idp.calls
    finally:
        idp.stop()
