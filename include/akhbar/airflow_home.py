"""The project's local Airflow home: Airflow's own ``airflow.cfg`` with the project's settings written in.

``make airflow-home`` lets Airflow write its default file (with its generated keys), then
``python -m akhbar.airflow_home PROJECT_DIR AIRFLOW_HOME`` sets the options below in place, comments and
every other option kept. A plain ``airflow ...`` command with ``AIRFLOW_HOME`` set (``make shell``, or
``eval "$(make -s env)"``) then sees the same dags, plugins and database as the make targets. Environment
variables (``AIRFLOW__SECTION__KEY``) still override the file, as everywhere in Airflow.

Stdlib only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# On its own line above each option it sets: Airflow's parser would read a comment after a value as part
# of the value.
MARK = "# set by akhbar (make airflow-home)"


def project_settings(project: Path, home: Path) -> dict[tuple[str, str], str]:
    """The options the project needs, by (section, key)."""
    return {
        ("core", "dags_folder"): str(project / "dags"),
        ("core", "plugins_folder"): str(project / "plugins"),
        ("core", "load_examples"): "False",
        ("core", "execution_api_server_url"): "http://localhost:8080/execution/",
        ("database", "sql_alchemy_conn"): f"sqlite:///{home / 'airflow.db'}",
        ("logging", "base_log_folder"): str(home / "logs"),
    }


_SECTION = re.compile(r"^\[([^\]]+)\]\s*$")


def _option(line: str) -> str | None:
    """The key of a ``key = value`` line, or of a commented-out ``# key = value`` line."""
    match = re.match(r"^#?\s*([A-Za-z0-9_]+)\s*=", line)
    return match.group(1) if match else None


def configure(cfg_text: str, values: dict[tuple[str, str], str]) -> str:
    """``cfg_text`` with each (section, key) set to its value: the option's line replaced where the section
    has it (set or commented out), else added at the top of the section; missing sections appended."""
    lines = [line for line in cfg_text.splitlines() if line != MARK]  # re-added below: idempotent
    pending = dict(values)
    out: list[str] = []
    section = None
    for line in lines:
        header = _SECTION.match(line)
        if header:
            section = header.group(1).strip()
            out.append(line)
            # Options the section does not have at all go right under its header.
            absent = [k for (s, k) in pending if s == section and not _section_has(lines, section, k)]
            for missing in absent:
                out += [MARK, f"{missing} = {pending.pop((section, missing))}"]
            continue
        key = _option(line)
        if section is not None and key is not None and (section, key) in pending:
            if line.lstrip().startswith("#") and _section_has(lines, section, key, set_only=True):
                out.append(line)  # a commented example beside the real line: leave it
                continue
            out += [MARK, f"{key} = {pending.pop((section, key))}"]
            continue
        out.append(line)
    for sec in dict.fromkeys(sec for sec, _ in pending):  # sections the file lacks, in order
        out += ["", f"[{sec}]"]
        for key in [k for s, k in pending if s == sec]:
            out += [MARK, f"{key} = {pending[(sec, key)]}"]
    return "\n".join(out) + "\n"


def _section_has(lines: list[str], section: str, key: str, *, set_only: bool = False) -> bool:
    current = None
    for line in lines:
        header = _SECTION.match(line)
        if header:
            current = header.group(1).strip()
            continue
        if current == section and _option(line) == key and not (set_only and line.lstrip().startswith("#")):
            return True
    return False


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m akhbar.airflow_home PROJECT_DIR AIRFLOW_HOME", file=sys.stderr)
        return 2
    project, home = Path(argv[0]).resolve(), Path(argv[1]).resolve()
    cfg = home / "airflow.cfg"
    text = cfg.read_text(encoding="utf-8") if cfg.exists() else ""
    new = configure(text, project_settings(project, home))
    if new != text:
        cfg.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
