from pathlib import Path

import pytest

from akhbar.config import ConfigError, load_registry
from tests.conftest import ROOT


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_registry_applies_defaults_and_limits(tmp_path):
    path = write(
        tmp_path,
        """
version: 1
defaults:
  rate_per_second: 0.5
sources:
  - id: tunis-feed
    kind: rss
    url: https://example.org/feed.xml
    lang: ar
    timezone: Africa/Tunis
    limits:
      concurrency: 1
  - id: dump
    kind: jsonl
    path: data/dump.jsonl
    enabled: false
""",
    )
    reg = load_registry(path)
    assert [s.id for s in reg.enabled()] == ["tunis-feed"]
    feed = reg.get("tunis-feed")
    assert feed.settings.rate_per_second == 0.5 and feed.settings.concurrency == 1
    assert reg.get("dump").path == (tmp_path / "data" / "dump.jsonl").resolve()


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "  - id: a\n    kind: rss\n    url: https://x.org\n    limits:\n      rate_per_secnd: 2\n",
            ":6: sources[0] (id 'a').limits: unknown key 'rate_per_secnd'",
        ),
        ("  - id: a\n    kind: telegram\n    url: https://x.org\n", "sources[0] (id 'a').kind"),
        ("  - id: a\n    kind: rss\n", "give exactly one of 'url', 'urls' or 'path'"),
        ("  - id: ../etc\n    kind: rss\n    url: https://x.org\n", "sources[0] (id '../etc').id"),
        (
            "  - id: a\n    kind: rss\n    url: https://x.org\n    timezone: Mars/Olympus\n",
            "unknown timezone",
        ),
        (
            "  - id: a\n    kind: rss\n    url: https://x.org\n  - id: a\n    kind: rss\n    url: https://y.org\n",
            "duplicate source id 'a'",
        ),
    ],
)
def test_errors_name_the_key_and_line(tmp_path, body, expected):
    path = write(tmp_path, "sources:\n" + body)
    with pytest.raises(ConfigError) as err:
        load_registry(path)
    assert expected in str(err.value)
    assert str(path) in str(err.value)


def test_default_registry_validates(root):
    reg = load_registry(root / "include" / "config" / "sources.yaml")
    assert reg.enabled()


# -- one typed settings object, one set of defaults (issue 15) -------------------------------------


def test_settings_are_one_frozen_object_with_one_set_of_defaults(tmp_path):
    import dataclasses

    from akhbar.config import SourceSettings, _schema

    path = write(tmp_path, "sources:\n  - id: a\n    kind: rss\n    url: https://x.org/feed\n")
    settings = load_registry(path).get("a").settings
    assert isinstance(settings, SourceSettings) and settings == SourceSettings()
    assert settings.window_days == 0  # every item belongs to exactly one night
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.max_items = 1  # type: ignore[misc]
    # The schema and the dataclass list the same settings: nothing validated that is not read.
    assert set(_schema()["$defs"]["settings"]["properties"]) == {
        f.name for f in dataclasses.fields(SourceSettings)
    }


def test_limits_override_defaults_per_source(tmp_path):
    path = write(
        tmp_path,
        """
defaults: {window_days: 2, max_items: 10}
sources:
  - {id: a, kind: rss, url: "https://x.org/a", limits: {max_items: 3}}
  - {id: b, kind: rss, url: "https://x.org/b"}
""",
    )
    reg = load_registry(path)
    assert (reg.get("a").settings.window_days, reg.get("a").settings.max_items) == (2, 3)
    assert (reg.get("b").settings.window_days, reg.get("b").settings.max_items) == (2, 10)


# -- hostile registries (issue 11, items 6 and 7) ----------------------------------------------------


def test_alias_bomb_is_refused_before_expansion_with_a_short_message(tmp_path):
    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        levels.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    path = write(tmp_path, "\n".join(levels) + "\ndefaults: *a8\nsources: []\n")  # validated: expanded
    assert path.stat().st_size < 700  # the 621-byte registry, give or take
    with pytest.raises(ConfigError) as err:
        load_registry(path)
    assert "aliases expand to more than" in str(err.value)
    assert len(str(err.value)) < 1000


def test_too_many_aliases_refused_with_the_line(tmp_path):
    body = "x: &x 1\nl: [" + ",".join(["*x"] * 300) + "]\nsources: []\n"
    with pytest.raises(ConfigError) as err:
        load_registry(write(tmp_path, body))
    assert ":2: more than 200 YAML aliases" in str(err.value)


def test_anchors_for_shared_limits_still_work(tmp_path):
    path = write(
        tmp_path,
        """
sources:
  - id: a
    kind: rss
    url: https://x.org/a
    limits: &slow {rate_per_second: 0.2, concurrency: 1}
  - id: b
    kind: rss
    url: https://x.org/b
    limits:
      <<: *slow
      max_items: 7
""",
    )
    reg = load_registry(path)
    assert reg.get("b").settings.rate_per_second == 0.2 and reg.get("b").settings.max_items == 7


