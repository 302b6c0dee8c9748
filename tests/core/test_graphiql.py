"""GraphiQL needs nothing but this server: every asset of its page is served here, intact."""

from __future__ import annotations

import base64
import hashlib
import re

SCRIPT_OR_STYLE = re.compile(
    r'<(?:script|link)\b[^>]*?(?:src|href)="(?P<url>[^"]+)"[^>]*?integrity="(?P<sri>[^"]+)"',
    re.S,
)


async def test_the_page_loads_every_asset_from_this_server(client):
    page = await client.get("/graphql", headers={"accept": "text/html"})

    assert page.status_code == 200
    assert "unpkg.com" not in page.text and "https://" not in page.text.split("<body")[0]
    assets = SCRIPT_OR_STYLE.findall(page.text)
    assert len(assets) == 7  # react, react-dom, js-cookie, graphiql js+css, explorer js+css
    for url, sri in assets:
        assert url.startswith("/graphiql/"), url
        response = await client.get(url)
        assert response.status_code == 200, url
        digest = base64.b64encode(hashlib.sha384(response.content).digest()).decode()
        assert sri == f"sha384-{digest}", url  # the browser's integrity check will pass


async def test_assets_are_served_with_their_types(client):
    js = await client.get("/graphiql/graphiql.min.js")
    css = await client.get("/graphiql/graphiql.min.css")
    missing = await client.get("/graphiql/nothing.js")

    assert "javascript" in js.headers["content-type"]
    assert css.headers["content-type"].startswith("text/css")
    assert missing.status_code == 404
