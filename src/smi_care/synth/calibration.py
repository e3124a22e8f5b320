"""The shapes and shares of the synthetic registry: :class:`Calibration` (the shares the
generator draws from, :data:`NATIONAL_2018` the national 2018 figures) and :class:`ProvinceShape`
(counties, townships, villages, years). Their sources: :mod:`smi_care.synth.province`.

>>> county_codes(ProvinceShape(patients_per_county=100), 250)
['360102', '360103', '360104']
"""

from __future__ import annotations

import math

import attrs


@attrs.frozen
class Calibration:
    """The shares the generator draws from (see the module docstring for their sources).

    ``disorders`` are weights of disorder codes 1–6; ``male_schizophrenia`` and ``male_other``
    the share of men; ``age_bands`` weights of (youngest, oldest) ages on 2025-12-31.
    Rates per year: ``death``, ``transfer_out`` (``transfer_inside`` of them to another area
    of the registry), ``withdrawn``, ``new`` registrations (``transfer_in`` of them arriving by
    transfer). Per patient: ``refusal``, ``lost``, ``never_visited``. Per scheduled visit:
    ``missed`` (an unreached attempt on time then a silence of 1–4 months), ``failed`` (an
    unreached attempt retried within two weeks), ``admission``; ``acts``, the share of unstable
    follow-ups recording dangerous behaviour. ``adherence`` weights codes
    1–4. ``wellness`` is the share of a patient's assessments that are stable, drawn per
    patient from the listed values. Yearly shares: ``health_check``, ``rehabilitation``,
    ``counselling`` (event), ``contract``. ``past_lockup`` weights codes 1–3; ``locked_now``
    the share of ever-locked patients recorded as locked at a visit.
    """

    disorders: tuple[float, ...] = (0.66, 0.03, 0.04, 0.11, 0.07, 0.09)
    male_schizophrenia: float = 0.56
    male_other: float = 0.50
    age_bands: tuple[tuple[int, int, float], ...] = ((18, 34, 0.15), (35, 59, 0.58), (60, 85, 0.27))
    death: float = 0.009
    transfer_out: float = 0.012
    transfer_inside: float = 0.5
    withdrawn: float = 0.002
    new: float = 0.05
    transfer_in: float = 0.2
    refusal: float = 0.025
    lost: float = 0.03
    never_visited: float = 0.01
    missed: float = 0.048
    failed: float = 0.04
    admission: float = 0.012
    acts: float = 0.02
    adherence: tuple[float, ...] = (0.45, 0.41, 0.09, 0.05)
    wellness: tuple[float, ...] = (0.6, 0.8, 0.9, 0.95, 0.97)
    health_check: float = 0.6
    rehabilitation: float = 0.55
    counselling: float = 0.3
    contract: float = 0.5
    past_lockup: tuple[float, ...] = (0.93, 0.03, 0.04)
    locked_now: float = 0.25
    #: Quality factor of each township (1 = average), cycled over the townships of a county.
    township_quality: tuple[float, ...] = (1.0, 0.7, 2.0, 1.1, 0.4, 0.9, 1.7, 1.0, 0.6, 1.3, 2.3, 0.8, 1.2, 0.5, 1.0)


#: The calibration to the national 2018 figures.
NATIONAL_2018 = Calibration()


@attrs.frozen
class ProvinceShape:
    """Where the patients live: a province of counties of ``patients_per_county`` patients,
    ``townships`` per county and ``villages_per_township``; three years ``first_year``–``last_year``.
    The first county's code is ``province + "0102"`` (``360102`` for the demo county)."""

    province: str = "36"
    patients_per_county: int = 3000
    townships: int = 15
    villages_per_township: int = 13
    first_year: int = 2023
    last_year: int = 2025
    prevalence: float = 0.0043


#: The default shape: counties of 3,000 patients, 15 townships of 13 villages, 2023-2025.
DEFAULT_SHAPE = ProvinceShape()


def county_codes(shape: ProvinceShape, patients: int) -> list[str]:
    """The county codes: ten counties to a city."""
    n = max(1, math.ceil(patients / shape.patients_per_county))
    return [f"{shape.province}{i // 10 + 1:02d}{i % 10 + 2:02d}" for i in range(n)]
