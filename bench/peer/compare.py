#!/usr/bin/env python3
"""Compares the peer's per-rule counts with plancheck's verdicts, rule by rule.

Usage: compare.py PEER.json PLANCHECK.json [--strict]

PEER.json is the output of `peer --policy bench/peer/policy.rego FILE...`; PLANCHECK.json is
the report of `plancheck check --format json --only RULE... FILE... -o PLANCHECK.json` over the
same district files. plancheck's verdicts on the city (全市, subject code 120000) are left out:
the peer judges district files only. For every rule of the peer, prints the pass and fail counts
of both side by side (and unknown / not_applicable, and the peer's not_due against plancheck's
on_track + behind). Exits 1 when a pass or fail count differs (with --strict: any count), else 0.
Standard library only.
"""

import json
import sys

CITY = "120000"


def plancheck_counts(path):
    """Per rule, the count of each status of the verdicts below the city."""
    counts = {}

    def take(v):
        if v.get("subject", {}).get("code") == CITY:
            return
        status = v["status"]
        if status in ("on_track", "behind"):
            status = "not_due"
        c = counts.setdefault(v["rule"], {})
        c[status] = c.get(status, 0) + 1

    found = False
    # The report writes one verdict a line; reading it line by line keeps memory flat at 100x.
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip().rstrip(",")
            if line.startswith('{"rule"'):
                take(json.loads(line))
                found = True
    if not found:
        with open(path, encoding="utf-8") as f:
            for v in json.load(f).get("verdicts", []):
                take(v)
    return counts


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    strict = "--strict" in argv
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(args[0], encoding="utf-8") as f:
        peer = json.load(f)["rules"]
    mine = plancheck_counts(args[1])

    keys = ("pass", "fail", "unknown", "not_applicable", "not_due")
    short = {"pass": "pass", "fail": "fail", "unknown": "unkn", "not_applicable": "n/a", "not_due": "due"}
    width = max([len(r) for r in peer] + [4])
    head = "  ".join(f"{short[k]:>13}" for k in keys)
    print(f"{'rule':<{width}}  {head}   (plancheck/peer)")
    bad = 0
    for rule in sorted(peer):
        p = peer[rule]
        m = mine.get(rule, {})
        cells, differs = [], False
        for k in keys:
            a, b = m.get(k, 0), p.get(k, 0)
            mark = "" if a == b else "*"
            if a != b and (strict or k in ("pass", "fail")):
                differs = True
            cells.append(f"{f'{a}/{b}{mark}':>13}")
        bad += differs
        print(f"{rule:<{width}}  {'  '.join(cells)}{'   MISMATCH' if differs else ''}")
    missing = sorted(set(mine) - set(peer))
    if missing:
        print(f"(in the plancheck report, not in the peer: {', '.join(missing)})")
    print(f"{len(peer) - bad} of {len(peer)} rules agree" + ("" if strict else " on pass/fail"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
