"""Size presets. `--scale F` MULTIPLIES the chosen preset (every count and stock is scaled by F; rates,
durations and proportions are not), so `--preset council --scale 2.5` is a mid-sized county."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Preset:
    name: str
    referrals_per_year: float
    contacts_per_referral: float  # all contacts, the referral's own contact included
    cp_stock: float  # children on a CP plan at a time
    cla_stock: float  # children looked after at a time
    cin_plan_stock: float  # children on a CIN plan at a time (not counting CP / CLA)
    case_holders_start: float  # case-holding social workers at history start
    case_holders_growth: float  # headcount added over the first 3 years of history
    teams_per_area: dict  # service_area -> number of teams
    # children aged 0-17 living in the council (the rates per 10,000 children, when no CSC_LA_CODE names a real
    # council's ONS estimate): sized so the looked-after and CP stocks give England's rates (about 64 and 43)
    child_population: float = 45_000

    def scaled(self, factor: float) -> Preset:
        if factor <= 0:
            raise ValueError("--scale must be > 0")
        return replace(
            self,
            name=f"{self.name}x{factor:g}" if factor != 1 else self.name,
            referrals_per_year=self.referrals_per_year * factor,
            cp_stock=self.cp_stock * factor,
            cla_stock=self.cla_stock * factor,
            cin_plan_stock=self.cin_plan_stock * factor,
            case_holders_start=self.case_holders_start * factor,
            case_holders_growth=self.case_holders_growth * factor,
            teams_per_area={k: max(1, round(v * factor)) for k, v in self.teams_per_area.items()},
            child_population=self.child_population * factor,
        )


_COUNCIL_TEAMS = {
    "MASH": 1,
    "ASSESSMENT": 2,
    "CIN": 2,
    "CP_COURT": 1,
    "LAC": 2,
    "DISABLED_CHILDREN": 1,
    "LEAVING_CARE": 1,
}

COUNCIL = Preset(
    name="council",
    referrals_per_year=1500,
    contacts_per_referral=3.5,
    cp_stock=175,
    cla_stock=300,
    cin_plan_stock=400,
    case_holders_start=42,
    case_holders_growth=22,
    teams_per_area=_COUNCIL_TEAMS,
)

# England: ~650k referrals/yr; ~400k children in need (DfE definition: includes CP and CLA, so the
# CIN-plan stock is what remains after CP, CLA and children still being assessed), ~52k CP, ~78k CLA,
# ~30k FTE social workers (case-holding headcount ~33k at ~0.9 FTE).
NATIONAL = Preset(
    name="national",
    referrals_per_year=650_000,
    contacts_per_referral=3.5,
    cp_stock=52_000,
    cla_stock=78_000,
    cin_plan_stock=180_000,
    case_holders_start=25_000,
    case_holders_growth=8_000,
    teams_per_area={k: v * 150 for k, v in _COUNCIL_TEAMS.items()},
    child_population=12_183_016,  # ONS mid-2024, England, ages 0-17
)

PRESETS = {
    "council": COUNCIL,
    "large": replace(COUNCIL.scaled(10), name="large"),
    "national": NATIONAL,
}


def resolve(preset: str, scale: float = 1.0) -> Preset:
    base = PRESETS[preset]
    return base if scale == 1 else base.scaled(scale)
