"""NBA teams by every name a source gives them: full names, tricodes, DraftKings abbreviations, ids.

`TeamDirectory` resolves them to the NBA team and refuses to guess anything else (`UnknownTeam`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import pandas as pd

from projections_assets.core.names import fold, is_blank

#: DraftKings team abbreviations that differ from the NBA tricode (DraftKings' current exports use
#: the tricodes, e.g. NYK, NOP, UTA, WAS in the real 2023 and 2025 samples; older exports and some
#: DraftKings feeds use these). Nothing else about teams is hard-coded.
DK_TEAM_ALIASES: Mapping[str, str] = MappingProxyType(
    {"GS": "GSW", "NY": "NYK", "SA": "SAS", "NO": "NOP", "PHO": "PHX", "WSH": "WAS", "UTAH": "UTA"}
)


class UnknownTeam(LookupError):
    """A team name, tricode or abbreviation the directory does not know (never guessed)."""

    def __init__(self, value: object) -> None:
        super().__init__(f"unknown team {value!r}")
        self.value = value


@dataclass(frozen=True)
class Team:
    """An NBA team as the player index names it."""

    team_id: int
    tricode: str
    city: str
    name: str

    @property
    def full_name(self) -> str:
        """The injury report's name: city and name (`LA Clippers`, `Portland Trail Blazers`)."""
        return f"{self.city} {self.name}"


class TeamDirectory:
    """Resolves team ids, NBA tricodes, full names and DraftKings abbreviations to `Team`s.

    Keys are folded (case, spaces and punctuation ignored): `LA Clippers`, `la clippers` and
    `L.A. Clippers` are one key. Only the teams' own tricodes, `city name` and ids are keys, plus the
    explicit `aliases` (abbreviation -> NBA tricode); anything else raises `UnknownTeam`.
    """

    def __init__(self, teams: Iterable[Team], aliases: Mapping[str, str] = DK_TEAM_ALIASES) -> None:
        self.teams: tuple[Team, ...] = tuple(sorted(set(teams), key=lambda t: t.team_id))
        self._by_id: dict[int, Team] = {}
        self._keys: dict[str, Team] = {}
        for team in self.teams:
            if team.team_id in self._by_id:
                raise ValueError(
                    f"team id {team.team_id} named twice: {self._by_id[team.team_id]} and {team}"
                )
            self._by_id[team.team_id] = team
            self._add(team.tricode, team)
            self._add(team.full_name, team)
        by_tricode = {t.tricode: t for t in self.teams}
        for alias, tricode in aliases.items():
            if tricode in by_tricode:
                self._add(alias, by_tricode[tricode])

    def _add(self, key: str, team: Team) -> None:
        folded = fold(key)
        if not folded:
            raise ValueError(f"empty team key for {team}")
        seen = self._keys.setdefault(folded, team)
        if seen != team:
            raise ValueError(f"team key {key!r} names both {seen.tricode} and {team.tricode}")

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        team_id: str = "team_id",
        tricode: str = "team_tricode",
        city: str = "team_city",
        name: str = "team_name",
        aliases: Mapping[str, str] = DK_TEAM_ALIASES,
    ) -> TeamDirectory:
        """Teams from any frame with id/tricode/city/name columns; rows without a team (id 0) skipped."""
        cols = frame[[team_id, tricode, city, name]].dropna()
        cols = cols[cols[team_id].astype("int64") != 0].drop_duplicates()
        teams = [
            Team(int(i), str(t), str(c), str(n))
            for i, t, c, n in zip(cols[team_id], cols[tricode], cols[city], cols[name], strict=True)
        ]
        return cls(teams, aliases)

    @classmethod
    def from_player_index(
        cls, index: pd.DataFrame, aliases: Mapping[str, str] = DK_TEAM_ALIASES
    ) -> TeamDirectory:
        """The teams of a parsed player index (`parse_playerindex`)."""
        return cls.from_frame(index, aliases=aliases)

    def get(self, value: object) -> Team | None:
        """The team `value` names (team id, tricode, full name or alias), or None."""
        if is_blank(value):
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self._by_id.get(int(value)) if float(value).is_integer() else None
        if hasattr(value, "item"):  # numpy scalars
            return self.get(value.item())
        text = str(value)
        if text.strip().isdigit():
            return self._by_id.get(int(text))
        return self._keys.get(fold(text))

    def resolve(self, value: object) -> Team:
        """The team `value` names; `UnknownTeam` if none."""
        team = self.get(value)
        if team is None:
            raise UnknownTeam(value)
        return team

    def resolve_name(self, value: object) -> Team:
        """A team by any key, or by a full name that ends with exactly one team's nickname.

        Bookmakers spell the city their way (`Los Angeles Clippers` where the
        NBA prints `LA Clippers`); the 30 nicknames are unique, so the name's
        ending decides. Still `UnknownTeam` when no nickname (or two) fits.
        """
        team = self.get(value)
        if team is not None:
            return team
        text = fold(str(value))
        fits = [t for t in self.teams if text.endswith(fold(t.name))] if text else []
        if len(fits) != 1:
            raise UnknownTeam(value)
        return fits[0]

    def resolve_matchup(self, matchup: str) -> tuple[Team, Team]:
        """`AWY@HOM` (injury report, DKSalaries game info) or `AWY @ HOM` (draftables) -> (away, home)."""
        away, sep, home = matchup.partition("@")
        if not sep:
            raise UnknownTeam(matchup)
        return self.resolve(away.strip()), self.resolve(home.strip())

    def team_ids(self, values: pd.Series) -> pd.Series:
        """NBA team ids (Int64) of a column of team names/codes; unknown or missing values are NA."""
        ids = [None if (team := self.get(v)) is None else team.team_id for v in values]
        return pd.Series(pd.array(ids, dtype="Int64"), index=values.index, name="team_id")

    def unknown(self, values: Iterable[object]) -> list[str]:
        """The distinct present values no team answers to, sorted (for check metadata)."""
        out = {str(v) for v in values if not is_blank(v) and self.get(v) is None}
        return sorted(out)
