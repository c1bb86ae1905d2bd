"""The summary printed at the end of an import: what came in, and what did not and why."""

from __future__ import annotations

from app.portability.writer import ImportSummary

KINDS = ("articles", "comments", "reactions", "votes", "audit entries")
PLURALS = {"audit entry": "audit entries"}  # the rest take an s


def plural(kind: str, count: int) -> str:
    return kind if count == 1 else PLURALS.get(kind, f"{kind}s")


def describe(summary: ImportSummary) -> str:
    lines = [f"Imported from {summary.source} into site {summary.site}:"]
    for kind in KINDS:
        count = summary.imported.get(kind, 0)
        line = f"  {kind}: {count:,} imported"
        if kind == "comments" and summary.statuses:
            parts = ", ".join(f"{n:,} {status}" for status, n in sorted(summary.statuses.items()))
            line += f" ({parts})"
        lines.append(line)
    for note, count in sorted(summary.notes.items()):
        lines.append(f"  note: {count:,} {note}")
    if summary.skipped:
        lines.append("Skipped:")
        for (kind, reason), count in sorted(summary.skipped.items()):
            lines.append(f"  {count:,} {plural(kind, count)}: {reason}")
    else:
        lines.append("Skipped: nothing")
    return "\n".join(lines)
