"""A store of cases entered through the services and scanned, so that some carry flags: shared by
the cases view and review queue tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from workstation.services import cases, review
from workstation.services.auth import IMPLICIT_ADMIN
from workstation.store import Store, open_store

ENTERED_ON = dt.date(2021, 12, 31)
AS_OF = dt.date(2021, 6, 30)
EAST = "江州市公安局东湖分局"
WEST = "江州市公安局西城分局"

# case_no -> (agency, facts); scanned as of AS_OF, the first three trip one rule each.
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    # NF-1: accepted 29 days before the scan, no filing decision.
    "东公刑受字〔2021〕0001号": (EAST, {"accepted_on": "2021-06-01"}),
    # SP-1: filed, then no activity for 149 days.
    "东公刑受字〔2021〕0002号": (
        EAST,
        {"accepted_on": "2021-01-04", "filed_on": "2021-01-05", "last_activity_on": "2021-02-01"},
    ),
    # NP-2: the procuratorate decided not to prosecute.
    "西公刑受字〔2021〕0003号": (
        WEST,
        {
            "accepted_on": "2021-01-10",
            "filed_on": "2021-01-11",
            "prosecuted_on": "2021-03-01",
            "procuratorate_decision": "不起诉",
        },
    ),
    # Clean: filed and prosecuted in time.
    "西公刑受字〔2021〕0004号": (
        WEST,
        {"accepted_on": "2021-01-12", "filed_on": "2021-01-13", "prosecuted_on": "2021-03-02"},
    ),
    # Clean: filed, recently active.
    "东公刑受字〔2021〕0005号": (
        EAST,
        {"accepted_on": "2021-05-20", "filed_on": "2021-05-21", "last_activity_on": "2021-06-20"},
    ),
}
NF1, SP1, NP2, CLEAN_WEST, CLEAN_EAST = CASES


def build_flagged_store(path: Path) -> Store:
    """Five cases (three flagged as suspected by one scan), entered by the implicit admin."""
    store = open_store(path, create=True)
    for case_no, (agency, facts) in CASES.items():
        fields = {"case_no": case_no, "agency": agency, "kind": "刑事", "cause": "盗窃"}
        fields.update(facts)
        cases.create_case(store, IMPLICIT_ADMIN, {**fields, "officer": "刘志强"}, today=ENTERED_ON)
    review.scan(store, IMPLICIT_ADMIN, as_of=AS_OF)
    return store


def case_id(store: Store, case_no: str) -> int:
    return cases.get_case(store, IMPLICIT_ADMIN, case_no).id


def flag_of(store: Store, case_no: str) -> review.AnomalyRow:
    found = review.list_anomalies(
        store, IMPLICIT_ADMIN, review.AnomalyQuery(case_id=case_id(store, case_no))
    )
    assert len(found) == 1, found
    return found[0]
