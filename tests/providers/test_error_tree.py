"""The error tree is closed: every error lives in providers/errors.py, kind is a Literal and
the app has words for every kind."""

from __future__ import annotations

import inspect

import pytest

from providers import errors
from providers.base import Attempt
from providers.chain import build_chain
from providers.config import ProviderConfig
from tests.fakes.plugin import FinalFake, question
from ui.notes import KIND_PHRASES, failure_phrase


def tree() -> list[type[errors.ProviderError]]:
    return [
        c
        for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, errors.ProviderError)
    ]


def test_every_kind_is_in_the_literal_and_in_words() -> None:
    assert {c.kind for c in tree()} <= set(errors.KINDS)
    assert set(KIND_PHRASES) == set(errors.KINDS)
    for kind in errors.KINDS:
        assert failure_phrase(Attempt("openai", "m", error="x", error_kind=kind))


def test_moved_errors_live_in_the_tree() -> None:
    from providers.llamacpp_provider import ModelNotFoundError
    from providers.ollama_admin import OllamaPullError, OllamaUnavailable
    from providers.ratelimit import LocalRateLimitError

    assert ModelNotFoundError is errors.ModelNotFoundError
    assert OllamaUnavailable is errors.OllamaUnavailable
    assert OllamaPullError is errors.OllamaPullError
    assert LocalRateLimitError is errors.LocalRateLimitError
    assert issubclass(errors.OllamaUnavailable, errors.ProviderConnectionError)
    assert errors.OllamaUnavailable("down").kind == "connection"
    assert errors.ModelNotFoundError("no file").kind == "config"
    assert not errors.LocalRateLimitError("wait").retryable


def test_a_provider_bug_is_an_unexpected_error_and_a_bad_spec_a_config_one() -> None:
    class Broken(FinalFake):
        name = "broken"

        def generate(self, request):  # type: ignore[no-untyped-def]
            raise KeyError("bug")

    chain = build_chain(["nosuch:model"], ProviderConfig(), FinalFake())
    assert chain.skipped[0].error_kind == "config"
    from providers.chain import FallbackChain

    resp = FallbackChain([Broken(), FinalFake()]).generate(question())
    assert resp.attempts[0].error_kind == "unexpected"


def test_rag_config_errors_are_one_class() -> None:
    from rag.routing import route_specs
    from rag.settings import ConfigError, Settings, SettingsError

    assert issubclass(SettingsError, ConfigError) and issubclass(ConfigError, ValueError)
    with pytest.raises(ConfigError, match="unknown task"):
        route_specs(Settings(), "nosuch")
