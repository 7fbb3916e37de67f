"""Revision 0003 gives the leads already in a store their import fingerprints and repeat keys."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from alembic import command

from workstation.importing import ImportOptions, run_import
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.services.fingerprints import fold, lead_fingerprint, lead_repeat_key
from workstation.store import Store, open_store, to_url
from workstation.store.migrate import alembic_config

NOW = "2021-03-01 08:00:00.000000"


def _store_at_0002(path: Path) -> None:
    store = Store(to_url(path))
    with store.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0002")
    store.dispose()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO units (id, name, name_key, type, uuid, created_at, updated_at)"
        " VALUES (1, '江州市公安局东湖分局', '江州市公安局东湖分局', 'police', 'u1', ?, ?)",
        (NOW, NOW),
    )
    conn.execute(
        "INSERT INTO persons (id, name, name_key, unit_id, uuid, created_at, updated_at)"
        " VALUES (1, '王建国', '王建国', 1, 'p1', ?, ?)",
        (NOW, NOW),
    )
    for lead_id, person, summary in ((1, 1, "反映王建国违规经商。"), (2, None, "反映作风问题")):
        conn.execute(
            "INSERT INTO leads (id, ref, received_on, channel, anonymous, category, summary,"
            " status, subject_person_id, subject_unit_id, version, uuid, created_at, updated_at)"
            " VALUES (?, ?, '2021-03-05', 'letter', 0, 'business', ?, 'new', ?, 1, 1, ?, ?, ?)",
            (lead_id, f"XS2021-0000{lead_id}", summary, person, f"l{lead_id}", NOW, NOW),
        )
    conn.commit()
    conn.close()


def test_existing_leads_get_their_keys(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _store_at_0002(path)
    open_store(path).dispose()  # migrates to head, 0003 included
    conn = sqlite3.connect(path)
    keys = conn.execute("SELECT id, fingerprint, repeat_key FROM leads ORDER BY id").fetchall()
    conn.close()
    day, unit = dt.date(2021, 3, 5), "江州市公安局东湖分局"
    first, second = fold("反映王建国违规经商"), fold("反映作风问题")
    assert keys == [
        (1, lead_fingerprint(day, "letter", "王建国", unit, first),
         lead_repeat_key("王建国", unit, first)),
        (2, lead_fingerprint(day, "letter", None, unit, second), None),
    ]  # fmt: skip


def test_a_ledger_imported_again_after_the_upgrade_is_recognised(tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "old.db"
    _store_at_0002(path)
    store = open_store(path)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["受理时间", "来源渠道", "被反映人", "所在单位", "主要问题"])
    sheet.append(["2021-03-05", "来信", "王建国", "江州市公安局东湖分局", "反映王建国违规经商"])
    sheet.append(["2021-04-01", "来电", "王建国", "江州市公安局东湖分局", "反映王建国违规经商"])
    ledger = tmp_path / "台账.xlsx"
    workbook.save(ledger)
    result = run_import(
        store, IMPLICIT_ADMIN, ledger, ImportOptions("leads", today=dt.date(2021, 6, 30))
    )
    store.dispose()
    assert result.duplicates == [(2, "线索 XS2021-00001")]
    assert result.repeats == [(3, "XS2021-00001")]


def test_downgrade_drops_the_keys(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _store_at_0002(path)
    store = open_store(path)
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0002")
    store.dispose()
    conn = sqlite3.connect(path)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(leads)")}
    assert conn.execute("SELECT count(*) FROM leads").fetchone() == (2,)
    conn.close()
    assert not {"fingerprint", "repeat_key"} & columns
