"""``POST /v1/documents`` (multipart upload), ``GET /v1/documents``, ``DELETE /v1/documents/{id}``.

Each takes ``?workspace=NAME`` (the default index without it), the documents behind the
model id ``grounded-qa/NAME``; an unknown workspace is a 404, never created by a typo."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile

from rag.server.auth import require_token
from rag.server.errors import APIError
from rag.server.limits import MAX_UPLOAD_FILES
from rag.server.models import MODEL_ID, Target
from rag.server.schemas import (
    Deleted,
    DocumentList,
    DocumentOut,
    FileResultOut,
    UploadResult,
    error_responses,
)
from rag.server.service import Service

if TYPE_CHECKING:
    from rag.engine import Engine

router = APIRouter(prefix="/v1", dependencies=[Depends(require_token)])


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


Workspace = Annotated[
    str | None,
    Query(description="a workspace's name (model grounded-qa/NAME); the default index without it"),
]


def _engine(request: Request, workspace: str | None) -> Engine:
    service = _service(request)
    if not workspace:
        return service.engine
    if workspace not in service.workspaces():
        raise APIError(
            404,
            f"No workspace named '{workspace[:100]}'.",
            param="workspace",
            code="workspace_not_found",
        )
    return service.engine_for(Target(MODEL_ID, workspace))


@router.get("/documents", response_model=DocumentList, responses=error_responses(401, 404))
def list_documents(request: Request, workspace: Workspace = None) -> DocumentList:
    docs = _engine(request, workspace).docs()
    return DocumentList(
        data=[
            DocumentOut(
                id=d.doc_id,
                name=d.name,
                sha256=d.sha256,
                pages=d.pages,
                chunks=d.chunks,
                bytes=d.bytes,
                added_at=d.added_at,
            )
            for d in docs
        ]
    )


@router.post(
    "/documents", response_model=UploadResult, responses=error_responses(400, 401, 404, 413, 500)
)
def upload_documents(
    files: Annotated[
        list[UploadFile],
        File(description="one or more documents", min_length=1, max_length=MAX_UPLOAD_FILES),
    ],
    request: Request,
    workspace: Workspace = None,
) -> UploadResult:
    """Ingests each file; one result per file, as ``python -m rag ingest --json`` reports."""
    engine = _engine(request, workspace)
    if not files or len(files) > MAX_UPLOAD_FILES:
        raise APIError(
            400, f"Send 1 to {MAX_UPLOAD_FILES} files in the 'files' field.", param="files"
        )
    limit = int(engine.settings.max_file_mb * 1_000_000)
    for f in files:
        if f.size is not None and f.size > limit:
            raise APIError(
                413,
                f"{(f.filename or 'a file')[:100]} is over RAG_MAX_FILE_MB ({limit:,} bytes).",
                param="files",
                code="file_too_large",
            )
    results = []
    for f in files:
        name = f.filename or "upload"
        data = f.file.read(limit + 1)
        r = engine.ingest_upload(name, data).to_dict()
        r["path"] = name  # the client's name, not where the server keeps it
        results.append(FileResultOut(**r))
    return UploadResult(data=results)


@router.delete("/documents/{doc_id}", response_model=Deleted, responses=error_responses(401, 404))
def delete_document(doc_id: str, request: Request, workspace: Workspace = None) -> Deleted:
    engine = _engine(request, workspace)
    if engine.store.doc(doc_id) is None:
        raise APIError(
            404, f"No document with id '{doc_id[:100]}'.", param="doc_id", code="document_not_found"
        )
    results = engine.remove(doc_id)
    if any(r.status == "failed" for r in results):
        raise APIError(500, "The document could not be removed.", type="server_error")
    return Deleted(id=doc_id, deleted=True)
