"""Model ids the API serves: ``grounded-qa`` (the whole index), and later one
``grounded-qa/<workspace>`` per workspace."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MODEL_ID = "grounded-qa"
OWNER = "grounded-qa"


@dataclass(frozen=True)
class Target:
    """What a model id asks: the answer path over one workspace (None: the default index)."""

    model: str
    workspace: str | None = None


def model_ids(workspaces: Sequence[str] = ()) -> list[str]:
    return [MODEL_ID, *(f"{MODEL_ID}/{w}" for w in workspaces)]


def resolve(model: str, workspaces: Sequence[str] = ()) -> Target | None:
    """The target of ``model``, or None when the server does not serve it."""
    if model == MODEL_ID:
        return Target(model)
    prefix = MODEL_ID + "/"
    if model.startswith(prefix) and model[len(prefix) :] in workspaces:
        return Target(model, model[len(prefix) :])
    return None
