"""The source registry (YAML) and run settings, validated with errors that name the file, key and line.

A registry is untrusted input like any other: it is read as strict UTF-8, its YAML aliases are
bounded before anything is expanded, duplicate keys and non-finite or oversized numbers are refused,
and every error message is cut to a readable length.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import zoneinfo
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

MAX_REGISTRY_BYTES = 1024 * 1024
MAX_ALIASES = 200  # alias uses (*name) in one registry
MAX_EXPANDED_NODES = 100_000  # YAML nodes once every alias is expanded
MAX_MESSAGES = 10
MAX_MESSAGE_CHARS = 300
MAX_SAFE_INTEGER = 2**53  # beyond this a YAML integer is a typo or an attack, not a setting


@dataclass(frozen=True)
class SourceSettings:
    """How one source is fetched: the registry's ``defaults`` overlaid with the source's ``limits``.

    The only place where a setting has a default. Built once by :func:`load_registry`; every
    fetcher reads these attributes (never a dict with its own fallback).
    """

    user_agent: str = "akhbar/0.1 (+https://github.com/akhbar-news/akhbar; news corpus pipeline)"
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_retries: int = 3
    max_redirects: int = 5
    max_bytes: int = 20 * 1024 * 1024  # one page, feed, dump line or archive member
    rate_per_second: float = 1.0  # per host
    concurrency: int = 2  # per host
    robots: bool = True
    allow_private: bool = False  # private and loopback hosts; link-local and metadata never
    max_items: int = 5000  # items taken from one source's containers per night
    # 0: every item belongs to exactly one night (the one it was published on), which makes
    # backfills order-independent. N widens the night to [dt - N, dt].
    window_days: int = 0
    max_retry_after: float = 60.0  # a longer Retry-After is not waited for: the URL fails now
    backoff_base: float = 0.5  # first retry waits about this long, doubling after
    max_response_seconds: float = 120.0  # whole-response deadline, streamed downloads included
    max_crawl_delay: float = 30.0  # cap on robots.txt Crawl-delay
    host_failure_limit: int = 5  # consecutive failed URLs before a host is given up for the run
    max_decompressed_bytes: int = 4 * 1024**3  # one compressed dump or archive, once inflated
    max_lines: int = 5_000_000  # lines (JSONL) or rows (CSV) read from one dump file
    # Raw records per shard, the unit of work of extraction, cleaning and enrichment (one Airflow
    # task each): large enough that a task's start-up is a small share of its time, small enough
    # that a big source spreads over every worker and a task's memory stays low.
    shard_records: int = 20_000

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> SourceSettings:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise TypeError(f"unknown setting(s) {unknown} (known: {sorted(known)})")
        return cls(**values)

    def replace(self, **changes: Any) -> SourceSettings:
        return dataclasses.replace(self, **changes)


class ConfigError(ValueError):
    """A registry that does not validate; the message names the file, key and line."""


@dataclass(frozen=True)
class Source:
    id: str
    kind: str
    url: str | None = None
    urls: tuple[str, ...] = ()
    path: Path | None = None
    name: str | None = None
    country: str | None = None
    lang: str | None = None
    timezone: str = "UTC"
    enabled: bool = True
    categories: dict[str, str] = field(default_factory=dict)
    mapping: dict[str, str] = field(default_factory=dict)
    settings: SourceSettings = field(default_factory=SourceSettings)

    def __hash__(self) -> int:  # dict fields: hash on the id, which is unique
        return hash(self.id)

    def where(self) -> str:
        """What the source reads, as messages name it: its URL, or its path resolved."""
        return self.url or (str(self.path) if self.path else f"{len(self.urls)} urls")

    def path_problem(self) -> str | None:
        """Why the source's local path cannot be what it reads (it does not exist, or a pattern matches
        nothing); None for a path that exists and for URL sources (nothing is fetched here)."""
        if self.path is None:
            return None
        text = str(self.path)
        if any(ch in text for ch in "*?["):
            import glob

            return None if glob.glob(text, recursive=True) else f"no file matches {text}"
        return None if self.path.exists() else f"{text} does not exist"


@dataclass(frozen=True)
class Registry:
    path: Path
    sources: tuple[Source, ...]

    def enabled(self) -> list[Source]:
        return [s for s in self.sources if s.enabled]

    def path_problems(self) -> dict[str, str]:
        """Enabled sources whose local path cannot be read, with why (relative paths are resolved
        against the registry's folder: a registry copied elsewhere points at nothing)."""
        return {s.id: problem for s in self.enabled() if (problem := s.path_problem())}

    def get(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(f"no source with id {source_id!r} in {self.path}")


def _schema() -> dict:
    return json.loads(resources.files("akhbar").joinpath("sources_schema.json").read_text())


def _short(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- reading the YAML


class _RegistryProblem(Exception):
    """A problem found while composing or constructing the YAML, with its line."""

    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


_MERGE_TAG = "tag:yaml.org,2002:merge"


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that bounds aliases, refuses duplicate keys and remembers the line of every key."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines: dict[int, tuple[int, dict]] = {}
        self.aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise _RegistryProblem(
                    mark.line + 1, f"more than {MAX_ALIASES} YAML aliases (*name): refused"
                )
        return super().compose_node(parent, index)


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False):
    first_line: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
            continue
        line = key_node.start_mark.line + 1
        if key_node.value in first_line:
            raise _RegistryProblem(
                line,
                f"duplicate key {_short(key_node.value, 80)!r} (first at line {first_line[key_node.value]})",
            )
        first_line[key_node.value] = line
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    lines = {key_node.value: key_node.start_mark.line + 1 for key_node, _ in node.value}
    loader.lines[id(mapping)] = (node.start_mark.line + 1, lines)
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _expanded_size(root: yaml.Node) -> int:
    """How many nodes the document has once every alias is expanded (linear time: shared
    nodes are sized once), to refuse alias bombs before anything is built from them."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if children_done or not children:
            sizes[id(node)] = 1 + sum(sizes.get(id(c), 0) for c in children)
            if sizes[id(node)] > MAX_EXPANDED_NODES:
                return sizes[id(node)]
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes.get(id(root), 0)


def _read_text(path: Path) -> str:
    if not path.exists():
        raise ConfigError(f"{path}: source registry not found")
    with open(path, "rb") as fh:
        data = fh.read(MAX_REGISTRY_BYTES + 1)
    if len(data) > MAX_REGISTRY_BYTES:
        raise ConfigError(f"{path}: source registry larger than {MAX_REGISTRY_BYTES} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}:{line}: not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} ({exc.reason})"
        ) from None


def _parse(path: Path, text: str) -> tuple[Any, dict]:
    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        size = _expanded_size(node)
        if size > MAX_EXPANDED_NODES:
            raise _RegistryProblem(
                None, f"YAML aliases expand to more than {MAX_EXPANDED_NODES} nodes: refused"
            )
        doc = loader.construct_document(node)
    except _RegistryProblem as problem:
        raise ConfigError(f"{path}:{problem.line or '?'}: {problem.message}") from None
    except RecursionError:
        raise ConfigError(f"{path}: YAML nested too deeply") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise ConfigError(f"{path}:{line}: not valid YAML: {_short(str(exc))}") from None
    finally:
        loader.dispose()
    return ({} if doc is None else doc), loader.lines


# --------------------------------------------------------------------------- locating errors


def _locate(doc: Any, path: list, lines: dict) -> int | None:
    """Line of the deepest key along a JSON path in the loaded document."""
    line = None
    node = doc
    for part in path:
        info = lines.get(id(node))
        if isinstance(node, dict):
            if info:
                line = info[1].get(part, info[0])
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            inner = lines.get(id(node))
            if inner:
                line = inner[0]
        else:
            break
    return line


def _path_text(path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _where(doc: Any, abs_path: list) -> str:
    """A JSON path that names the source by its id, which reads better than an index."""
    where = _path_text(abs_path)
    if len(abs_path) >= 2 and abs_path[0] == "sources" and isinstance(abs_path[1], int):
        sources = doc.get("sources") if isinstance(doc, dict) else None
        item = sources[abs_path[1]] if isinstance(sources, list) and abs_path[1] < len(sources) else None
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            rest = _path_text(abs_path[2:]) if len(abs_path) > 2 else ""
            where = f"sources[{abs_path[1]}] (id {_short(item['id'], 64)!r})" + (f".{rest}" if rest else "")
    return where


def _numbers(node: Any, path: list) -> Iterator[tuple[list, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _numbers(value, path + [key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _numbers(value, path + [index])
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield path, node


def _number_problems(path: Path, doc: Any, lines: dict) -> list[str]:
    """NaN, infinities and integers beyond 2**53: YAML reads them, no setting means them."""
    messages = []
    for where, value in _numbers(doc, []):
        if isinstance(value, float) and not math.isfinite(value):
            detail = f"{value!r} is not a usable number"
        elif isinstance(value, int) and abs(value) > MAX_SAFE_INTEGER:
            detail = f"integer of {len(str(abs(value)))} digits is too large (at most {MAX_SAFE_INTEGER})"
        else:
            continue
        messages.append(f"{path}:{_locate(doc, where, lines) or '?'}: {_where(doc, where)}: {detail}")
    return messages


def _schema_problems(path: Path, doc: Any, lines: dict) -> list[str]:
    import jsonschema  # here: a second of start-up that `akhbar sql` and the DAG parse do not need

    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    messages = []
    for err in errors:
        abs_path = list(err.absolute_path)
        line = _locate(doc, abs_path, lines)
        detail = err.message
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = set(err.schema.get("properties", {}))
            unknown = sorted(str(k) for k in err.instance if k not in allowed)
            line = _locate(doc, abs_path + unknown[:1], lines) or line
            detail = f"unknown key {', '.join(map(repr, unknown))} (allowed: {', '.join(sorted(allowed))})"
        elif err.validator == "oneOf":
            detail = "give exactly one of 'url', 'urls' or 'path'"
        messages.append(f"{path}:{line or '?'}: {_where(doc, abs_path)}: {detail}")
    return messages


def _raise_if(messages: list[str]) -> None:
    if not messages:
        return
    shown = [_short(m) for m in messages[:MAX_MESSAGES]]
    if len(messages) > MAX_MESSAGES:
        shown.append(f"... and {len(messages) - MAX_MESSAGES} more")
    raise ConfigError("invalid source registry:\n  " + "\n  ".join(shown))


# --------------------------------------------------------------------------- building sources


def _source(path: Path, raw: dict, index: int, line: int | None, defaults: dict) -> Source:
    sid = raw["id"]
    tz = raw.get("timezone", "UTC")
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"{path}:{line}: sources[{index}] (id {sid!r}).timezone: unknown timezone {_short(tz, 80)!r}"
        ) from exc
    src_path = raw.get("path")
    if src_path is not None:
        p = Path(src_path)
        src_path = p if p.is_absolute() else (path.parent / p).resolve()
    return Source(
        id=sid,
        kind=raw["kind"],
        url=raw.get("url"),
        urls=tuple(raw.get("urls") or ()),
        path=src_path,
        name=raw.get("name"),
        country=raw.get("country"),
        lang=raw.get("lang"),
        timezone=tz,
        enabled=raw.get("enabled", True),
        categories=dict(raw.get("categories") or {}),
        mapping=dict(raw.get("mapping") or {}),
        settings=SourceSettings.from_mapping({**defaults, **(raw.get("limits") or {})}),
    )


def load_registry(path: str | os.PathLike) -> Registry:
    path = Path(path)
    doc, lines = _parse(path, _read_text(path))
    _raise_if(_number_problems(path, doc, lines) or _schema_problems(path, doc, lines))
    defaults = dict(doc.get("defaults") or {})
    seen: set[str] = set()
    sources = []
    for index, raw in enumerate(doc.get("sources") or []):
        line = _locate(doc, ["sources", index], lines)
        if raw["id"] in seen:
            raise ConfigError(f"{path}:{line}: sources[{index}].id: duplicate source id {raw['id']!r}")
        seen.add(raw["id"])
        sources.append(_source(path, raw, index, line, defaults))
    return Registry(path=path, sources=tuple(sources))


_SOURCE_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def enabled_source_ids(path: str | os.PathLike) -> list[str]:
    """The ids of a registry's enabled sources, read without validating the rest: cheap enough for
    parsing a DAG (no JSON Schema). An unreadable registry gives [], and its full validation at run
    time names the problem."""
    path = Path(path)
    try:
        doc, _ = _parse(path, _read_text(path))
    except ConfigError:
        return []
    sources = doc.get("sources") if isinstance(doc, dict) else None
    ids = []
    for raw in sources if isinstance(sources, list) else []:
        if isinstance(raw, dict) and raw.get("enabled", True) is not False:
            sid = raw.get("id")
            if isinstance(sid, str) and _SOURCE_ID.fullmatch(sid) and sid not in ids:
                ids.append(sid)
    return ids


def project_root() -> Path:
    return Path(__file__).resolve().parents[2]


def default_sources_path() -> Path:
    env = os.environ.get("AKHBAR_SOURCES")
    return Path(env) if env else project_root() / "include" / "config" / "sources.yaml"


def default_data_dir() -> Path:
    env = os.environ.get("AKHBAR_DATA_DIR")
    return Path(env) if env else project_root() / "data"