def test_error_messages_are_truncated(tmp_path):
    long_id = "x" * 50_000
    with pytest.raises(ConfigError) as err:
        load_registry(
            write(tmp_path, f"sources:\n  - id: {long_id}\n    kind: rss\n    url: https://x.org\n")
        )
    lines = str(err.value).splitlines()
    assert all(len(line) <= 310 for line in lines), [len(line) for line in lines]


def test_many_errors_are_summarised(tmp_path):
    body = "".join(f"  - id: s{i}\n    kind: nope\n    url: https://x.org/{i}\n" for i in range(25))
    with pytest.raises(ConfigError) as err:
        load_registry(write(tmp_path, "sources:\n" + body))
    assert "... and 15 more" in str(err.value)


@pytest.mark.parametrize(
    "body, expected",
    [
        (
            "  - id: a\n    kind: rss\n    kind: sitemap\n    url: https://x.org\n",
            ":4: duplicate key 'kind' (first at line 3)",
        ),
        (
            "  - id: a\n    kind: rss\n    url: https://x.org\n    limits:\n      max_items: 3\n      max_items: 4\n",
            ":7: duplicate key 'max_items' (first at line 6)",
        ),
    ],
)
def test_duplicate_keys_refused_with_the_line(tmp_path, body, expected):
    with pytest.raises(ConfigError) as err:
        load_registry(write(tmp_path, "sources:\n" + body))
    assert expected in str(err.value)


@pytest.mark.parametrize(
    "value, expected",
    [
        (".nan", "nan is not a usable number"),
        (".inf", "inf is not a usable number"),
        ("-.inf", "-inf is not a usable number"),
        ("1" + "0" * 40, "integer of 41 digits is too large"),
    ],
)
def test_non_finite_and_huge_numbers_refused_with_the_key(tmp_path, value, expected):
    body = f"  - id: a\n    kind: rss\n    url: https://x.org\n    limits:\n      rate_per_second: {value}\n"
    with pytest.raises(ConfigError) as err:
        load_registry(write(tmp_path, "sources:\n" + body))
    assert f":6: sources[0] (id 'a').limits.rate_per_second: {expected}" in str(err.value)


@pytest.mark.parametrize(
    "key, value", [("max_bytes", 2**45), ("window_days", 100_000), ("max_items", 10**12)]
)
def test_settings_have_upper_bounds(tmp_path, key, value):
    body = f"  - id: a\n    kind: rss\n    url: https://x.org\n    limits:\n      {key}: {value}\n"
    with pytest.raises(ConfigError) as err:
        load_registry(write(tmp_path, "sources:\n" + body))
    assert f"limits.{key}" in str(err.value)


def test_non_utf8_registry_is_reported_with_its_file_name(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_bytes(b"sources:\n  - id: a\n    kind: rss\n    name: " + "أخبار".encode("cp1256") + b"\n")
    with pytest.raises(ConfigError) as err:
        load_registry(path)
    assert str(err.value).startswith(f"{path}:4: not UTF-8: byte 0x")


def test_deeply_nested_yaml_is_refused(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_registry(write(tmp_path, "sources: " + "[" * 100_000 + "]" * 100_000 + "\n"))
    assert str(tmp_path) in str(err.value)


def test_a_url_listed_twice_is_refused(tmp_path):
    body = "  - id: a\n    kind: warc\n    urls: [https://x.org/a.warc.gz, https://x.org/a.warc.gz]\n"
    with pytest.raises(ConfigError) as err:
        load_registry(write(tmp_path, "sources:\n" + body))
    assert "sources[0] (id 'a').urls" in str(err.value) and "non-unique" in str(err.value)


def test_a_registry_copied_elsewhere_names_every_source_it_cannot_read(tmp_path):
    """Relative paths are resolved against the registry's folder: copied to another folder, its sources
    point at nothing, and `akhbar sources` says so (exit 1) with each resolved path."""
    import shutil
    import subprocess
    import sys

    copy = tmp_path / "elsewhere" / "sources.yaml"
    copy.parent.mkdir()
    shutil.copy(ROOT / "include" / "config" / "sources.yaml", copy)
    problems = load_registry(copy).path_problems()
    assert "tunis-akhbar" in problems and "example-live" not in problems  # a disabled URL source is not read
    missing = (copy.parent / "../../sample/sites/tunis-akhbar/feed.xml").resolve()
    assert problems["tunis-akhbar"] == f"{missing} does not exist"
    proc = subprocess.run(
        [sys.executable, "-m", "akhbar.cli", "sources", "--sources", str(copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert f"tunis-akhbar: {missing} does not exist" in proc.stderr and str(copy.parent) in proc.stderr
    assert load_registry(ROOT / "include" / "config" / "sources.yaml").path_problems() == {}
