"""Fixtures of the brief tests: the known store, one brief of it, rendered once (PDF, Excel)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from briefs_helpers import REQUEST, Rendered, build_known_store

from workstation.services import briefs
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.store import Store


@pytest.fixture(scope="session")
def rendered(
    tmp_path_factory: pytest.TempPathFactory, postgres_databases: Any
) -> Iterator[Rendered]:
    folder = tmp_path_factory.mktemp("brief")
    if postgres_databases is None:
        store = build_known_store(folder / "known.db")
    else:  # on the test server when the suite runs on PostgreSQL
        store = build_known_store(postgres_databases.url(postgres_databases.create(migrated=True)))
    brief = briefs.compute(store, IMPLICIT_ADMIN, REQUEST)
    pdf = briefs.render_pdf(store, IMPLICIT_ADMIN, brief, folder / "brief.pdf")
    xlsx = briefs.render_xlsx(store, IMPLICIT_ADMIN, brief, folder / "brief.xlsx")
    yield Rendered(store, brief, pdf, xlsx, brief.to_json())
    store.dispose()


@pytest.fixture(scope="session")
def pdf_pages(rendered: Rendered) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(rendered.pdf.path).pages]


@pytest.fixture
def known(new_db: Callable[..., str]) -> Iterator[Store]:
    """A fresh copy of the known store, for tests that write (issue numbers, audit)."""
    store = build_known_store(new_db("known.db"))
    yield store
    store.dispose()
