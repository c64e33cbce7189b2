"""Import benchmarks for the statutory returns (issue 26): `csc import ssda903` on a return of 10,000 episodes
and `csc import cin-census` on a 50 MB census, each in its own process, timed (wall clock, Python start
included) and with that process's peak resident memory. Targets: under 10 s and under 60 s, each within
1 GB. Prints figures, never asserts them.

The returns are written here, deterministically (valid codes, DD/MM/YYYY or ISO dates), so the benchmark needs
no generated council: what is measured is the importer reading, checking and writing the extract folder.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

SSDA903_EPISODES = 10_000
CIN_BYTES = 50 * 10**6
TARGETS = {"ssda903": (10.0, 1e9), "cin_census": (60.0, 1e9)}  # seconds, peak bytes
YEAR_END = dt.date(2026, 3, 31)


def write_ssda903(folder: Path, episodes: int = SSDA903_EPISODES) -> Path:
    """header.csv and episodes.csv: two episodes per child (a placement change on the same day: X1 then P)."""
    folder.mkdir(parents=True, exist_ok=True)
    april = dt.date(YEAR_END.year - 1, 4, 1)
    header = ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"]
    rows = ["CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN"]
    for n in range(episodes // 2):
        child = f"{7000000 + n}"
        born = dt.date(2008 + n % 15, 1 + n % 12, 1 + n % 28).strftime("%d/%m/%Y")
        start = april + dt.timedelta(days=n % 200)
        change = (start + dt.timedelta(days=30 + n % 90)).strftime("%d/%m/%Y")
        header.append(f"{child},{'MF'[n % 2]},{born},WBRI,,,")
        rows.append(f"{child},{start.strftime('%d/%m/%Y')},S,C2,N1,U1,PR1,{change},X1,CARPL,,,")
        rows.append(f"{child},{change},P,C2,N1,U3,PR1,,,,,,")
    (folder / "header.csv").write_text("\r\n".join(header) + "\r\n", encoding="utf-8")
    (folder / "episodes.csv").write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    return folder


_CIN_CHILD = """    <Child>
      <ChildIdentifiers>
        <LAchildID>{child}</LAchildID>
        <UPN>A{child}0001</UPN>
        <PersonBirthDate>{born}</PersonBirthDate>
        <Sex>{sex}</Sex>
      </ChildIdentifiers>
      <ChildCharacteristics>
        <Ethnicity>WBRI</Ethnicity>
        <Disabilities>
          <Disability>NONE</Disability>
        </Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>{referral}</CINreferralDate>
        <ReferralSource>1A</ReferralSource>
        <PrimaryNeedCode>N1</PrimaryNeedCode>
        <CINclosureDate>{closed}</CINclosureDate>
        <ReasonForClosure>RC1</ReasonForClosure>
        <ReferralNFA>false</ReferralNFA>
        <Assessments>
          <AssessmentActualStartDate>{referral}</AssessmentActualStartDate>
          <AssessmentInternalReviewDate>{assessed}</AssessmentInternalReviewDate>
          <AssessmentAuthorisationDate>{assessed}</AssessmentAuthorisationDate>
          <FactorsIdentifiedAtAssessment>
            <AssessmentFactors>2A</AssessmentFactors>
            <AssessmentFactors>3A</AssessmentFactors>
          </FactorsIdentifiedAtAssessment>
        </Assessments>
        <CINPlanDates>
          <CINPlanStartDate>{assessed}</CINPlanStartDate>
          <CINPlanEndDate>{closed}</CINPlanEndDate>
        </CINPlanDates>
        <Section47>
          <S47ActualStartDate>{referral}</S47ActualStartDate>
          <InitialCPCtarget>{assessed}</InitialCPCtarget>
          <ICPCnotRequired>true</ICPCnotRequired>
        </Section47>
      </CINdetails>
    </Child>
"""


def write_cin_census(path: Path, target_bytes: int = CIN_BYTES) -> Path:
    """A census of children with one referral, assessment and CIN plan each, until the file reaches the size."""
    april = dt.date(YEAR_END.year - 1, 4, 1)
    head = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Message>\n  <Header>\n    <CollectionDetails>\n'
        f"      <Collection>CIN</Collection>\n      <Year>{YEAR_END.year}</Year>\n"
        f"      <ReferenceDate>{YEAR_END.isoformat()}</ReferenceDate>\n    </CollectionDetails>\n"
        "    <Source>\n      <SourceLevel>L</SourceLevel>\n      <LEA>999</LEA>\n    </Source>\n  </Header>\n"
        "  <Children>\n"
    )
    written = 0
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        written += f.write(head)
        n = 0
        while written < target_bytes:
            referral = april + dt.timedelta(days=n % 300)
            written += f.write(_CIN_CHILD.format(
                child=f"C{8000000 + n}", born=dt.date(2008 + n % 15, 1 + n % 12, 1 + n % 28).isoformat(),
                sex="MF"[n % 2], referral=referral.isoformat(),
                assessed=(referral + dt.timedelta(days=20)).isoformat(),
                closed=(referral + dt.timedelta(days=60)).isoformat(),
            ))  # fmt: skip
            n += 1
        f.write("  </Children>\n</Message>\n")
    return path


# Linux carries a process's peak memory (ru_maxrss) across fork and exec, so an import started straight from this
# process would report this process's own peak instead (3.08 GB after the national preset's job ran in it). A small
# wrapper process starts the import and reports the import's own seconds and peak.
MEASURED_BY_WRAPPER = """
import os, subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss * 1024)  # kilobytes on Linux
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _timed_import(command: list[str]) -> tuple[float, int]:
    """Seconds and peak memory (bytes: the maximum resident set of the import process, from wait4)."""
    measured = subprocess.run([sys.executable, "-c", MEASURED_BY_WRAPPER, *command], capture_output=True, text=True)
    if measured.returncode != 0:
        raise RuntimeError(f"{' '.join(command[3:5])} failed: {measured.stderr[-500:]}")
    seconds, peak = measured.stdout.split()
    return float(seconds), int(peak)


def measure_imports(root: Path) -> list[dict]:
    """Write both returns under `root`, import each once, print and return the figures."""
    csc = [sys.executable, "-m", "dagster_project.cli", "import"]
    ssda903 = write_ssda903(root / "ssda903")
    census = write_cin_census(root / "cin_census.xml")
    runs = {
        "ssda903": (csc + ["ssda903", str(ssda903), "--out", str(root / "raw_903")], f"{SSDA903_EPISODES:,} episodes"),
        "cin_census": (
            csc + ["cin-census", str(census), "--out", str(root / "raw_cin")],
            f"{census.stat().st_size / 1e6:.1f} MB",
        ),
    }
    print("\n== statutory return imports (one process each)")
    print(f"  {'return':<12} {'size':>16} {'import':>9} {'target':>8} {'peak memory':>12} {'target':>8}")
    records = []
    for name, (command, size) in runs.items():
        seconds, peak = _timed_import(command)
        max_seconds, max_bytes = TARGETS[name]
        print(f"  {name:<12} {size:>16} {seconds:8.2f}s {max_seconds:7.0f}s {peak / 1e9:9.2f} GB "
              f"{max_bytes / 1e9:6.0f} GB")  # fmt: skip
        records.append({"stage": f"import {name}", "pipeline_s": seconds, "peak_mb": peak / 2**20})
    return records
