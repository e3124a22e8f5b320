"""Risk level 0–5 from structured behaviour observations (危险性评估).

Source: 国家基本公共卫生服务规范（第三版）— 严重精神障碍患者管理服务规范 (BPHS2017), 危险性评估 0–5级 (wording),
as kept by 严重精神障碍管理治疗工作规范（2018年版） (WS2018).

The recorded level is the clinician's. :func:`risk_level` derives the level that structured
observations support, taking the highest level any observation reaches, so adding an
observation never lowers the level.

>>> risk_level([VerbalThreat(), Smashing(Setting.HOME, Target.PROPERTY, stopped_by_persuasion=True)])
2

The setting and target are enums: text from a form is converted explicitly, never guessed
(``Smashing("home", "people")`` is refused):

>>> Smashing(Setting.from_code("home"), Target.from_code("people"), stopped_by_persuasion=True)
Smashing(setting=<Setting.HOME: 'home'>, target=<Target.PEOPLE: 'people'>, persistent=False, stopped_by_persuasion=True)
>>> risk_level([SelfHarm()])
4
>>> risk_level([])
0
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from smi_care.domain.arguments import checked, typed
from smi_care.domain.codes import StrCodedEnum, titled
from smi_care.domain.errors import ArgumentTypeError


@titled("场合")
class Setting(StrCodedEnum):
    """Where the behaviour happened (§3)."""

    HOME = ("home", "限于家中")
    ANY = ("any", "家外或任何场合")  # outside the home, or in any setting


@titled("对象")
class Target(StrCodedEnum):
    """What the behaviour was aimed at (§3)."""

    PROPERTY = ("property", "财物")
    PEOPLE = ("people", "人")


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

    setting: Setting = attrs.field(validator=typed(Setting))
    target: Target = attrs.field(validator=typed(Target))
    persistent: bool = attrs.field(default=False, validator=typed(bool))
    stopped_by_persuasion: bool = attrs.field(default=False, validator=typed(bool))


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


@checked
def observation_level(obs: Observation) -> int:
    """The level one observation reaches (§3)."""
    if not isinstance(obs, VerbalThreat | Smashing | SelfHarm | ArmedViolence | ArsonExplosion):
        raise ArgumentTypeError("observation_level", "obs", obs, "an observation (VerbalThreat, Smashing, SelfHarm, "
                                "ArmedViolence or ArsonExplosion)")
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


@checked
def risk_level(observations: Iterable[Observation]) -> int:
    """The highest level any observation reaches; 0 when none (§3)."""
    return max((observation_level(o) for o in observations), default=0)
