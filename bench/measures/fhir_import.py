"""FHIR transaction import: Patients and Observations exported from one program imported into
another, one transaction Bundle per patient (as a hospital sends a record), through the
services the web forms use (each registration and result scored and audited).

The resources are the bulk export's own (a care team of CASELOAD patients, every Observation
of theirs). They are imported by a nurse of a new organisation, in a transaction rolled back
at the end, so the dataset stays as it was. Then:
- the rate: resources imported per second (target: at least 1,000);
- atomic per bundle: a last bundle whose final Observation is refused imports nothing at all;
- export → import → export: the importer's export of what was imported is the first export,
  but for what names things in one database (ids, the organisation, who recorded a result:
  the importer after an import; a patient's own report stays theirs).
"""

import json
import time
from typing import Any

from bench.harness import Result, child, dataset, log

PATIENTS = 10_000
DAYS = 180
CASELOAD = 50  # the smallest care team of the synthetic program
BASE = "https://other-program.example/fhir/R4"


def _exported(user: Any) -> dict[str, list[dict[str, Any]]]:
    """This user's Patients and Observations as the bulk export writes them (JSON and back)."""
    from django.core.serializers.json import DjangoJSONEncoder

    from osteorehab.fhir.exports import resources_of

    found = {}
    for name in ("Patient", "Observation"):
        _count, resources = resources_of(user, name, set())
        found[name] = [json.loads(json.dumps(r, cls=DjangoJSONEncoder)) for r in resources]
    return found


def _bundles(exported: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One transaction Bundle per patient: the Patient, then each of their Observations."""
    by_patient: dict[str, list[dict[str, Any]]] = {}
    for observation in exported["Observation"]:
        by_patient.setdefault(observation["subject"]["reference"], []).append(observation)
    bundles = []
    for patient in exported["Patient"]:
        resources = [patient, *by_patient.get(f"Patient/{patient['id']}", [])]
        bundles.append(
            {
                "resourceType": "Bundle",
                "type": "transaction",
                "entry": [
                    {
                        "fullUrl": f"{BASE}/{r['resourceType']}/{r['id']}",
                        "resource": r,
                        "request": {"method": "POST", "url": r["resourceType"]},
                    }
                    for r in resources
                ],
            }
        )
    return bundles


def comparable(exported: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The resources without what names them in one database: ids, the organisation, the
    patient (by record number instead), and the clinician who recorded a result."""
    numbers = {f"Patient/{p['id']}": p["identifier"][0]["value"] for p in exported["Patient"]}

    def who(reference: dict[str, Any]) -> str:
        return numbers.get(reference.get("reference", ""), "a clinician")

    found = []
    for resource in exported["Patient"] + exported["Observation"]:
        resource = {k: v for k, v in resource.items() if k not in ("id", "derivedFrom")}
        resource.pop("managingOrganization", None)
        if "subject" in resource:
            resource["subject"] = who(resource["subject"])
            resource["performer"] = [who(p) for p in resource.get("performer", [])]
        found.append(json.dumps(resource, sort_keys=True))
    return sorted(found)


def importing() -> dict[str, Any]:
    """In the child: export a care team's record, import it elsewhere bundle by bundle,
    refuse a bad bundle whole, export what was imported; all rolled back."""
    from django.db import transaction

    from osteorehab.accounts.domain import CLINICAL_ROLES, Role
    from osteorehab.accounts.models import CareTeam, CareTeamMember, Organisation, Site, User
    from osteorehab.accounts.synthetic import clinician_with_caseload
    from osteorehab.fhir.imports import bundle_import
    from osteorehab.patients.models import Patient

    source = clinician_with_caseload(Role.NURSE, CASELOAD)
    if source is None:
        raise RuntimeError(f"no nurse has a caseload of {CASELOAD} patients")
    with transaction.atomic():
        first = _exported(source)
        bundles = _bundles(first)
        organisation = Organisation.objects.create(name="Bench: another program")
        site = Site.objects.create(organisation=organisation, name="Bench site")
        team = CareTeam.objects.create(site=site, name="Bench team")
        staff = {
            role: User.objects.create(
                username=f"bench-import-{role.value}",
                role=role,
                organisation=organisation,
                full_name=f"Bench {role.value}",
            )
            for role in CLINICAL_ROLES
        }
        CareTeamMember.objects.bulk_create(
            [CareTeamMember(care_team=team, user=user) for user in staff.values()]
        )
        nurse = staff[Role.NURSE]
        resources = sum(len(b["entry"]) for b in bundles)
        started = time.perf_counter()
        for bundle in bundles:
            done = bundle_import(by=nurse, bundle=bundle)
            if done.response is None:
                raise RuntimeError(f"a bundle was refused: {done.issues[:3]}")
        seconds = time.perf_counter() - started
        second = _exported(nurse)
        # a bundle whose last Observation is refused: nothing of it is imported
        bad = json.loads(json.dumps(bundles[0]))
        bad["entry"][0]["resource"]["identifier"][0]["value"] += "-again"
        bad["entry"][-1]["resource"]["effectiveDateTime"] = "not a date"
        before = Patient.objects.filter(organisation=organisation).count()
        refused = bundle_import(by=nurse, bundle=bad)
        atomic = (
            refused.response is None
            and bool(refused.issues)
            and Patient.objects.filter(organisation=organisation).count() == before
        )
        transaction.set_rollback(True)
    return {
        "bundles": len(bundles),
        "resources": resources,
        "seconds": seconds,
        "identical": comparable(first) == comparable(second),
        "observations": [len(first["Observation"]), len(second["Observation"])],
        "atomic": atomic,
    }


def run() -> list[Result]:
    found = child("bench.measures.fhir_import:importing", dataset(PATIENTS, DAYS))
    rate = found["resources"] / found["seconds"]
    log(
        f"import {found['resources']:,} resources in {found['bundles']} bundles: "
        f"{found['seconds']:.1f} s ({rate:,.0f}/s); identical {found['identical']}, "
        f"atomic {found['atomic']}"
    )
    return [
        Result(
            "FHIR transaction import",
            rate,
            "resources/s",
            target="≥ 1,000 resources/s, atomic per bundle; export → import → export identical",
            passed=rate >= 1000 and found["atomic"] and found["identical"],
            note=(
                f"{found['resources']:,} Patients and Observations of a care team, one bundle "
                f"per patient ({found['bundles']}); a bundle with a bad last entry imported "
                f"nothing: {found['atomic']}; export → import → export identical: "
                f"{found['identical']} ({found['observations'][0]:,} → "
                f"{found['observations'][1]:,} Observations)"
            ),
        )
    ]
