"""Who plays: each player-game's status path through the day, and its truth.

Availability is decided by a short chain of independent steps (G League
assignment, rest, a new knock, an ongoing injury's return, a late scratch),
each revealed at one of the team's update times:

    F  the team files its report (the day before; game-day morning on a back-to-back)
    A  early-afternoon update (shootaround)
    E  evening update (the "Questionable at noon, Out at 6:30 PM" moment)
    L  pregame (late scratches, the last game-time decisions)

Because the steps are independent and their probabilities are the
generator's own, the probability of being available given everything
revealed by time t is exact; that is what the oracle uses. A status is a
martingale: a Questionable player is available half the time, and the
listed statuses are calibrated to their stated meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .draws import Categorical

# Probability of being available implied by each listed status.
P_STATUS = {"Out": 0.0, "Doubtful": 0.12, "Questionable": 0.5, "Probable": 0.93, "Available": 1.0}
# Injury severity classes: per-game chance of returning, and how often each occurs.
INJURY_CLASSES = ("day_to_day", "short", "medium", "long", "season")
RETURN_HAZARD = np.array([0.5, 0.22, 0.08, 0.03, 0.0])
CLASS_SHARE = np.array([0.52, 0.29, 0.13, 0.05, 0.01])
# A new knock at filing: listed status distribution.
_KNOCK_STATUS = ("Out", "Doubtful", "Questionable", "Probable")
_KNOCK_SHARE = np.array([0.30, 0.10, 0.35, 0.25])
KNOCK_OUT_PROB = float(sum(s * (1 - P_STATUS[k]) for k, s in zip(_KNOCK_STATUS, _KNOCK_SHARE, strict=True)))
_KNOCK_DRAW = Categorical(_KNOCK_STATUS, _KNOCK_SHARE)
_CLASS_DRAW = Categorical(range(len(INJURY_CLASSES)), CLASS_SHARE)


def _filed_bracket(h: float) -> Categorical[str] | None:
    """An injured player's game-time status options (those at least as likely as his return chance h)."""
    options = [s for s in ("Doubtful", "Questionable", "Probable") if P_STATUS[s] >= h]
    if not options:
        return None
    weights = np.array([{"Doubtful": 0.2, "Questionable": 0.5, "Probable": 0.3}[s] for s in options])
    return Categorical(options, weights / weights.sum())


# Per injury class (its RETURN_HAZARD); None: no status brackets it, he is listed Available.
_FILED_BRACKETS = tuple(_filed_bracket(float(h)) for h in RETURN_HAZARD)

_BODY = (
    "Left Ankle",
    "Right Ankle",
    "Left Knee",
    "Right Knee",
    "Left Hamstring",
    "Right Hamstring",
    "Lower Back",
    "Left Calf",
    "Right Calf",
    "Left Foot",
    "Right Foot",
    "Right Hip",
    "Left Groin",
    "Right Shoulder",
    "Left Wrist",
    "Right Thumb",
    "Left Achilles Tendon",
    "Right Quadriceps",
    "Left Hand",
    "Right Elbow",
)
_NATURE_BY_CLASS = (
    ("Soreness", "Sprain", "Contusion", "Tightness", "Inflammation"),
    ("Sprain", "Strain", "Soreness", "Contusion", "Bone Bruise"),
    ("Strain", "Sprain", "Stress Reaction", "Injury Management"),
    ("Fracture", "Surgery", "Tear", "Stress Fracture"),
    ("Torn ACL", "Surgery", "Tear", "Repair"),
)


def injury_reason(body: str, nature: str) -> str:
    """The report's reason text: `Injury/Illness - Left Ankle; Sprain`."""
    return f"Injury/Illness - {body}; {nature}"


def draw_injury(rng: np.random.Generator, previous_body: str | None, recurrent: bool) -> tuple[int, str]:
    """A new injury's class and reason; recurrences tend to hit the same body part."""
    cls = _CLASS_DRAW.draw(rng)
    if previous_body is not None and recurrent and rng.random() < 0.6:
        body = previous_body
    elif rng.random() < 0.06:
        return cls, "Injury/Illness - N/A; Illness"
    else:
        body = _BODY[rng.integers(len(_BODY))]
    natures = _NATURE_BY_CLASS[cls]
    return cls, injury_reason(body, natures[rng.integers(len(natures))])


def body_of(reason: str) -> str | None:
    """The body part of an injury reason, if it names one."""
    if not reason.startswith("Injury/Illness - ") or "N/A" in reason:
        return None
    return reason[len("Injury/Illness - ") :].split(";")[0]


@dataclass
class TeamTimes:
    """A team's update times for one game, as int64 epoch seconds (UTC)."""

    initial: int
    filed: int
    afternoon: int
    evening: int
    pregame: int
    confirmed: int

    def by_key(self, key: str) -> int:
        return int(getattr(self, key))


@dataclass
class PlayerContext:
    """What shapes one player's availability chain for one game."""

    kind: str  # "healthy", "injured", "two_way", "traded"
    injury_class: int = -1
    injury_reason: str = ""
    q_assign: float = 0.0
    assign_reason: str = "G League - On Assignment"
    q_rest: float = 0.0
    q_personal: float = 0.0
    q_knock: float = 0.0
    q_late: float = 0.0


@dataclass
class PlayerDay:
    """The outcome of one player's chain: listings, knowledge path and truth."""

    available: bool
    listings: list[tuple[int, str, str]] = field(default_factory=list)  # (ts, status, reason)
    p_path: list[tuple[int, float]] = field(default_factory=list)  # (ts, P(available | known at ts))
    new_injury: tuple[int, str] | None = None  # class, reason if he ends the day injured
    healed: bool = False


