from pathlib import Path

import pytest

from akhbar.config import ConfigError, load_registry


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_valid_registry_applies_defaults_and_limits(tmp_path):
    path = write(tmp_path, """
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
""")
    reg = load_registry(path)
    assert [s.id for s in reg.enabled()] == ["tunis-feed"]
    feed = reg.get("tunis-feed")
    assert feed.settings["rate_per_second"] == 0.5 and feed.settings["concurrency"] == 1
    assert reg.get("dump").path == (tmp_path / "data" / "dump.jsonl").resolve()


@pytest.mark.parametrize(
    "body, expected",
    [
        ("  - id: a\n    kind: rss\n    url: https://x.org\n    limits:\n      rate_per_secnd: 2\n",
         ":6: sources[0] (id 'a').limits: unknown key 'rate_per_secnd'"),
        ("  - id: a\n    kind: telegram\n    url: https://x.org\n", "sources[0] (id 'a').kind"),
        ("  - id: a\n    kind: rss\n", "give exactly one of 'url', 'urls' or 'path'"),
        ("  - id: ../etc\n    kind: rss\n    url: https://x.org\n", "sources[0] (id '../etc').id"),
        ("  - id: a\n    kind: rss\n    url: https://x.org\n    timezone: Mars/Olympus\n", "unknown timezone"),
        ("  - id: a\n    kind: rss\n    url: https://x.org\n  - id: a\n    kind: rss\n    url: https://y.org\n",
         "duplicate source id 'a'"),
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
