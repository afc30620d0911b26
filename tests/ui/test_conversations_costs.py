"""AppTest: saved conversations reopen from the URL; cost panel words; spending limit."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable

import pytest
from streamlit.testing.v1 import AppTest

from tests.fakes.servers import FakeOpenAI, Reply
from tests.ui.conftest import APP, ask, page_text, read_tone, use_openai
from ui.notes import money

pytestmark = pytest.mark.integration


def test_conversation_is_saved_and_reopens_from_the_url(new_app: Callable[[], AppTest]) -> None:
    at = new_app()
    assert "No spending limit is set" in page_text(at)
    assert "RAG_SESSION_BUDGET_USD" not in page_text(at)
    ask(at, "How many vacation days do employees get?")
    conv_id = at.session_state.conversation_id
    assert conv_id and at.query_params["c"] in (conv_id, [conv_id])
    assert any(b.key == f"conv_open_{conv_id}" for b in at.button)
    assert at.get("download_button")[0].proto.label == "Export as Markdown"

    again = AppTest.from_file(APP, default_timeout=180)  # a reload: a new session
    again.query_params["c"] = conv_id
    again.run()
    assert not again.exception
    assert [t.question for t in again.session_state.turns] == [
        "How many vacation days do employees get?"
    ]
    assert "Answered by extractive" in page_text(again)

    again.button(key="conv_new").click().run()
    assert not again.exception
    assert again.session_state.turns == [] and "c" not in again.query_params


def test_spending_limit_from_the_sidebar_is_shown_in_words(
    new_app: Callable[[], AppTest],
) -> None:
    at = new_app()
    at.number_input(key="session_cap_usd").set_value(0.5).run()
    assert not at.exception
    assert at.session_state.usage.session_budget_usd == 0.5
    assert "This session may spend $0.50: $0.50 left." in page_text(at)
    # a negative limit is said to be one, and read as $0 (nothing paid), not as no limit
    at.number_input(key="session_cap_usd").set_value(-1.0).run()
    assert not at.exception and at.session_state.usage.session_budget_usd == 0.0
    assert any("cannot be negative" in str(e.value) for e in at.sidebar.error)


def test_tone_panel_uses_the_answering_model_and_shows_its_cost(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    at = use_openai(new_app())
    ask(at, "What is the nightly hotel limit in London?")
    read_tone(
        at,
        fake_openai,
        Reply(text="The tone is neutral and factual.", input_tokens=300, output_tokens=20),
    )
    assert at.session_state.turns[0].sentiment[0] == "The tone is neutral and factual."
    captions = [str(c.value).replace("\\", "") for c in at.caption]
    assert "Interpretation written by OpenAI · gpt-4o-mini · 320 tokens · $0.000057" in captions
    assert not [b for b in at.button if b.key == "tone_1_0"]  # done: the button is gone
    # The walk: the total counted the interpretation, the table had no row for it.
    table = next(d.value for d in at.table if "Answered by" in d.value.columns)
    assert list(table["Answered by"]) == ["OpenAI · gpt-4o-mini", "OpenAI · gpt-4o-mini (tone)"]
    total = at.session_state.usage.session_totals()["cost_usd"]
    assert sum(r["cost_usd"] for r in at.session_state.costs) == pytest.approx(total)


def test_a_reload_restores_the_provider_and_the_cost_of_the_conversation(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    at = use_openai(new_app())
    at.selectbox(key="model_openai").set_value("gpt-4o").run()
    ask(at, "What is the nightly hotel limit in London?")
    spent = at.session_state.usage.session_totals()["cost_usd"]
    assert spent > 0
    conv_id = at.session_state.conversation_id

    again = AppTest.from_file(APP, default_timeout=180)  # a reload: a new browser session
    again.query_params["c"] = conv_id
    again.run()
    assert not again.exception
    assert again.selectbox(key="provider").value == "openai"
    assert again.selectbox(key="model_openai").value == "gpt-4o"
    assert [r["provider"] for r in again.session_state.costs] == ["openai:gpt-4o"]
    cost = next(m for m in again.metric if m.label == "Cost")
    assert cost.value == money(spent) and cost.value != "$0"
    assert "for this conversation's answers from before it was reopened" in page_text(again)


def test_a_stream_cut_mid_answer_has_its_own_cost_row(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    """The walk: OpenAI stopped mid-answer, extractive finished; "Session cost" counted the
    estimated cost of OpenAI's half answer, but the answer's row said "extractive, $0", so
    the rows did not add up to the total."""
    fake_openai.default = Reply(
        text="London hotels may cost up to 320 dollars a night, and in Paris it is",
        fault="stream_error_late",
    )
    at = use_openai(new_app())
    ask(at, "What is the nightly hotel limit in London?")
    assert at.session_state.turns[-1].answers[0].provider == "extractive"
    spent = at.session_state.usage.session_totals()["cost_usd"]
    assert spent > 0  # OpenAI's partial answer, estimated
    table = next(d.value for d in at.table if "Answered by" in d.value.columns)
    assert list(table["Answered by"]) == [
        "OpenAI · gpt-4o-mini (stopped mid-answer)",
        "extractive",
    ]
    rows = at.session_state.costs
    assert sum(r["cost_usd"] for r in rows) == pytest.approx(spent)
    assert rows[0]["tokens"] > 0 and table["Cost"][0] == money(rows[0]["cost_usd"])
    assert not at.exception


def test_cost_lines_are_numbered_by_the_question_they_belong_to(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    """The walk: two questions made three rows "Answer 1, 2, 3", the second a follow-up's
    rewrite, which is not an answer."""
    at = use_openai(new_app())
    ask(at, "What is the nightly hotel limit in London?")
    ask(at, "And in Paris?")
    table = next(d.value for d in at.table if "Answered by" in d.value.columns)
    assert list(table["Question"]) == [1, 2, 2]
    assert list(table["Answered by"]) == [
        "OpenAI · gpt-4o-mini",
        "OpenAI · gpt-4o-mini (rewrite)",
        "OpenAI · gpt-4o-mini",
    ]
    assert "Answer" not in table.columns


def test_missing_key_is_not_configured_and_examples_keep_their_text(
    new_app: Callable[[], AppTest],
) -> None:
    at = new_app()
    assert at.button(key="example_0").help == "What is the nightly hotel limit in London?"
    at.selectbox(key="provider").set_value("openai").run()
    ask(at, "What is the nightly hotel limit in London?")
    health = next(d.value for d in at.table if "Status" in d.value.columns)
    row = health[health["Provider"] == "OpenAI · gpt-4o-mini"].iloc[0]
    assert row["Status"] == "Not configured (no API key)"
    assert row["Questions"] == "–" and row["Median"] == "–"  # blank, not an error
    # ... which the caption says, beside its "how many each provider was given"
    assert "A provider without an API key now shows no count and no median." in page_text(at)
    text = page_text(at)
    assert "Time to the full answer" not in text  # column help is not page text
    # the session cost is $0: no cost chart. AppTest calls it "vega_lite_chart" (as
    # test_cost_chart_has_a_text_alternative finds it); "arrow_vega_lite_chart" matched nothing
    assert not at.get("vega_lite_chart")


class Records(logging.Handler):
    """What Streamlit logs (its loggers do not propagate, so caplog never sees them)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_health_follows_the_key_typed_and_counts_questions(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    records = Records()
    arrow = logging.getLogger("streamlit.dataframe_util")
    arrow.addHandler(records)
    try:
        at = new_app()
        at.selectbox(key="provider").set_value("openai").run()
        ask(at, "What is the nightly hotel limit in London?")  # no key: extractive answers
        use_openai(at)
        ask(at, "And in Tokyo?")  # a follow-up: rewritten, then answered, by OpenAI
    finally:
        arrow.removeHandler(records)
    # Every column is text: no "Conversion failed for column" traceback in the log.
    assert not [m for m in records.messages if "Arrow" in m]
    assert len(fake_openai.calls) == 2  # the rewrite and the answer
    health = next(d.value for d in at.table if "Status" in d.value.columns)
    row = health[health["Provider"] == "OpenAI · gpt-4o-mini"].iloc[0]
    # Configured now; the question asked without a key was skipped, no key was rejected.
    assert row["Status"] == "OK. Skipped ×1: no API key"
    assert row["Questions"] == "2"  # two questions, not three calls
    assert "Calls" not in health.columns and "Questions: how many" in page_text(at)
    # counted from the usage log, every session's: said so beside this session's cost
    assert "given in all sessions so far, not only this one" in page_text(at)


def test_welcome_stops_describing_the_demo_once_it_is_deleted(
    new_app: Callable[[], AppTest],
) -> None:
    at = new_app()
    from ui.state import get_engine, get_settings

    engine = get_engine(get_settings())
    for d in engine.docs():
        engine.remove(d.doc_id)
    at.run()
    assert not at.exception
    text = page_text(at)
    assert "demo company" not in text and "No documents yet" in text


def test_rename_then_delete_the_open_conversation(new_app: Callable[[], AppTest]) -> None:
    at = new_app()
    ask(at, "How many vacation days do employees get?")
    conv_id = at.session_state.conversation_id
    at.text_input(key=f"conv_title_{conv_id}").set_value("Vacation questions").run()
    assert not at.exception
    assert at.button(key=f"conv_open_{conv_id}").label == "Vacation questions"
    at.button(key=f"conv_delete_{conv_id}").click().run()
    assert not at.exception
    assert at.session_state.turns == [] and "c" not in at.query_params
    assert not any(b.key == f"conv_open_{conv_id}" for b in at.button)


def test_a_blank_name_is_refused_in_words_and_the_field_shows_the_kept_name(
    new_app: Callable[[], AppTest],
) -> None:
    """The walk: renaming to "" kept the old name without a word; the field showed ""."""
    at = new_app()
    ask(at, "How many vacation days do employees get?")
    conv_id = at.session_state.conversation_id
    title = at.button(key=f"conv_open_{conv_id}").label
    at.text_input(key=f"conv_title_{conv_id}").set_value("   ").run()
    assert not at.exception and not at.warning
    assert at.button(key=f"conv_open_{conv_id}").label == title
    assert at.text_input(key=f"conv_title_{conv_id}").value == title
    assert f"A conversation needs a name: kept **{title}**." in page_text(at)
    at.run()  # said once, not on every later run
    assert "needs a name" not in page_text(at)


def test_source_previews_for_a_text_file_and_a_pdf(new_app: Callable[[], AppTest]) -> None:
    at = new_app()
    ask(at, "How many vacation days do employees get?")
    (turn,) = at.session_state.turns
    md = next(s for s in turn.answers[0].sources if s.source == "employee-handbook.md")
    at.toggle(key=f"preview_sources-1_{md.n}").set_value(True).run()
    assert not at.exception
    assert any(":blue-background[" in m.value and ":gray[" in m.value for m in at.markdown)
    pdf = next(s for s in turn.answers[0].sources if s.source.endswith(".pdf"))
    at.toggle(key=f"preview_sources-1_{pdf.n}").set_value(True).run()
    assert not at.exception
    # drawn as an <img> that keeps a readable size on a phone (ui/sources._readable_image)
    pages = [h.proto.body for h in at.get("html") if "<img" in h.proto.body]
    assert any(f"page {pdf.page} of {pdf.source}".lower() in b.lower() for b in pages), pages


def _tick_labels(axis_format: str, top: float, count: int = 4) -> list[str]:
    """The labels Vega draws: d3's nice ticks (steps of 1, 2, 5 x 10^k) in ``axis_format``."""
    step = top / count
    power = 10 ** math.floor(math.log10(step))
    step = power * next(
        f for lim, f in ((50**0.5, 10), (10**0.5, 5), (2**0.5, 2), (0, 1)) if step / power >= lim
    )
    decimals = int(axis_format.removeprefix("$.").removesuffix("~f"))
    ticks = [k * step for k in range(math.floor(top / step) + 2)]
    return [f"{t:.{decimals}f}".rstrip("0").rstrip(".") for t in ticks]


def test_cost_chart_axis_labels_differ(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    """The walk: one answer of $0.0002 drew the axis "$0, $0.0001, $0.0001, $0.0001"."""
    at = use_openai(new_app())
    ask(at, "What is the nightly hotel limit in London?")
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    axis_format = spec["encoding"]["y"]["axis"]["format"]
    top = at.session_state.usage.session_totals()["cost_usd"]
    labels = _tick_labels(axis_format, top)
    assert len(set(labels)) == len(labels), labels


def test_cost_chart_has_a_text_alternative(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    """The walk: a screen reader heard only the chart's axis labels ("1 Question $0 ...")."""
    at = use_openai(new_app())
    ask(at, "What is the nightly hotel limit in London?")
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    total = money(at.session_state.usage.session_totals()["cost_usd"])
    assert spec["description"] == (
        "Line chart of this session's total cost in US dollars after each question: "
        f"{total} after 1 question. The table below lists the same numbers for each answer."
    )


def test_token_counts_are_written_as_the_cost_table_writes_them(
    new_app: Callable[[], AppTest], fake_openai: FakeOpenAI
) -> None:
    """The walk: "1260 tokens" under the answer, "1,260" in the cost table beside it."""
    at = use_openai(new_app())
    ask(at, "What is the nightly hotel limit in London?")
    table = next(d.value for d in at.table if "Answered by" in d.value.columns)
    assert list(table["Tokens"]) == ["1,240"]
    line = next(str(c.value) for c in at.caption if str(c.value).startswith("Answered by"))
    assert " · 1,240 tokens · " in line, line
    read_tone(
        at, fake_openai, Reply(text="The tone is neutral.", input_tokens=1500, output_tokens=20)
    )
    captions = [str(c.value).replace("\\", "") for c in at.caption]
    assert any(" · 1,520 tokens · " in c for c in captions if c.startswith("Interpretation")), (
        captions
    )


def test_two_conversations_with_the_same_title_are_told_apart_by_their_time(
    new_app: Callable[[], AppTest],
) -> None:
    at = new_app()
    ask(at, "How many vacation days do employees get?")
    first = at.session_state.conversation_id
    at.button(key="conv_new").click().run()
    ask(at, "How many vacation days do employees get?")
    second = at.session_state.conversation_id
    assert not at.exception and first != second
    labels = {at.button(key=f"conv_open_{c}").label for c in (first, second)}
    assert len(labels) == 2, labels
    assert all(label.startswith("How many vacation days") and " · " in label for label in labels)


def test_conversations_past_the_list_open_from_a_picker(new_app: Callable[[], AppTest]) -> None:
    """The walk: "1 older conversations are not listed." - and no way to open it."""
    from rag.settings import load_settings
    from ui.conversations import LISTED, OLDER, store

    at = new_app()
    s = store(load_settings())
    made = {s.create(f"Old question {i}").id for i in range(LISTED + 2)}
    at.run()
    assert "not listed" not in page_text(at)
    older = at.selectbox(key=OLDER)
    assert older.placeholder == "2 older conversations" and len(older.options) == 2
    listed = {b.key.removeprefix("conv_open_") for b in at.button if b.key.startswith("conv_op")}
    older.select_index(0).run()
    assert not at.exception
    opened = at.session_state.conversation_id
    assert opened in made - listed and at.query_params["c"] in (opened, [opened])
    assert at.selectbox(key=OLDER).value is None  # a way in, not a state
    assert any(c.value.startswith("Open: **Old question") for c in at.sidebar.caption)
