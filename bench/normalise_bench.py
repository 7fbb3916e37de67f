"""Folding 100,000 Chinese summaries for matching, against the floor of one NFKC pass each."""

from __future__ import annotations

import random
import time
import unicodedata

from workstation.vocab import normalise

ALPHABET = "群众反映某区公安分局民警张某办理盗窃案件有案不立，（配偶经商）。2023年5月：核查！"


def main(n: int = 100_000) -> dict[str, float]:
    rng = random.Random(7)
    summaries = ["".join(rng.choices(ALPHABET, k=200)) for _ in range(n)]
    normalise(summaries[0])  # build the tables outside the timing

    started = time.perf_counter()
    for text in summaries:
        unicodedata.normalize("NFKC", text)
    floor = time.perf_counter() - started

    started = time.perf_counter()
    for text in summaries:
        normalise(text)
    took = time.perf_counter() - started
    print(f"normalise: {n:,} summaries {took:.2f} s; floor (one NFKC pass) {floor:.2f} s; "
          f"ratio {took / floor:.1f}x")  # fmt: skip
    return {"seconds": took, "floor": floor, "ratio": took / floor}


if __name__ == "__main__":
    main()