class _Chain:
    """Bookkeeping of pending steps: P(available) is the product of their factors."""

    def __init__(self, initial_ts: int) -> None:
        self.factors: dict[str, float] = {}
        self.path: list[tuple[int, float]] = []
        self.initial_ts = initial_ts

    def pending(self, name: str, p_survive: float) -> None:
        self.factors[name] = p_survive

    def p(self) -> float:
        # Left to right in insertion order, as np.prod multiplies so few floats (bit-identical),
        # without np.prod's per-call overhead (this runs half a million times a league).
        p = 1.0
        for f in self.factors.values():
            p *= f
        return p

    def start(self) -> None:
        self.path.append((self.initial_ts, self.p()))

    def reveal(self, ts: int, name: str, factor: float) -> None:
        self.factors[name] = factor
        p = self.p()
        if self.path and self.path[-1][0] == ts:
            self.path[-1] = (ts, p)
        elif not self.path or self.path[-1][1] != p:
            self.path.append((ts, p))


def _resolution_time(rng: np.random.Generator, t: TeamTimes) -> int:
    u = rng.random()
    return t.afternoon if u < 0.35 else (t.evening if u < 0.8 else t.pregame)


def player_day(
    ctx: PlayerContext, t: TeamTimes, rng: np.random.Generator, recurrent: bool, previous_body: str | None
) -> PlayerDay:
    """Run one player's availability chain for one game."""
    chain = _Chain(t.initial)
    listings: list[tuple[int, str, str]] = []
    new_injury: tuple[int, str] | None = None
    healed = False
    if ctx.kind == "traded":
        chain.pending("trade", 0.0)
        chain.start()
        return PlayerDay(False, [(t.filed, "Out", "Trade Pending")], chain.path)

    if ctx.kind == "injured":
        h = float(RETURN_HAZARD[ctx.injury_class])
        chain.pending("injury", h)
        chain.start()
        # The filed status brackets the return chance: Out, or a game-time status.
        if h <= 0.0:
            hi = None
        else:
            bracket = _FILED_BRACKETS[ctx.injury_class]
            hi = bracket.draw(rng) if bracket is not None else "Available"
        filed = hi if hi is not None and rng.random() < h / P_STATUS[hi] else "Out"
        chain.reveal(t.filed, "injury", P_STATUS[filed])
        listings.append((t.filed, filed, ctx.injury_reason))
        if filed == "Out":
            return PlayerDay(False, listings, chain.path)
        if filed != "Available":
            tr = _resolution_time(rng, t)
            plays = rng.random() < P_STATUS[filed]
            chain.reveal(tr, "injury", 1.0 if plays else 0.0)
            listings.append((tr, "Available" if plays else "Out", ctx.injury_reason))
            if not plays:
                return PlayerDay(False, listings, chain.path)
        healed = True
        return PlayerDay(True, listings, chain.path, healed=healed)

    # Steps as (name, reveal time, chance of ruling him out), drawn in reveal order.
    steps: list[tuple[str, int, float]] = []
    if ctx.kind == "two_way":
        steps.append(("assign", t.filed, ctx.q_assign))
    else:
        if ctx.q_assign > 0:
            steps.append(("assign", t.filed, ctx.q_assign))
        if ctx.q_personal > 0:
            steps.append(("personal", t.filed, ctx.q_personal))
        if ctx.q_knock > 0:
            steps.append(("knock", t.filed, ctx.q_knock * KNOCK_OUT_PROB))
        if ctx.q_rest > 0:
            steps.append(("rest", t.filed if rng.random() < 0.5 else t.afternoon, ctx.q_rest))
        if ctx.q_late > 0:
            steps.append(("late", t.pregame, ctx.q_late))
    for name, _, q in steps:
        chain.pending(name, 1.0 - q)
    chain.start()
    steps.sort(key=lambda s: s[1])
    available = True
    for name, ts, q in steps:
        if not available:
            break
        if name == "knock":
            # A knock is listed with a status; game-time statuses resolve later in the day.
            if rng.random() >= ctx.q_knock:
                chain.reveal(ts, name, 1.0)
                continue
            status = _KNOCK_DRAW.draw(rng)
            cls, reason = draw_injury(rng, previous_body, recurrent)
            cls = 0 if status != "Out" and cls > 1 else cls
            chain.reveal(ts, name, P_STATUS[status])
            listings.append((ts, status, reason))
            if status == "Out":
                available, new_injury = False, (cls, reason)
                continue
            tr = _resolution_time(rng, t)
            plays = rng.random() < P_STATUS[status]
            chain.reveal(tr, name, 1.0 if plays else 0.0)
            listings.append((tr, "Available" if plays else "Out", reason))
            if not plays:
                available, new_injury = False, (0, reason)
            continue
        hit = rng.random() < q
        if name == "assign" and ctx.kind == "two_way":
            chain.reveal(ts, name, 0.0 if hit else 1.0)
            # Two-way players are always listed; "Questionable" here means eligible, not hurt.
            listings.append((ts, "Out" if hit else "Questionable", ctx.assign_reason))
            available = not hit
            continue
        chain.reveal(ts, name, 0.0 if hit else 1.0)
        if not hit:
            continue
        available = False
        if name == "assign":
            listings.append((ts, "Out", ctx.assign_reason))
        elif name == "personal":
            listings.append((ts, "Out", "Personal Reasons" if rng.random() < 0.6 else "Not With Team"))
        elif name == "rest":
            listings.append((ts, "Out", "Rest"))
        elif name == "late":
            cls, reason = draw_injury(rng, previous_body, recurrent)
            cls = min(cls, 1)
            listings.append((ts, "Out", reason))
            new_injury = (cls, reason)
    return PlayerDay(available, listings, chain.path, new_injury=new_injury, healed=healed)
