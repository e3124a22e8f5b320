"""Risk level 0–5 from structured behaviour observations (危险性评估).

Source: 国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017), 危险性评估 0–5级 (wording),
as kept by 严重精神障碍管理治疗工作规范（2018年版） (WS2018).

The recorded level is the clinician's. :func:`risk_level` derives the level that structured
observations support, taking the highest level any observation reaches, so adding an
observation never lowers the level.

>>> risk_level([VerbalThreat(), Smashing(Setting.HOME, Target.PROPERTY, stopped_by_persuasion=True)])
2
>>> risk_level([SelfHarm()])
4
>>> risk_level([])
0
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

import attrs


class Setting(Enum):
    HOME = "home"
    ANY = "any"  # outside the home, or in any setting


class Target(Enum):
    PROPERTY = "property"
    PEOPLE = "people"


@attrs.frozen
class VerbalThreat:
    """口头威胁，喊叫 without smashing: level 1."""


@attrs.frozen
class Smashing:
    """打砸行为. Level 2 when confined to the home, aimed at property and stopped by
    persuasion; level 3 when not stopped, or outside the home, or persistent; level 4 when
    aimed at people, or persistent and not stopped by persuasion (§3 rows 2–4).

    The §3 table leaves two combinations open; we take the higher reading the text supports:
    smashing outside the home that persuasion stopped is level 3 (it is not "confined to the
    home"), and smashing aimed at people is level 4 whether or not persuasion stopped it.
    """

    setting: Setting
    target: Target
    persistent: bool = False
    stopped_by_persuasion: bool = False


@attrs.frozen
class SelfHarm:
    """自伤、自杀: level 4 (§3 row 4)."""


@attrs.frozen
class ArmedViolence:
    """持械针对人的任何暴力行为 (BPHS2011: with a controlled dangerous weapon): level 5."""


@attrs.frozen
class ArsonExplosion:
    """纵火、爆炸等行为, at home or in public: level 5."""


Observation = VerbalThreat | Smashing | SelfHarm | ArmedViolence | ArsonExplosion


def observation_level(obs: Observation) -> int:
    """The level one observation reaches (§3)."""
    if isinstance(obs, ArmedViolence | ArsonExplosion):
        return 5
    if isinstance(obs, SelfHarm):
        return 4
    if isinstance(obs, VerbalThreat):
        return 1
    if obs.target is Target.PEOPLE or (obs.persistent and not obs.stopped_by_persuasion):
        return 4
    if obs.persistent or not obs.stopped_by_persuasion or obs.setting is Setting.ANY:
        return 3
    return 2


def risk_level(observations: Iterable[Observation]) -> int:
    """The highest level any observation reaches; 0 when none (§3)."""
    return max((observation_level(o) for o in observations), default=0)
