"""Optional sign-in: Streamlit's ``st.login`` with any OpenID Connect provider.

Off unless ``.streamlit/secrets.toml`` (or a file named by ``--secrets.files``) has an
``[auth]`` section; then nothing of the app is drawn before someone signs in. Either one
provider directly in ``[auth]`` (``client_id``, ``client_secret``, ``server_metadata_url``)
or named ones in ``[auth.<name>]``: one "Sign in" button each. Streamlit does the OIDC code
flow (Authlib) and keeps the identity in a signed cookie; here we only gate the page, show
who is signed in, and give ``ui.conversations`` the owner id its conversations are filed
under. Hooks: :func:`gate` (app.py, first thing) and :func:`render_sidebar`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st
from streamlit import config
from streamlit.errors import StreamlitAuthError
from streamlit.url_util import make_url_path

from ui.text import escape_md

log = logging.getLogger(__name__)

# Settings of the [auth] section itself, not providers (Streamlit's own names).
_SHARED_KEYS = {"redirect_uri", "cookie_secret", "expose_tokens"}
_DEFAULT = "default"  # Streamlit's name for the provider configured directly in [auth]

# Streamlit reads the identity cookie once, when a tab connects: after "Sign out" (or someone
# else signing in) in one tab, every other open tab went on showing, and answering as, the
# old user until reloaded. Each page writes who it is for into localStorage (an opaque hash;
# "" on the sign-in screen); a tab that sees it change in another tab reloads, so it reads
# the cookie again. (No "less than" sign in the script: Streamlit's HTML sanitiser drops it.)
# The tab that signs out ignores, for a while, the old identity written back by a tab that
# reloaded before the cookie was gone: reloading then cancelled the browser's trip to
# /auth/logout, which deletes the cookie, and both tabs stayed signed in (a CI failure, ci31).
# The tab that signs out also asks /auth/logout itself (a keepalive fetch, which neither a
# reload nor a later navigation cancels): Streamlit's own trip there is a page navigation,
# and once in CI (ci38) it had not arrived 30 s later: the cookie, the session, outlived "Sign out".
_FOLLOW_IDENTITY_JS = """
<script>
(() => {
  const w = window.parent && window.parent.document ? window.parent : window;
  const key = "gqa-identity", me = "%s";
  try {
    if (w.localStorage.getItem(key) !== me) w.localStorage.setItem(key, me);
  } catch (e) { return; }
  const first = w.__gqaIdentity === undefined;
  if (me === "" && w.__gqaIdentity) {
    w.__gqaLeft = w.__gqaIdentity; w.__gqaLeftAt = Date.now();
    const opts = { keepalive: true, redirect: "manual", credentials: "same-origin" };
    w.fetch("%s", opts).catch(() => {});
  }
  w.__gqaIdentity = me;
  if (!first) return;
  w.addEventListener("storage", (ev) => {
    if (ev.key !== key || ev.newValue === null || ev.newValue === w.__gqaIdentity) return;
    if (ev.newValue === w.__gqaLeft && %d > Date.now() - w.__gqaLeftAt) return;
    w.location.reload();
  });
})();
</script>
"""


def _auth_section() -> Mapping[str, object] | None:
    """The ``[auth]`` section ({} without one); None if a secrets file that has one is unreadable."""
    try:
        section = st.secrets.get("auth")
    except Exception as e:  # no secrets file anywhere (no sign-in), or a broken one
        if _mentions_auth():  # fail closed: a typo must not open the page to everyone
            log.error("the secrets file with [auth] cannot be read: %s", type(e).__name__)
            return None
        return {}
    return section if isinstance(section, Mapping) else {}


def _mentions_auth() -> bool:
    for name in config.get_option("secrets.files") or []:
        try:
            text = Path(name).read_text(encoding="utf-8", errors="replace")
        except OSError:  # absent (the usual case for one of the defaults) or a directory
            continue
        if re.search(r"^\s*\[\s*auth\s*[.\]]", text, re.MULTILINE):
            return True
    return False


def configured() -> bool:
    section = _auth_section()
    return section is None or bool(section)


def providers() -> list[str]:
    """The names ``st.login`` accepts: "default" for settings directly in ``[auth]``."""
    section = _auth_section() or {}
    if "client_id" in section or "server_metadata_url" in section:
        return [_DEFAULT]
    return [k for k, v in section.items() if k not in _SHARED_KEYS and isinstance(v, Mapping)]


def signed_in() -> bool:
    return bool(_auth_section()) and bool(st.user.get("is_logged_in"))


def owner() -> str | None:
    """The signed-in user's stable id, or None when sign-in is off.

    OIDC promises that only ``iss`` and ``sub`` together identify a person for good (an email
    can change hands or be shared between providers), so the id is both; email is the
    fallback for a provider that omits ``sub``.
    """
    if not signed_in():
        return None
    sub, iss = st.user.get("sub"), st.user.get("iss")
    if sub:
        return f"{iss or st.user.get('provider') or ''}|{sub}"
    email = st.user.get("email")
    return f"email|{email}" if email else None


def display_name() -> str:
    for claim in ("name", "email", "preferred_username", "sub"):
        value = st.user.get(claim)
        if value:
            return str(value)
    return "signed in"


def _provider_unreachable(name: str) -> str | None:
    """The provider's host if its discovery document cannot be fetched now, else None.

    ``st.login`` leaves the page for Streamlit's /auth/login, which fetches it and, when the
    provider is down, shows only a bare "Authentication error" page with no way back.
    """
    section = _auth_section() or {}
    settings = section if name == _DEFAULT else section.get(name)
    url = settings.get("server_metadata_url") if isinstance(settings, Mapping) else None
    if not isinstance(url, str) or not url:
        return None  # st.login names the missing setting
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            response.read(1)
    except (OSError, ValueError) as e:  # refused, timed out, DNS, an HTTP error status
        log.warning("the sign-in provider %s cannot be reached: %s", name, type(e).__name__)
        return urlsplit(url).netloc or url
    return None


def _follow_identity(who: str | None) -> None:
    """Reload this tab when another tab of the browser signs out or in as someone else."""
    tag = hashlib.sha256(who.encode()).hexdigest()[:16] if who else ""
    logout = make_url_path(config.get_option("server.baseUrlPath"), "auth/logout")
    script = _FOLLOW_IDENTITY_JS % (tag, logout, SIGN_OUT_GRACE_MS)
    st.html(script, unsafe_allow_javascript=True, width="content")


SIGN_OUT_GRACE_MS = 20_000  # longer than the trip to /auth/logout takes on a loaded machine


def gate() -> None:
    """With sign-in configured: the sign-in screen, and stop, until someone signs in."""
    if not configured() or (signed_in() and owner()):
        return
    _follow_identity(None)  # signed out here: other tabs still showing someone reload
    st.title("Grounded Q&A")
    if _auth_section() is None:
        st.error(
            "Sign-in is configured, but the secrets file could not be read (a TOML error?). "
            "The app stays closed until it is fixed; the server log names the error."
        )
        st.stop()
    if signed_in():  # a provider that names nobody: better no page than a shared one
        st.error("The sign-in provider did not say who you are (no 'sub' or 'email' claim).")
        st.button("Sign out", on_click=st.logout)
        st.stop()
    st.markdown("Sign in to ask questions about the documents and see your conversations.")
    names = providers()
    for name in names:
        label = "Sign in" if name == _DEFAULT or len(names) == 1 else f"Sign in with {name}"
        if st.button(label, key=f"auth_login_{name}", type="primary", icon=":material/login:"):
            host = _provider_unreachable(name)
            if host:
                st.error(
                    f"The sign-in provider ({escape_md(host)}) cannot be reached right now, so "
                    "signing in is not possible. Try again in a minute; if it lasts, tell "
                    "whoever runs this app."
                )
                continue
            try:
                st.login(name)
            except StreamlitAuthError as e:  # names the missing setting, never a value
                log.warning("sign-in is misconfigured: %s", e)
                st.error(f"Sign-in is not set up correctly: {e}")
    if not names:
        st.error("Sign-in is on ([auth] in secrets.toml) but no provider is configured in it.")
    st.stop()


def render_sidebar() -> None:
    """Who is signed in, and a way out (nothing without sign-in)."""
    if not signed_in():
        return
    email = st.user.get("email")
    name = display_name()
    # claims are the provider's text: shown literally, never as markdown
    who = f"**{escape_md(name)}**" + (
        f" ({escape_md(str(email))})" if email and email != name else ""
    )
    st.caption(f"Signed in as {who}")
    _follow_identity(owner())
    st.button("Sign out", key="auth_logout", on_click=st.logout, icon=":material/logout:")
