"""The status service (Starlette): `/api/health`, `/api/slate` and the projections page at `/`.

Read-only: every request reads the lake's pointers afresh, so a new publication shows on the next request.
"Now" is injected (the sources' clock in `projections serve`, a fixed instant in tests), as is the
orchestrator's last failed run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from html import escape

import pandas as pd
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from projections_assets.cli.export import ExportError
from projections_assets.core.exports import export
from projections_assets.nba.calendar import EASTERN
from projections_assets.partitions import InvalidPartitionKey, parse_game_date, parse_slot
from projections_assets.platform.lake import Lake
from projections_assets.status.health import (
    FailedRun,
    Health,
    HealthThresholds,
    classify,
    freshness_line,
    to_json,
)
from projections_assets.status.lake_status import (
    Slate,
    last_changes,
    newest_published,
    newest_report_ts,
    published_slots,
    read_slate,
)

CSV = "text/csv"


class BadParameter(ValueError):
    """A query parameter the service cannot use; the message names it."""


def _params(request: Request) -> tuple[str | None, str | None, int | None]:
    """(game_date or None, slot or None, draft_group or None) from the query, validated on the partition grid."""
    q = request.query_params
    raw_date = q.get("date")
    game_date = None
    if raw_date:
        try:
            game_date = parse_game_date(raw_date).isoformat()
        except InvalidPartitionKey as exc:
            raise BadParameter(f"parameter date: {exc}") from exc
    slot = None
    if q.get("slot"):
        try:
            slot = parse_slot(q["slot"]).strftime("%H:%M")
        except InvalidPartitionKey as exc:
            raise BadParameter(f"parameter slot: {exc}") from exc
    group = None
    if q.get("draft_group"):
        try:
            group = int(q["draft_group"])
        except ValueError:
            raise BadParameter(
                f"parameter draft_group must be an integer, got {q['draft_group']!r}"
            ) from None
    return game_date, slot, group


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _rows_json(rows: pd.DataFrame) -> list[dict[str, object]]:
    # pandas' own JSON writer turns NaN/NA into null and timestamps into ISO 8601.
    return json.loads(rows.to_json(orient="records", date_format="iso", date_unit="s"))


def create_app(
    lake: Lake,
    *,
    now: Callable[[], datetime],
    last_failed_run: Callable[[], FailedRun | None] = lambda: None,
    thresholds: HealthThresholds | None = None,
) -> Starlette:
    """The service over `lake`; `now` is the sources' clock (aware datetimes)."""
    limits = thresholds or HealthThresholds()

    def health() -> Health:
        at = now()
        return classify(at, newest_report_ts(lake, at), newest_published(lake, at), last_failed_run(), limits)

    async def api_health(request: Request) -> JSONResponse:
        return JSONResponse(to_json(health(), limits))

    async def api_slate(request: Request) -> Response:
        try:
            game_date, slot, group = _params(request)
        except BadParameter as exc:
            return _error(400, str(exc))
        if game_date is None:
            return _error(400, "parameter date is required (YYYY-MM-DD)")
        try:
            slate = read_slate(lake, game_date, slot)
        except ExportError as exc:
            return _error(404, str(exc))
        if CSV in request.headers.get("accept", ""):
            try:
                text = export(slate.table, "csv", group)
            except ValueError as exc:
                return _error(404, str(exc))
            return Response(text, media_type=CSV)
        rows = slate.table
        if group is not None:
            rows = rows[rows["draft_group_id"] == group]
            if rows.empty:
                groups = ", ".join(str(g) for g in sorted(slate.table["draft_group_id"].unique()))
                return _error(
                    404, f"draft group {group} is not in {slate.partition_key} (groups: {groups or 'none'})"
                )
        return JSONResponse(
            {
                "partition_key": slate.partition_key,
                "draft_group": group,
                "main_draft_group": slate.main_group,
                "row_count": len(rows),
                "rows": _rows_json(rows),
            }
        )

    async def page(request: Request) -> HTMLResponse:
        try:
            game_date, slot, group = _params(request)
        except BadParameter as exc:
            return _page_message(400, str(exc))
        state = health()
        if game_date is None:
            shown = state.published or (published_slots(lake) or [None])[-1]
            if shown is None:
                return _page_message(404, f"nothing has been published in the lake {lake.root} yet", state)
            game_date = shown.game_date
        try:
            slate = read_slate(lake, game_date, slot)
        except ExportError as exc:
            return _page_message(404, str(exc), state)
        chosen = group if group is not None else slate.main_group
        return HTMLResponse(_render(slate, chosen, last_changes(lake, slate.partition_key), state))

    return Starlette(
        routes=[
            Route("/", page),
            Route("/api/health", api_health),
            Route("/api/slate", api_slate),
        ]
    )


