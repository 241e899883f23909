"""Alerts: what went wrong, for whom, as a webhook body (generic JSON, or Slack-compatible).

The old system's failure unit did not exist, so nobody heard of a failed night. An alert names the
partition, the step, the error and a link to the run in the UI; `body` turns it into the JSON a
webhook receives. Pure Python, no Dagster.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

Kind = Literal["run_failure", "check_failed", "freshness", "drift"]
Format = Literal["generic", "slack"]
FORMATS: tuple[Format, ...] = ("generic", "slack")
# A Slack section holds at most 3,000 characters; an error is cut well before that.
MAX_ERROR_CHARS = 1500


@dataclass(frozen=True)
class Alert:
    """One thing someone should look at."""

    kind: Kind
    title: str
    partition: str | None = None
    step: str | None = None
    error: str | None = None
    run_id: str | None = None
    run_url: str | None = None
    details: dict[str, object] = field(default_factory=dict)

    def summary(self) -> str:
        """One line: the title, where, and the start of the error."""
        where = " ".join(
            p
            for p in (self.partition and f"partition {self.partition}", self.step and f"step {self.step}")
            if p
        )
        error = (self.error or "").strip().splitlines()
        return " | ".join(x for x in (self.title, where, error[0] if error else "") if x)


def _short(text: str | None) -> str:
    text = (text or "").strip()
    return text if len(text) <= MAX_ERROR_CHARS else text[:MAX_ERROR_CHARS] + " ..."


def body(alert: Alert, fmt: Format) -> dict[str, object]:
    """The webhook's JSON body: every field (`generic`), or Slack's `text` and `blocks` (`slack`)."""
    if fmt == "generic":
        return {"source": "projections", **asdict(alert), "error": _short(alert.error)}
    if fmt != "slack":
        raise ValueError(f"unknown alert format {fmt!r}: one of {', '.join(FORMATS)}")
    facts = [
        f"*{name}:* {value}"
        for name, value in (("Partition", alert.partition), ("Step", alert.step), ("Run", alert.run_id))
        if value
    ]
    blocks: list[dict[str, object]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f":rotating_light: *{alert.title}*"}}
    ]
    if facts:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(facts)}})
    if alert.error:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"```{_short(alert.error)}```"}})
    if alert.run_url:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": f"<{alert.run_url}|Open the run>"}}
        )
    return {"text": alert.summary(), "blocks": blocks}


@dataclass(frozen=True)
class Finding:
    """A condition a watchdog found, as an alert; `key` names the condition, so that one which persists
    across ticks is the same episode (`key` is not the alert's text, whose figures change every tick)."""

    key: str
    alert: Alert


@dataclass(frozen=True)
class Episodes:
    """What a watchdog's tick does with its findings, given the conditions already alerted on."""

    new: list[Finding]
    ongoing: list[str]
    recovered: list[str]


def episodes(alerted: Iterable[str], findings: Iterable[Finding]) -> Episodes:
    """A finding posts once per episode: when its condition starts (its key was not alerted on), not
    while it persists; a condition absent from `findings` has recovered, so its next start posts again."""
    before = set(alerted)
    found = {f.key: f for f in findings}
    return Episodes(
        new=[f for k, f in found.items() if k not in before],
        ongoing=sorted(k for k in found if k in before),
        recovered=sorted(before - set(found)),
    )
