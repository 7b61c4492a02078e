"""The Corpus page's stories: the night's largest stories, and a story's page with its articles in time
order, on a catalog the written story nights were published into (stories step, staging, publish)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.plugins.test_app import airflow_db, auth_manager, bearer, token  # noqa: F401 (fixtures)
from tests.stories.catalog import publish_enriched_night, settings_for
from tests.stories.conftest import N2, NIGHTS, enriched_nights, key_of  # noqa: F401 (fixtures)

# Each module starts the Airflow API server with the plugin (about a minute): not the fast lane.
pytestmark = [pytest.mark.filterwarnings("ignore:The HMAC key is"), pytest.mark.slow]


@pytest.fixture(scope="module")
def stories_dir(enriched_nights, tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("story_pages")
    for night in NIGHTS:
        publish_enriched_night(settings_for(data_dir), night, enriched_nights[night], data_dir / "work")
    return data_dir


@pytest.fixture(scope="module")
def client(stories_dir, auth_manager):
    from akhbar_corpus.app import create_app

    with TestClient(create_app(stories_dir)) as c:
        yield c


@pytest.mark.slow
def test_the_corpus_page_lists_the_nights_largest_stories(client, token, key_of):
    r = client.get(
        "/corpus",
        params={"end": N2.isoformat(), "nights": 3},
        headers={**bearer(token), "Accept": "text/html"},
    )
    assert r.status_code == 200
    section = r.text.split('id="stories-table"')[1].split("</table>")[0]
    rows = re.findall(r'<tr class="story" data-story="([^"]+)">(.*?)</tr>', section, re.DOTALL)
    # On Monday: the flood (Arabic on Sunday, French and English on Monday), then the central bank's
    # rate decision (Arabic on Monday, French on Wednesday); the festival (one article) is not listed.
    assert [key_of[s] for s, _ in rows] == ["flood-ar", "rate-ar"]
    flood = rows[0][1]
    assert '<td class="size">3</td><td>2</td>' in flood
    assert all(
        f'<span class="chip">{x}</span>' in flood
        for x in ("ar", "en", "fr", "tunis-akhbar", "courrier-maghreb", "harbour-gazette")
    )
    assert 'href="story/' + rows[0][0] + '"' in flood and "فيضانات في صفاقس" in flood
    api = client.get("/api/stats", params={"end": N2.isoformat()}, headers=bearer(token)).json()
    assert [s["story_id"] for s in api["stories"]] == [s for s, _ in rows]


def test_a_story_page_lists_its_articles_in_time_order(client, token, key_of):
    flood = next(a for a, k in key_of.items() if k == "flood-ar")
    r = client.get(f"/story/{flood}", headers={**bearer(token), "Accept": "text/html"})
    assert r.status_code == 200
    articles = re.findall(r'<tr class="article" data-article="([^"]+)"><td>([^<]+)</td>', r.text)
    assert [key_of[a] for a, _ in articles] == ["flood-ar", "flood-fr", "flood-en"]
    assert [t for _, t in articles] == sorted(t for _, t in articles)
    timeline = r.text.split('id="timeline-table"')[1].split("</table>")[0]
    assert (
        timeline.index("tunis-akhbar")
        < timeline.index("courrier-maghreb")
        < timeline.index("harbour-gazette")
    )
    assert 'id="story-size">3<' in r.text and "default-src 'none'" in r.headers["content-security-policy"]
    body = client.get(f"/api/story/{flood}", headers=bearer(token)).json()
    assert [a["article_id"] for a in body["articles"]] == [a for a, _ in articles]
    assert body["story"]["languages"] == ["ar", "en", "fr"]


@pytest.mark.slow
@pytest.mark.parametrize("story_id", ["nope", "<script>alert(1)</script>", "' OR 1=1 --", "x" * 300])
def test_unknown_or_hostile_story_ids(client, token, story_id):
    r = client.get(f"/story/{story_id}", headers={**bearer(token), "Accept": "text/html"})
    assert r.status_code == 404 and "<script>alert" not in r.text
    assert client.get(f"/api/story/{story_id}", headers=bearer(token)).status_code == 404


def test_story_pages_need_a_login(client):
    assert client.get("/api/story/anything", headers={"Accept": "application/json"}).status_code == 401
