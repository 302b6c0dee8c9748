"""GraphiQL served from this server: strawberry's page with its CDN assets replaced by the
same files bundled in `app/static/graphiql/` (see NOTICE.md there), so exploring the API in a
browser needs no access to unpkg.com."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from strawberry.http.ides import get_graphql_ide_html

ASSETS = Path(__file__).resolve().parents[1] / "static" / "graphiql"
PREFIX = "/graphiql/"

# strawberry's CDN address -> the bundled file (byte-identical: the page's SRI still holds).
LOCAL = {
    "https://unpkg.com/react@18.2.0/umd/react.production.min.js": "react.production.min.js",
    "https://unpkg.com/react-dom@18.2.0/umd/react-dom.production.min.js": (
        "react-dom.production.min.js"
    ),
    "https://unpkg.com/js-cookie@3.0.5/dist/js.cookie.min.js": "js.cookie.min.js",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.css": "graphiql.min.css",
    "https://unpkg.com/graphiql@3.8.3/graphiql.min.js": "graphiql.min.js",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/style.css": "plugin-explorer.css",
    "https://unpkg.com/@graphiql/plugin-explorer@1.0.2/dist/index.umd.js": (
        "plugin-explorer.umd.js"
    ),
}


@cache
def graphiql_html() -> str:
    """The GraphiQL page with every asset served by us (`/graphiql/<file>`)."""
    html = get_graphql_ide_html()
    for remote, local in LOCAL.items():
        html = html.replace(remote, PREFIX + local)
    return html