# (header, unified column or None for the change, numeric, format)
COLUMNS: tuple[tuple[str, str, bool, str], ...] = (
    ("Player", "name", False, ""),
    ("Team", "team", False, ""),
    ("Salary", "salary", True, "{:,.0f}"),
    ("Status", "status", False, ""),
    ("Minutes", "exp_minutes", True, "{:.1f}"),
    ("DK mean", "dk_mean", True, "{:.2f}"),
    ("DK p90", "dk_p90", True, "{:.2f}"),
    ("Own%", "ownership", True, "{:.1f}"),
    ("Value", "value", True, "{:.2f}"),
    ("Last change and why", "last_change", False, ""),
)

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem; color: #1d2330; }
h1 { font-size: 1.3rem; margin: 0 0 .3rem; }
p.meta { margin: .15rem 0; color: #4a5160; }
p.fresh { font-weight: 600; }
.status-ok { color: #17703a; } .status-stale { color: #9a6500; } .status-failing { color: #b3261e; }
table { border-collapse: collapse; margin-top: 1rem; font-size: .9rem; }
th, td { padding: .25rem .6rem; border-bottom: 1px solid #e3e6eb; text-align: left; }
th { cursor: pointer; background: #f3f5f8; user-select: none; white-space: nowrap; }
th[aria-sort=ascending]::after { content: " \\25B2"; } th[aria-sort=descending]::after { content: " \\25BC"; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.out td { color: #8a909c; }
"""

# Click a header to sort by it (numbers largest first, text A-Z); click again to reverse.
SCRIPT = """
document.querySelectorAll("th[data-col]").forEach(function (th) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0], i = th.cellIndex, num = th.dataset.num === "1";
    var dir = th.getAttribute("aria-sort") ? (th.getAttribute("aria-sort") === "ascending" ? -1 : 1) : (num ? -1 : 1);
    var key = function (tr) { var v = tr.cells[i].dataset.v; return num ? (v === "" ? -Infinity : parseFloat(v)) : v; };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) { var x = key(a), y = key(b); return x < y ? -dir : x > y ? dir : 0; });
    rows.forEach(function (tr) { body.appendChild(tr); });
    document.querySelectorAll("th[data-col]").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
  });
});
"""


def _cell(value: object, numeric: bool, fmt: str) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return f'<td class="{"num" if numeric else ""}" data-v=""></td>'
    if numeric:
        return f'<td class="num" data-v="{float(value)!r}">{escape(fmt.format(value))}</td>'
    text = escape(str(value))
    return f'<td data-v="{text.lower()}">{text}</td>'


def _header(state: Health | None) -> str:
    if state is None:
        return ""
    return f'<p id="freshness" class="meta fresh status-{state.status}">{escape(freshness_line(state))}</p>'


def _render(slate: Slate, group: int | None, changes: dict[int, str], state: Health) -> str:
    rows = slate.table[slate.table["draft_group_id"] == group].copy()
    rows["last_change"] = [changes.get(int(p), "") if pd.notna(p) else "" for p in rows["player_id"]]
    rows = rows.sort_values("dk_mean", ascending=False)
    as_of = pd.Timestamp(rows["as_of_ts"].iloc[0]).tz_convert(EASTERN) if len(rows) else None
    games = rows["game_id"].nunique()
    head = "".join(
        f'<th data-col="{col}" data-num="{int(num)}">{escape(title)}</th>' for title, col, num, _ in COLUMNS
    )
    body = "\n".join(
        f'<tr class="{"out" if r["status"] == "Out" else ""}">'
        + "".join(_cell(r[col], num, fmt) for _, col, num, fmt in COLUMNS)
        + "</tr>"
        for _, r in rows.iterrows()
    )
    as_of_text = f"{as_of:%Y-%m-%d %H:%M} ET" if as_of is not None else "-"
    title = f"Projections {slate.partition_key}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title><style>{STYLE}</style></head>
<body>
<h1>DraftKings projections, {escape(slate.game_date)} slot {escape(slate.slot)} ET</h1>
<p id="as-of" class="meta">Projections as of {as_of_text}; draft group {group} ({games} games, {len(rows)} players)</p>
{_header(state)}
<table id="projections"><thead><tr>{head}</tr></thead>
<tbody>
{body}
</tbody></table>
<script>{SCRIPT}</script>
</body></html>
"""


def _page_message(status: int, message: str, state: Health | None = None) -> HTMLResponse:
    return HTMLResponse(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Projections</title><style>{STYLE}</style></head>
<body><h1>DraftKings projections</h1>{_header(state)}<p id="message">{escape(message)}</p></body></html>
""",
        status_code=status,
    )
