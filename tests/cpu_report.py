"""Totals the per-test CPU log written when SENDBOARD_TEST_CPU_LOG is set (see tests/conftest.py):
`python -m tests.cpu_report folder [N]` prints the N files (default 20) and tests that cost the most CPU.

"CPU s" is the pytest process's own CPU and that of the processes it waited for (RUSAGE_CHILDREN: app servers,
Playwright's driver). Chromium's renderers are waited for by nothing of ours, so most of their CPU is not in it;
"descendants, sampled" adds up the CPU every process below the worker used while the test ran, read from /proc
(a floor: what a process uses after the last look before it exits is missed). "self + sampled" is the better
figure of what a browser test costs; the two should be close for tests that start no browser. The browser
files' pages opened, documents loaded and loads of plotly's code are counted by tests/browser.py (each costs its browser CPU)."""
from __future__ import annotations

import collections
import json
import sys
from pathlib import Path


def load(folder: Path) -> list[dict]:
    return [json.loads(line) for log in sorted(folder.glob("*.jsonl")) for line in log.read_text().splitlines()]


ROOT = Path(__file__).resolve().parent.parent


def _kind(file: str) -> str:
    """Browser test files (an app server and Chromium) or tests run in the pytest process (AppTest and the rest)."""
    try:
        text = (ROOT / file).read_text(encoding="utf-8")
    except OSError:
        return "unknown (file gone)"
    return "browser (app server + Chromium)" if "mark.browser" in text else "in the pytest process"


def report(rows: list[dict], top: int = 20) -> str:
    by_file: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0, 0.0, 0.0, 0.0])
    by_test: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0])
    tests: dict[str, set] = collections.defaultdict(set)
    for row in rows:
        file = row["test"].split("::", 1)[0]
        cpu = row["cpu_self"] + row["cpu_children"]
        totals = by_file[file]
        totals[0] += cpu
        totals[1] += row["cpu_self"]
        totals[2] += row["cpu_children"]
        totals[3] += row["wall"]
        totals[4] += row.get("cpu_descendants_seen", 0.0)
        by_test[row["test"]][0] += cpu
        by_test[row["test"]][1] += row["wall"]
        tests[file].add(row["test"])
    all_cpu = sum(t[0] for t in by_file.values()) or 1.0
    lines = [f"{len(by_test)} tests, {all_cpu:,.0f} CPU s in tests (set-up and teardown included)", "",
             "| file | tests | CPU s | of which children | self + sampled | wall s | share of CPU |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    ranked = sorted(by_file.items(), key=lambda kv: -kv[1][0])
    for file, (cpu, own, kids, wall, sampled) in ranked[:top]:
        lines.append(f"| {file.removeprefix('tests/')} | {len(tests[file])} | {cpu:,.1f} | {kids:,.1f} | {own + sampled:,.1f} "
                     f"| {wall:,.1f} | {cpu / all_cpu:.1%} |")
    rest = ranked[top:]
    if rest:
        lines.append(f"| the other {len(rest)} files | {sum(len(tests[f]) for f, _ in rest)} "
                     f"| {sum(t[0] for _, t in rest):,.1f} | {sum(t[2] for _, t in rest):,.1f} "
                     f"| {sum(t[1] + t[4] for _, t in rest):,.1f} | {sum(t[3] for _, t in rest):,.1f} | {sum(t[0] for _, t in rest) / all_cpu:.1%} |")
    kinds: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0])
    for file, (cpu, _own, _kids, _wall, _sampled) in by_file.items():
        kind = _kind(file)
        kinds[kind][0] += cpu
        kinds[kind][1] += len(tests[file])
    lines += ["", "| kind of test file | tests | CPU s | share |", "|---|---:|---:|---:|"]
    for kind, (cpu, count) in sorted(kinds.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"| {kind} | {count:.0f} | {cpu:,.1f} | {cpu / all_cpu:.1%} |")
    opened: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for row in rows:
        counts = opened[row["test"].split("::", 1)[0]]
        for i, key in enumerate(("browser_pages", "browser_document_loads", "browser_chart_code_loads")):
            counts[i] += row.get(key, 0)
    if any(sum(c) for c in opened.values()):
        lines += ["", "| browser file | pages opened | documents loaded (form, app, reload) | plotly code loads |",
                  "|---|---:|---:|---:|"]
        for file, (pages, loads, charts) in sorted(opened.items(), key=lambda kv: -kv[1][1]):
            if pages or loads:
                lines.append(f"| {file.removeprefix('tests/')} | {pages} | {loads} | {charts} |")
        lines.append("| **all** | " + " | ".join(str(sum(c[i] for c in opened.values())) for i in range(3)) + " |")
    own, sampled, wall = (sum(t[i] for t in by_file.values()) for i in (1, 4, 3))
    lines += ["", f"in all: {all_cpu:,.1f} CPU s (self + reaped), {own + sampled:,.1f} CPU s (self + descendants sampled), "
                  f"{wall:,.1f} s of wall time in tests", "", "slowest tests by CPU:"]
    for test, (cpu, wall) in sorted(by_test.items(), key=lambda kv: -kv[1][0])[:top]:
        lines.append(f"{cpu:8.1f} CPU s {wall:8.1f} wall s  {test}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(load(Path(sys.argv[1])), int(sys.argv[2]) if len(sys.argv) > 2 else 20))
