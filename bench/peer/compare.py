#!/usr/bin/env python3
"""Compares the peer's verdicts with plancheck's, verdict by verdict.

Usage: compare.py PEER.json PLANCHECK.json

PEER.json is the output of `peer --verdicts --policy bench/peer/policy.rego FILE...`;
PLANCHECK.json is the report of `plancheck check --format json --only RULE,... FILE... -o
PLANCHECK.json` over the same district files. For every district file and rule, the peer gives
the status of each subject in document order, and plancheck's verdicts of that rule on that
district (the district its subject's path begins with) come in the same order: they are compared
one by one (the subject's code is shown for each difference). A verdict of plancheck on a rule of
the peer that the peer did not judge is a difference too. plancheck's verdicts on the city (全市, 120000) are left out: the peer judges
one district file at a time. The peer does not draw the baseline path of a target, so its
`not_due` stands for plancheck's `on_track` and `behind`, which are counted apart.

Prints the counts of both per rule side by side, then the verdicts compared and every difference
(the first 20 shown); exits 1 when any verdict differs or a rule judges a different number of
subjects, else 0. Standard library only.
"""

import json
import sys

CITY = "120000"
STATUSES = ("pass", "fail", "unknown", "not_applicable", "not_due")
SHORT = {"pass": "pass", "fail": "fail", "unknown": "unkn", "not_applicable": "n/a", "not_due": "due"}


def plancheck_verdicts(path):
    """Per (district name, rule), the (subject code, status) of each verdict below the city, in
    report order; and the count of each status per rule (on_track and behind apart)."""
    subjects = {}
    verdicts = []
    section = None
    # One element a line: the report is read line by line (its verdicts are kept, as the peer's).
    with open(path, encoding="utf-8") as f:
        for line in f:
            stripped = line.strip()
            if stripped.startswith('"') and stripped.endswith("["):
                section = stripped.split('"')[1]
                continue
            if not stripped.startswith("{") or section not in ("subjects", "verdicts"):
                continue
            item = json.loads(stripped.rstrip(","))
            if section == "subjects":
                subjects[(item["level"], item["code"])] = item
            elif section == "verdicts":
                verdicts.append((item["rule"], item["subject"]["level"], item["subject"]["code"], item["status"]))
    by_key, counts = {}, {}
    for rule, level, code, status in verdicts:
        if code == CITY:
            continue
        subject = subjects.get((level, code))
        district = subject["path"][0] if subject else None
        by_key.setdefault((district, rule), []).append((code, status))
        c = counts.setdefault(rule, {})
        c[status] = c.get(status, 0) + 1
    return by_key, counts


def same(mine, theirs):
    """Whether plancheck's status is the peer's: on_track and behind are the peer's not_due."""
    return mine == theirs or (theirs == "not_due" and mine in ("on_track", "behind"))


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        peer = json.load(f)
    if "verdicts" not in peer:
        print("PEER.json has no verdicts: run the peer with --verdicts", file=sys.stderr)
        return 2
    mine, counts = plancheck_verdicts(argv[1])

    width = max([len(r) for r in peer["rules"]] + [4])
    keys = ("pass", "fail", "unknown", "not_applicable")
    head = "  ".join(f"{SHORT[k]:>13}" for k in keys)
    print(f"{'rule':<{width}}  {head}  {'on_track+behind/due':>20}   (plancheck/peer)")
    for rule in sorted(peer["rules"]):
        p, m = peer["rules"][rule], counts.get(rule, {})
        cells = [f"{m.get(k, 0)}/{p.get(k, 0)}" for k in keys]
        due = f"{m.get('on_track', 0)}+{m.get('behind', 0)}/{p.get('not_due', 0)}"
        print(f"{rule:<{width}}  {'  '.join(f'{c:>13}' for c in cells)}  {due:>20}")

    compared, differences = 0, []
    for entry in peer["verdicts"]:
        district = entry["district"]
        for rule, theirs in sorted(entry["rules"].items()):
            ours = mine.pop((entry["name"], rule), [])
            if len(ours) != len(theirs):
                differences.append(f"{rule} on district {district}: plancheck judges {len(ours)} subjects, "
                                   f"the peer {len(theirs)}")
                continue
            for (code, status), other in zip(ours, theirs):
                compared += 1
                if not same(status, other):
                    differences.append(f"{rule} on {code} (district {district}): plancheck {status}, peer {other}")
    for (district, rule), ours in sorted(mine.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        if rule in peer["rules"]:
            differences.append(f"{rule} on {district}: {len(ours)} verdicts of plancheck the peer did not judge")
    for d in differences[:20]:
        print("DIFFERS:", d)
    if len(differences) > 20:
        print(f"… and {len(differences) - 20} more differences")
    print(f"{compared} verdicts compared one by one; {len(differences)} differ")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
