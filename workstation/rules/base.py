"""The rule machinery: the facts rules read, what a rule finds, and the registry of rules."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workstation.settings import Settings

KINDS = ("not_filed", "suppressed", "not_prosecuted")


@dataclasses.dataclass(frozen=True, slots=True)
class LeadMention:
    """A lead (问题线索) that names the case by its case number."""

    ref: str
    received_on: dt.date


@dataclasses.dataclass(frozen=True, slots=True)
class CaseFacts:
    """Exactly the facts of one case that the rules read (DESIGN §4–§5)."""

    accepted_on: dt.date
    filed_on: dt.date | None = None
    not_filed_on: dt.date | None = None
    withdrawn_on: dt.date | None = None
    prosecuted_on: dt.date | None = None
    closed_on: dt.date | None = None
    last_activity_on: dt.date | None = None
    complex: bool = False
    suspect_identified: bool = False
    procuratorate_decision: str | None = None
    leads: tuple[LeadMention, ...] = ()

    def known_on(self, as_of: dt.date) -> CaseFacts | None:
        """The facts as they stood on `as_of`: later dates had not happened yet.

        None when the case had not even been accepted by then. Returns self (no copy) in the
        usual case where nothing lies after `as_of`."""
        if self.accepted_on > as_of:
            return None
        for day in (
            self.filed_on,
            self.not_filed_on,
            self.withdrawn_on,
            self.prosecuted_on,
            self.closed_on,
            self.last_activity_on,
        ):
            if day is not None and day > as_of:
                break
        else:
            for lead in self.leads:
                if lead.received_on > as_of:
                    break
            else:
                return self

        def known(day: dt.date | None) -> dt.date | None:
            return day if day is not None and day <= as_of else None

        return dataclasses.replace(
            self,
            filed_on=known(self.filed_on),
            not_filed_on=known(self.not_filed_on),
            withdrawn_on=known(self.withdrawn_on),
            prosecuted_on=known(self.prosecuted_on),
            closed_on=known(self.closed_on),
            last_activity_on=known(self.last_activity_on),
            leads=tuple(lead for lead in self.leads if lead.received_on <= as_of),
        )


FACT_NAMES = frozenset(f.name for f in dataclasses.fields(CaseFacts))


def compile_facts_from(
    *, offset: int = 0, sqlite_text: bool = False
) -> Callable[[Sequence[Any], tuple[LeadMention, ...]], CaseFacts]:
    """Generate facts_from: CaseFacts(*values[offset:], leads) for the scan's hot loop.

    A frozen dataclass's __init__ sets each field with a Python-level object.__setattr__ call,
    which over 100,000 cases costs more than evaluating every rule. This fills the slots
    through their descriptors instead, unrolled (as dataclasses itself generates code).
    `sqlite_text`: the values are a raw SQLite row, dates as ISO text and booleans as 0/1,
    converted here as SQLAlchemy would (cheaper than SQLAlchemy's own conversion)."""
    names = [f.name for f in dataclasses.fields(CaseFacts)]
    kinds = {f.name: _inline_kind(f.type) for f in dataclasses.fields(CaseFacts)}
    env: dict[str, Any] = {"new": object.__new__, "cls": CaseFacts, "d": dt.date.fromisoformat}
    body = ["def facts_from(values, leads):", "    facts = new(cls)"]
    for i, name in enumerate(names[:-1]):
        env[f"set_{name}"] = CaseFacts.__dict__[name].__set__
        value = f"values[{i + offset}]"
        if sqlite_text and kinds[name] == "date":
            value = f"None if {value} is None else d({value})"
        elif sqlite_text and kinds[name] == "bool":
            value = f"None if {value} is None else {value} == 1"
        body.append(f"    set_{name}(facts, {value})")
    env["set_leads"] = CaseFacts.__dict__[names[-1]].__set__
    body += ["    set_leads(facts, leads)", "    return facts"]
    assert names[-1] == "leads"
    exec("\n".join(body), env)  # generated from the field names above, nothing else
    function: Callable[[Sequence[Any], tuple[LeadMention, ...]], CaseFacts] = env["facts_from"]
    return function


def _inline_kind(annotation: Any) -> str | None:
    """ "date", "bool" or "str" for a fact of that type (or that type or None), else None."""
    text = str(annotation).replace("dt.", "").replace(" | None", "")
    return text if text in ("date", "bool", "str") else None


# CaseFacts(*values, leads), faster: `values` are the other facts in field order.
facts_from = compile_facts_from()


def facts_subset(facts: CaseFacts, names: Iterable[str]) -> dict[str, Any]:
    """The named facts as plain JSON values (dates as YYYY-MM-DD; leads as [ref, date] pairs)."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(facts, name)
        if value.__class__ is dt.date:
            value = value.isoformat()
        elif value.__class__ is tuple:
            # Lead mentions, in a stable order whatever order the store returned them in.
            value = sorted([lead.ref, lead.received_on.isoformat()] for lead in value)
        out[name] = value
    return out


# One encoder for every call: json.dumps with options builds a new encoder each time.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_json(subset: dict[str, Any]) -> str:
    """The one JSON text of some facts: keys sorted, no spaces, characters as they are."""
    return _CANONICAL.encode(subset)


_encode_str = json.encoder.encode_basestring  # the C encoder's string quoting, when built


def _json_value(value: Any) -> str:
    """One fact as canonical JSON text, the same characters canonical_json writes for it."""
    kind = value.__class__
    if kind is dt.date:
        return f'"{value.isoformat()}"'
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is str:
        return _encode_str(value)
    if kind is tuple:
        pairs = sorted([lead.ref, lead.received_on.isoformat()] for lead in value)
        return "[" + ",".join(f'[{_encode_str(r)},"{d}"]' for r, d in pairs) + "]"
    return _CANONICAL.encode(value)


# How the generated facts_text writes each kind of fact inline (VAL: the value); anything
# unexpected (an int where a bool belongs, say) goes through _json_value, which handles all.
_INLINE = {
    "date": "(f'\"{VAL.isoformat()}\"' if VAL.__class__ is date else v(VAL))",
    "bool": "('true' if VAL is True else 'false' if VAL is False else v(VAL))",
    "str": "(s(VAL) if VAL.__class__ is str else v(VAL))",
}


def _compile_facts_text(names: Iterable[str]) -> Callable[[CaseFacts], str]:
    """Generate canonical_json(facts_subset(facts, names)) for a fixed set of names, without
    building the dict: the scan computes it for every flag of every scan to see whether the
    facts a flag rests on have changed. tests/workstation/rules pins the two as equal."""
    kinds = {f.name: _inline_kind(f.type) for f in dataclasses.fields(CaseFacts)}
    pieces = []
    for i, name in enumerate(sorted(names)):
        key = ("{" if i == 0 else ",") + json.dumps(name) + ":"
        kind = kinds[name]
        value = _INLINE[kind] if kind else "v(VAL)"
        pieces.append(f"{key!r} + " + value.replace("VAL", f"facts.{name}"))
    body = " + ".join(pieces) + " + '}'" if pieces else "'{}'"
    env: dict[str, Any] = {"v": _json_value, "s": _encode_str, "date": dt.date}
    exec(f"def facts_text(facts):\n    return {body}", env)  # from field names, nothing else
    function: Callable[[CaseFacts], str] = env["facts_text"]
    return function


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def facts_hash(subset: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of some facts: equal facts, equal digest."""
    return text_hash(canonical_json(subset))


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    """What one rule found in one case: the explanation, with the figures, and what it read."""

    rule_id: str
    kind: str
    explanation: str
    facts: dict[str, Any]  # the facts the rule read, as JSON values (see facts_subset)

    @property
    def facts_hash(self) -> str:
        return facts_hash(self.facts)


Check = Callable[[CaseFacts, dt.date, "Settings"], str | None]


@dataclasses.dataclass(frozen=True)
class Rule:
    """One rule: `check` says why the case is suspect (Chinese, with figures) or returns None.

    `check` sees the facts as they stood on the as-of date (CaseFacts.known_on); `reads` names
    the facts it looks at, which make up the Finding's facts and so its facts_hash."""

    rule_id: str
    kind: str
    title: str
    reads: tuple[str, ...]
    check: Check
    _text: Callable[[CaseFacts], str] = dataclasses.field(init=False, repr=False, compare=False)

    def __call__(self, facts: CaseFacts, as_of: dt.date, settings: Settings) -> Finding | None:
        known = facts.known_on(as_of)
        if known is None:
            return None
        explanation = self.check(known, as_of, settings)
        if explanation is None:
            return None
        return self.finding(facts, explanation)

    def finding(self, facts: CaseFacts, explanation: str) -> Finding:
        return Finding(self.rule_id, self.kind, explanation, self.facts_of(facts))

    def facts_of(self, facts: CaseFacts) -> dict[str, Any]:
        return facts_subset(facts, self.reads)

    def facts_text(self, facts: CaseFacts) -> str:
        """canonical_json(self.facts_of(facts)), faster (see _compile_facts_text)."""
        return self._text(facts)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_text", _compile_facts_text(self.reads))


_REGISTRY: dict[str, Rule] = {}


def rule(
    rule_id: str,
    kind: str,
    *,
    title: str,
    reads: Iterable[str],
    registry: dict[str, Rule] | None = None,
) -> Callable[[Check], Rule]:
    """Register a rule: a new rule is one function under this decorator, in a module that
    workstation.rules imports. `registry` is for tests; the scan runs the default one."""
    names = tuple(reads)
    target = _REGISTRY if registry is None else registry
    if kind not in KINDS:
        raise ValueError(f"rule {rule_id}: unknown kind {kind!r}")
    unknown = set(names) - FACT_NAMES
    if unknown:
        raise ValueError(f"rule {rule_id}: reads unknown facts {sorted(unknown)}")
    if rule_id in target or rule_id == "manual":
        raise ValueError(f"rule id {rule_id!r} is taken")

    def register(check: Check) -> Rule:
        registered = Rule(rule_id, kind, title, names, check)
        target[rule_id] = registered
        return registered

    return register


def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, by kind (有案不立, 压案不查, 有罪不究) then rule id."""
    return tuple(sorted(_REGISTRY.values(), key=lambda r: (KINDS.index(r.kind), r.rule_id)))


def get_rule(rule_id: str) -> Rule | None:
    return _REGISTRY.get(rule_id)


def evaluate(
    facts: CaseFacts,
    as_of: dt.date,
    settings: Settings,
    rules: Iterable[Rule] | None = None,
) -> list[Finding]:
    """Every finding of the rules (all registered ones by default) on one case."""
    known = facts.known_on(as_of)
    if known is None:
        return []
    found = []
    for each in all_rules() if rules is None else rules:
        explanation = each.check(known, as_of, settings)
        if explanation is not None:
            found.append(each.finding(facts, explanation))
    return found


def days_between(start: dt.date, end: dt.date) -> int:
    """Whole days from start to end: accepted on the 1st, as of the 9th → 8 days."""
    return (end - start).days
