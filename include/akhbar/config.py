"""The source registry (YAML) and run settings, validated with errors that name the key and line."""

from __future__ import annotations

import json
import os
import zoneinfo
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

DEFAULT_SETTINGS: dict[str, Any] = {
    "user_agent": "akhbar/0.1 (+https://github.com/akhbar-news/akhbar; news corpus pipeline)",
    "connect_timeout": 10.0,
    "read_timeout": 30.0,
    "max_retries": 3,
    "max_redirects": 5,
    "max_bytes": 20 * 1024 * 1024,
    "rate_per_second": 1.0,
    "concurrency": 2,
    "robots": True,
    "allow_private": False,
    "max_items": 5000,
    "window_days": 1,
}


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
    settings: dict[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:  # dict fields: hash on the id, which is unique
        return hash(self.id)


@dataclass(frozen=True)
class Registry:
    path: Path
    sources: tuple[Source, ...]

    def enabled(self) -> list[Source]:
        return [s for s in self.sources if s.enabled]

    def get(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(f"no source with id {source_id!r} in {self.path}")


def _schema() -> dict:
    return json.loads(resources.files("akhbar").joinpath("sources_schema.json").read_text())


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line of every mapping key and sequence item."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=deep)
    lines = {}
    for key_node, _ in node.value:
        lines[key_node.value] = key_node.start_mark.line + 1
    loader.lines[id(mapping)] = (node.start_mark.line + 1, lines)
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


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


def load_registry(path: str | os.PathLike) -> Registry:
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: source registry not found")
    text = path.read_text(encoding="utf-8")
    loader = _LineLoader(text)
    loader.lines = {}
    try:
        doc = loader.get_single_data()
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    finally:
        loader.dispose()
    if doc is None:
        doc = {}
    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        messages = []
        for err in errors[:10]:
            abs_path = list(err.absolute_path)
            where = _path_text(abs_path)
            # Name the source by its id, which reads better than an index.
            if len(abs_path) >= 2 and abs_path[0] == "sources" and isinstance(abs_path[1], int):
                item = (doc.get("sources") or [None] * (abs_path[1] + 1))[abs_path[1]]
                if isinstance(item, dict) and item.get("id"):
                    rest = _path_text(abs_path[2:]) if len(abs_path) > 2 else ""
                    where = f"sources[{abs_path[1]}] (id {item['id']!r})" + (f".{rest}" if rest else "")
            line = _locate(doc, abs_path, loader.lines)
            detail = err.message
            if err.validator == "additionalProperties" and isinstance(err.instance, dict):
                allowed = set(err.schema.get("properties", {}))
                unknown = sorted(k for k in err.instance if k not in allowed)
                line = _locate(doc, abs_path + unknown[:1], loader.lines) or line
                detail = f"unknown key {', '.join(map(repr, unknown))} (allowed: {', '.join(sorted(allowed))})"
            elif err.validator == "oneOf":
                detail = "give exactly one of 'url', 'urls' or 'path'"
            messages.append(f"{path}:{line or '?'}: {where}: {detail}")
        raise ConfigError("invalid source registry:\n  " + "\n  ".join(messages))

    defaults = {**DEFAULT_SETTINGS, **(doc.get("defaults") or {})}
    seen: set[str] = set()
    sources = []
    for index, raw in enumerate(doc.get("sources") or []):
        line = _locate(doc, ["sources", index], loader.lines)
        sid = raw["id"]
        if sid in seen:
            raise ConfigError(f"{path}:{line}: sources[{index}].id: duplicate source id {sid!r}")
        seen.add(sid)
        tz = raw.get("timezone", "UTC")
        try:
            zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ConfigError(f"{path}:{line}: sources[{index}] (id {sid!r}).timezone: unknown timezone {tz!r}") from exc
        src_path = raw.get("path")
        if src_path is not None:
            p = Path(src_path)
            if not p.is_absolute():
                p = (path.parent / p).resolve()
            src_path = p
        sources.append(
            Source(
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
                settings={**defaults, **(raw.get("limits") or {})},
            )
        )
    return Registry(path=path, sources=tuple(sources))


def project_root() -> Path:
    return Path(__file__).resolve().parents[2]


def default_sources_path() -> Path:
    env = os.environ.get("AKHBAR_SOURCES")
    return Path(env) if env else project_root() / "include" / "config" / "sources.yaml"


def default_data_dir() -> Path:
    env = os.environ.get("AKHBAR_DATA_DIR")
    return Path(env) if env else project_root() / "data"
