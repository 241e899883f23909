"""Player and team identity: one NBA `player_id` for every way a source names a player.

The canonical `player_id` is the NBA person id (stats.nba.com `PERSON_ID`, box scores' and lineups'
`personId`). The other sources name players and teams their own way:

* the official injury report: `Last, First` with suffixes and particles (`Porter Jr., Michael`,
  `Williams III, Robert`), spelled with or without diacritics (`Doncic` vs the index's `Dončić`), and
  the full team name as printed (`LA Clippers`, `Los Angeles Lakers`);
* DraftKings draftables, `DKSalaries.csv` and contest standings: `First Last` as DraftKings spells it,
  DraftKings' own player ids (`playerDkId`, per-slate `draftableId`s) and team abbreviations (mostly
  the NBA tricodes; `DK_TEAM_ALIASES` lists the known exceptions).

Names fold to comparable keys in `core.names`; `core.teams.TeamDirectory` resolves team names,
tricodes, DraftKings abbreviations and ids to the NBA team. `PlayerDirectory` matches a frame's names to the
people it was built from (normally the parsed player index), within the row's team first, and
league-wide only when the name is unique there; ambiguity and absence leave the row unmatched with
a reason, never a guess. `link_draftables` ties DraftKings ids to NBA ids so later DraftKings rows
(salaries by draftable id, standings by name within the draft group) resolve through the links.
`unmatched` and `match_summary` list every row without a player for asset-check metadata: no row is
dropped, matched or not.

Pure domain code: pandas and the standard library, no I/O, no Dagster.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from projections_assets.core.names import (
    NameFormat,
    NameKey,
    clean_text,
    is_blank,
    name_key,
    name_key_from_parts,
    split_display_name,
)
from projections_assets.core.teams import Team, TeamDirectory

DkIdKind = Literal["player_dk_id", "draftable_id"]

# Match methods, in the order they are tried.
DK_ID = "dk_id"
EXACT = "exact"
NORMALIZED = "normalized"
NORMALIZED_NO_SUFFIX = "normalized_no_suffix"
UNIQUE_LAST_NAME_ON_TEAM = "unique_last_name_on_team"
LEAGUE_UNIQUE = "league_unique"
UNMATCHED = "unmatched"
NO_NAME = "no_name"
MATCH_METHODS: tuple[str, ...] = (
    DK_ID,
    EXACT,
    NORMALIZED,
    NORMALIZED_NO_SUFFIX,
    UNIQUE_LAST_NAME_ON_TEAM,
    LEAGUE_UNIQUE,
    UNMATCHED,
    NO_NAME,
)

#: Columns `PlayerDirectory.match` adds.
MATCH_COLUMNS: dict[str, str] = {"player_id": "Int64", "match_method": "str", "match_reason": "str"}

#: Columns of `unmatched`.
UNMATCHED_COLUMNS: dict[str, str] = {
    "source": "str",
    "row": "int64",
    "name": "str",
    "team": "str",
    "reason": "str",
}

#: Columns of `link_draftables`: one row per DraftKings player of a draftables frame.
LINK_COLUMNS: dict[str, str] = {
    "draft_group_id": "Int64",
    "draftable_id": "int64",
    "player_dk_id": "int64",
    "dk_player_id": "int64",
    "display_name": "str",
    "team_abbrev": "str",
    "team_id": "Int64",
    "player_id": "Int64",
    "match_method": "str",
    "match_reason": "str",
}


# -------------------------------------------------------------------------------------- players


@dataclass(frozen=True)
class _Person:
    player_id: int
    team_id: int | None
    display: str
    report: str
    key: NameKey

    def describe(self, teams: TeamDirectory) -> str:
        team = teams.get(self.team_id) if self.team_id is not None else None
        return f"{self.display} ({self.player_id}, {team.tricode if team else 'no team'})"


@dataclass
class _Outcome:
    player_id: int | None
    method: str
    reason: str = ""


@dataclass(frozen=True)
class _DkLink:
    player_id: int
    key: NameKey
    display: str


@dataclass
class _Buckets:
    exact: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    full: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    base: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    last: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def add(self, person: _Person) -> None:
        pid = person.player_id
        self.exact[person.display].add(pid)
        self.exact[person.report].add(pid)
        self.full[person.key.full].add(pid)
        self.base[person.key.base].add(pid)
        self.last[person.key.last].add(pid)


class PlayerDirectory:
    """Matches source names to NBA `player_id`s (see the module docstring).

    `people` has `player_id` and `team_id` (nullable) and either `first_name` and `last_name` (the
    player index) or `player_name` (`First Last`, e.g. commonteamroster). A player may appear once
    per team (e.g. an index plus a roster of his new team). `dk_links` are earlier `link_draftables`
    results whose matched rows tie DraftKings ids to NBA ids.
    """

    def __init__(
        self, people: pd.DataFrame, teams: TeamDirectory, dk_links: pd.DataFrame | None = None
    ) -> None:
        self.teams = teams
        self._people: dict[int, list[_Person]] = defaultdict(list)
        self._team: dict[int, _Buckets] = defaultdict(_Buckets)
        self._league = _Buckets()
        for person in _read_people(people):
            if any(p.team_id == person.team_id for p in self._people[person.player_id]):
                continue
            self._people[person.player_id].append(person)
            if person.team_id is not None:
                self._team[person.team_id].add(person)
            self._league.add(person)
        self._links: dict[str, dict[int, _DkLink]] = {"player_dk_id": {}, "draftable_id": {}}
        self.dk_links = _empty(LINK_COLUMNS)
        if dk_links is not None:
            self._add_links(dk_links)

    @classmethod
    def from_player_index(
        cls, index: pd.DataFrame, dk_links: pd.DataFrame | None = None, teams: TeamDirectory | None = None
    ) -> PlayerDirectory:
        """A directory of a parsed player index (its teams too, unless `teams` is given)."""
        return cls(index, teams or TeamDirectory.from_player_index(index), dk_links)

    def with_dk_links(self, links: pd.DataFrame) -> PlayerDirectory:
        """A copy that also knows `links` (`link_draftables` rows; unmatched rows are ignored)."""
        clone = copy.copy(self)  # the people are shared (never changed after construction)
        clone._links = {kind: dict(table) for kind, table in self._links.items()}
        clone._add_links(links)
        return clone

    def _add_links(self, links: pd.DataFrame) -> None:
        good = links[links["player_id"].notna()]
        for row in good.itertuples(index=False):
            link = _DkLink(
                int(row.player_id), name_key(str(row.display_name), "first_last"), row.display_name
            )
            for kind in ("player_dk_id", "draftable_id"):
                dk_id = int(getattr(row, kind))
                seen = self._links[kind].setdefault(dk_id, link)
                if seen.player_id != link.player_id:
                    raise ValueError(
                        f"DraftKings {kind} {dk_id} links to NBA players {seen.player_id} and {link.player_id}"
                    )
        self.dk_links = pd.concat([self.dk_links, good], ignore_index=True) if len(self.dk_links) else good

    def __len__(self) -> int:
        return len(self._people)

    def match(
        self,
        frame: pd.DataFrame,
        name_column: str,
        team_column: str | None = None,
        name_format: NameFormat = "auto",
        *,
        dk_id_column: str | None = None,
        dk_id_kind: DkIdKind = "player_dk_id",
        unique_within: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """`frame` plus `player_id` (Int64), `match_method` and `match_reason` (see `MATCH_METHODS`).

        Every row comes back, in order, matched or not. Per row, the first rule that finds anyone decides:

        1. `dk_id`: the id in `dk_id_column` is linked (among the links' `dk_id_kind` ids) and the
           linked DraftKings name agrees with the row's (a disagreeing link is skipped and noted);
        2. within the row's team (`team_column`, any form the `TeamDirectory` resolves): `exact`
           (the name as printed), `normalized`, `normalized_no_suffix`;
        3. `league_unique`: exactly one player league-wide has the name (normalized, then without
           suffix), e.g. one traded since the index was taken;
        4. `unique_last_name_on_team`: the team's only player with that last name, if his first
           initial and suffix agree (`Sarr, Alexandre` -> `Alex Sarr`).

        Without a team (no `team_column` or an empty cell) rule 2 runs league-wide instead and 3-4
        are skipped. Two or more candidates at a rule, a team no directory key names, and a name
        found nowhere leave the row `unmatched` with a reason; rows without a name are `no_name`.
        With `unique_within` (columns; [] for the whole frame) rows of one group resolving to the
        same player are all unmatched.
        """
        clash = [c for c in MATCH_COLUMNS if c in frame.columns]
        if clash:
            raise ValueError(f"frame already has {clash}; rename them before matching")
        names = frame[name_column]
        teams = frame[team_column] if team_column is not None else pd.Series(None, index=frame.index)
        dk_ids = frame[dk_id_column] if dk_id_column is not None else pd.Series(None, index=frame.index)
        outcomes = [
            self._match_one(name, team, dk_id, name_format, dk_id_kind)
            for name, team, dk_id in zip(names, teams, dk_ids, strict=True)
        ]
        if unique_within is not None:
            _exclusive(frame, outcomes, list(unique_within), names)
        out = frame.copy()
        out["player_id"] = pd.array([o.player_id for o in outcomes], dtype="Int64")
        out["match_method"] = pd.Series([o.method for o in outcomes], index=frame.index, dtype="str")
        out["match_reason"] = pd.Series([o.reason for o in outcomes], index=frame.index, dtype="str")
        return out

    def _match_one(
        self, name: object, team_value: object, dk_id: object, name_format: NameFormat, dk_id_kind: DkIdKind
    ) -> _Outcome:
        if is_blank(name):
            return _Outcome(None, NO_NAME, "no player name")
        text = clean_text(str(name))
        try:
            key = name_key(text, name_format)
        except ValueError as exc:
            return _Outcome(None, UNMATCHED, f"unreadable name: {exc}")
        note = ""
        if not is_blank(dk_id):
            link = self._links[dk_id_kind].get(int(dk_id))  # type: ignore[call-overload]
            if link is not None:
                if link.key.base == key.base and link.key.suffix_compatible(key):
                    return _Outcome(link.player_id, DK_ID)
                note = f"{dk_id_kind} {dk_id} links to {link.display!r}, a different name"
        team: Team | None = None
        outcome: _Outcome | None = None
        if not is_blank(team_value):
            team = self.teams.get(team_value)
            if team is None:
                outcome = _Outcome(None, UNMATCHED, f"unknown team {team_value!r}")
        if outcome is None:
            outcome = self._league_only(text, key) if team is None else self._on_team(text, key, team)
        outcome.reason = "; ".join(part for part in (outcome.reason, note) if part)
        return outcome

    def _pick(self, pids: set[int], step: str, where: str, text: str) -> _Outcome | None:
        if not pids:
            return None
        if len(pids) == 1:
            return _Outcome(next(iter(pids)), step)
        who = ", ".join(self._describe(p) for p in sorted(pids))
        return _Outcome(
            None, UNMATCHED, f"ambiguous: {len(pids)} players {where} match {text!r} ({step}): {who}"
        )

    def _no_suffix(self, buckets: _Buckets, key: NameKey) -> set[int]:
        return {
            pid
            for pid in buckets.base.get(key.base, set())
            if any(p.key.suffix_compatible(key) for p in self._people[pid])
        }

    def _by_name(self, buckets: _Buckets, text: str, key: NameKey, where: str) -> _Outcome | None:
        """Exact, then normalized, then normalized-without-suffix; the first step with candidates decides."""
        for step, pids in (
            (EXACT, buckets.exact.get(text, set())),
            (NORMALIZED, buckets.full.get(key.full, set())),
            (NORMALIZED_NO_SUFFIX, self._no_suffix(buckets, key)),
        ):
            picked = self._pick(pids, step, where, text)
            if picked is not None:
                return picked
        return None

    def _league_only(self, text: str, key: NameKey) -> _Outcome:
        found = self._by_name(self._league, text, key, "league-wide")
        return found or _Outcome(None, UNMATCHED, "name not in the index")

    def _on_team(self, text: str, key: NameKey, team: Team) -> _Outcome:
        buckets = self._team.get(team.team_id, _Buckets())
        found = self._by_name(buckets, text, key, f"on {team.tricode}")
        if found is not None:
            return found
        # Another team's player with exactly this name (traded since the index), before any
        # looser same-team guess: a traded Jalen Green must not become his new team's Josh Green.
        pids = self._league.full.get(key.full, set()) or self._no_suffix(self._league, key)
        found = self._pick(pids, LEAGUE_UNIQUE, "league-wide", text)
        if found is not None:
            if found.player_id is not None:
                found.reason = (
                    f"not on {team.tricode} in the index, which lists {self._describe(found.player_id)}"
                )
            return found
        hint = ""
        same_last = buckets.last.get(key.last, set()) if key.last else set()
        if len(same_last) == 1:
            (pid,) = same_last
            person = next(p for p in self._people[pid] if p.team_id == team.team_id)
            if person.key.initial == key.initial and person.key.suffix_compatible(key):
                return _Outcome(pid, UNIQUE_LAST_NAME_ON_TEAM, f"index name {person.display!r}")
            hint = f"; the only {team.tricode} player with that last name is {self._describe(pid)}"
        elif len(same_last) > 1:
            hint = f"; {len(same_last)} {team.tricode} players share the last name"
        return _Outcome(None, UNMATCHED, f"name not in the index (team {team.tricode}){hint}")

    def _describe(self, pid: int) -> str:
        people = self._people[pid]
        if len(people) == 1:
            return people[0].describe(self.teams)
        tricodes = "/".join(
            t.tricode for p in people if p.team_id is not None and (t := self.teams.get(p.team_id))
        )
        return f"{people[0].display} ({pid}, {tricodes})"


def _read_people(frame: pd.DataFrame) -> Iterable[_Person]:
    has_parts = {"first_name", "last_name"} <= set(frame.columns)
    if not has_parts and "player_name" not in frame.columns:
        raise ValueError("people need first_name and last_name, or player_name")
    team_ids = frame["team_id"] if "team_id" in frame.columns else pd.Series(None, index=frame.index)
    firsts = frame["first_name"] if has_parts else frame["player_name"]
    lasts = frame["last_name"] if has_parts else frame["player_name"]
    for pid, team_id, first_raw, last_raw in zip(frame["player_id"], team_ids, firsts, lasts, strict=True):
        team = None if is_blank(team_id) or int(team_id) == 0 else int(team_id)
        if has_parts:
            first = "" if is_blank(first_raw) else clean_text(str(first_raw))
            last = "" if is_blank(last_raw) else clean_text(str(last_raw))
            key = name_key_from_parts(first, last)
            display = clean_text(f"{first} {last}")
            report = f"{last}, {first}" if first and last else display
        else:
            display = clean_text(str(first_raw))
            first, last, suffix = split_display_name(display)
            key = name_key_from_parts(first, last, suffix)
            last_printed = clean_text(f"{last} {suffix}")
            report = f"{last_printed}, {first}" if last_printed else display
        yield _Person(int(pid), team, display, report, key)


def _exclusive(frame: pd.DataFrame, outcomes: list[_Outcome], by: list[str], names: pd.Series) -> None:
    """Unmatch rows of one group (of columns `by`) that resolve to the same player."""
    groups: dict[tuple[Any, ...], dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    keys = frame[by].itertuples(index=False, name=None) if by else ((),) * len(frame)
    for i, (group, outcome) in enumerate(zip(keys, outcomes, strict=True)):
        if outcome.player_id is not None:
            groups[tuple(group)][outcome.player_id].append(i)
    for per_player in groups.values():
        for pid, rows in per_player.items():
            if len(rows) < 2:
                continue
            printed = ", ".join(repr(str(names.iloc[i])) for i in rows)
            for i in rows:
                outcomes[i] = _Outcome(
                    None, UNMATCHED, f"{len(rows)} rows resolve to player {pid}: {printed}"
                )


# ----------------------------------------------------------------------------------- draftkings


def link_dk_players(draftables: pd.DataFrame, directory: PlayerDirectory) -> pd.DataFrame:
    """`link_draftables` over draftables of several draft groups: each DraftKings player linked once.

    A player is in every group his game belongs to (Main, All Day, ...); linking
    each group's rows separately would see him as his own duplicate. Returns one
    row per input row, in order, with `LINK_COLUMNS`.
    """
    if draftables.empty:
        return _empty(LINK_COLUMNS)
    people = draftables.drop_duplicates("player_id").drop(columns=["draft_group_id"], errors="ignore")
    links = link_draftables(people, directory).drop(columns=["draft_group_id", "draftable_id"])
    merged = draftables[["draft_group_id", "draftable_id", "player_id"]].rename(
        columns={"player_id": "dk_player_id"}
    )
    out = merged.merge(links, on="dk_player_id", how="left", validate="many_to_one")
    return out[list(LINK_COLUMNS)].astype(LINK_COLUMNS).reset_index(drop=True)


def link_draftables(draftables: pd.DataFrame, directory: PlayerDirectory) -> pd.DataFrame:
    """DraftKings players of one draft group's parsed draftables -> NBA `player_id`s (`LINK_COLUMNS`).

    Matched by `playerDkId` through the directory's earlier links, else by name within the team.
    DraftKings' own `player_id` (its `playerId`) is kept as `dk_player_id`. Rows that do not resolve
    stay with an NA `player_id`; two DraftKings players resolving to one NBA player are both
    unmatched. Feed the result to `PlayerDirectory.with_dk_links` for the slate's other sources.
    """
    frame = draftables.rename(columns={"player_id": "dk_player_id"})
    matched = directory.match(
        frame,
        "display_name",
        "team_abbrev",
        "first_last",
        dk_id_column="player_dk_id",
        dk_id_kind="player_dk_id",
        unique_within=[],
    )
    matched["team_id"] = directory.teams.team_ids(matched["team_abbrev"])
    if "draft_group_id" not in matched.columns:
        matched["draft_group_id"] = pd.NA
    out = matched[list(LINK_COLUMNS)].reset_index(drop=True)
    return out.astype(LINK_COLUMNS)


def match_dk_salaries(salaries: pd.DataFrame, directory: PlayerDirectory) -> pd.DataFrame:
    """A parsed `DKSalaries.csv` with `player_id`: by draftable id through the links, else name + team."""
    return directory.match(
        salaries,
        "name",
        "team_abbrev",
        "first_last",
        dk_id_column="dk_id",
        dk_id_kind="draftable_id",
        unique_within=[],
    )


def match_injury_report(rows: pd.DataFrame, directory: PlayerDirectory) -> pd.DataFrame:
    """Parsed injury report rows with `player_id` (`Last, First` within the printed team).

    NOT YET SUBMITTED rows carry no name and come out `no_name`. A player listed twice for one game
    date is unmatched (the report lists each player once per game).
    """
    return directory.match(rows, "player_name", "team", "last_first", unique_within=["game_date"])


def match_contest_players(
    standings: pd.DataFrame,
    links: pd.DataFrame,
    teams: TeamDirectory,
    name_column: str = "player_name",
    draft_group_id: int | None = None,
) -> pd.DataFrame:
    """Contest standings' player names (`First Last` as DraftKings prints them, no team) -> `player_id`.

    Matched against the DraftKings names of the draft group's linked draftables (`links`, optionally
    restricted to `draft_group_id`): each name must be unique in the group.
    """
    pool = links[links["player_id"].notna()]
    if draft_group_id is not None:
        pool = pool[pool["draft_group_id"] == draft_group_id]
    people = pd.DataFrame(
        {
            "player_id": pool["player_id"].astype("int64"),
            "team_id": pool["team_id"],
            "player_name": pool["display_name"],
        }
    )
    return PlayerDirectory(people, teams).match(standings, name_column, None, "first_last", unique_within=[])


# ------------------------------------------------------------------------------------ reporting


def _empty(columns: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


def unmatched(
    matched: pd.DataFrame, name_column: str, team_column: str | None = None, source: str = ""
) -> pd.DataFrame:
    """Every named row `match` left without a player (`UNMATCHED_COLUMNS`; `row` is its position)."""
    miss = (matched["match_method"] == UNMATCHED).to_numpy()
    positions = [i for i, flag in enumerate(miss) if flag]
    rows = matched.iloc[positions]
    teams = rows[team_column] if team_column is not None else pd.Series("", index=rows.index)
    return pd.DataFrame(
        {
            "source": pd.Series([source] * len(rows), dtype="str"),
            "row": pd.Series(positions, dtype="int64"),
            "name": pd.Series(rows[name_column].astype("str").to_list(), dtype="str"),
            "team": pd.Series(["" if is_blank(t) else str(t) for t in teams], dtype="str"),
            "reason": pd.Series(rows["match_reason"].to_list(), dtype="str"),
        }
    )


def match_summary(
    matched: pd.DataFrame,
    name_column: str,
    team_column: str | None = None,
    source: str = "",
    max_listed: int | None = None,
) -> dict[str, Any]:
    """JSON-ready counts and the unmatched rows of a `match` result, for asset-check metadata.

    `match_rate` is matched / named rows (1.0 when no row has a name); `unmatched_rows` lists every
    unmatched row unless `max_listed` caps it (`unmatched` still counts them all).
    """
    methods = matched["match_method"].value_counts()
    named = int(len(matched) - methods.get(NO_NAME, 0))
    n_unmatched = int(methods.get(UNMATCHED, 0))
    listed = unmatched(matched, name_column, team_column, source)
    if max_listed is not None:
        listed = listed.head(max_listed)
    return {
        "source": source,
        "rows": len(matched),
        "named": named,
        "matched": named - n_unmatched,
        "unmatched": n_unmatched,
        "no_name": int(methods.get(NO_NAME, 0)),
        "match_rate": 1.0 if named == 0 else round((named - n_unmatched) / named, 4),
        "methods": {m: int(methods[m]) for m in MATCH_METHODS if m in methods.index},
        "unmatched_rows": [
            {"row": int(r.row), "name": r.name, "team": r.team, "reason": r.reason}
            for r in listed.itertuples(index=False)
        ],
    }
