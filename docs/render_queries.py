"""Render docs/analyst_queries.sql with its results on the catalog, as Markdown for the README.

.venv/bin/python docs/render_queries.py data            # print (the data dir of `make run`)
.venv/bin/python docs/render_queries.py data --readme   # rewrite README's section
"""

from __future__ import annotations

import sys
from pathlib import Path

from akhbar.lakehouse.sandbox import run_query
from akhbar.lakehouse.settings import CatalogSettings

HERE = Path(__file__).resolve().parent


def queries() -> list[tuple[str, str]]:
    out, name, lines = [], None, []
    for line in (HERE / "analyst_queries.sql").read_text(encoding="utf-8").splitlines():
        if line.startswith("-- name:"):
            if name:
                out.append((name, "\n".join(lines).strip()))
            name, lines = line.split(":", 1)[1].strip(), []
        else:
            lines.append(line)
    if name:
        out.append((name, "\n".join(lines).strip()))
    return out


def markdown_table(names, rows, width=48) -> str:
    def cell(v):
        text = "" if v is None else str(v).replace("|", "\\|").replace("\n", " ")
        return text if len(text) <= width else text[: width - 1] + "…"

    head = "| " + " | ".join(names) + " |"
    sep = "|" + "|".join("---" for _ in names) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join([head, sep, *body])


def render(data_dir: str) -> str:
    catalog = CatalogSettings.from_env(data_dir)
    parts = []
    for i, (name, sql) in enumerate(queries(), 1):
        result = run_query(catalog, sql.rstrip(";"))
        names, rows = result.columns, result.rows
        parts.append(f"**{i}. {name}**\n\n```sql\n{sql}\n```\n\n{markdown_table(names, rows)}\n")
    return "\n".join(parts)


def main(argv: list[str]) -> None:
    data_dir = argv[0] if argv and not argv[0].startswith("--") else "data"
    text = render(data_dir)
    if "--readme" not in argv:
        print(text)
        return
    readme = HERE.parent / "README.md"
    content = readme.read_text(encoding="utf-8")
    start, end = "<!-- queries:start -->\n", "<!-- queries:end -->"
    head, rest = content.split(start, 1)
    readme.write_text(head + start + text + rest[rest.index(end) :], encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
