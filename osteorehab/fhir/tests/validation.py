"""Checking what we produce against FHIR R4 (fhir.resources' R4B models), and its codes."""

from collections.abc import Iterator, Mapping
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

# Every LOINC code the instruments may put in a resource, as verified in clinical-reference 6
# (and 1.1 for the PHQ-9 items). A code not in here was made up: the tests fail on it.
VERIFIED_LOINC = {
    "44249-1", "44261-6", "44260-8",  # PHQ-9 panel, total, item 9 (6)
    "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3",  # 1.1
    "69737-5", "70274-6",  # GAD-7 (6)
    "48543-3", "48545-8",  # GDS short form (6)
    "97874-2", "97885-8",  # STEADI Stay Independent (6)
    "89422-0", "89423-8",  # TUG (6)
    "62825-5", "66253-6",  # SPPB components, balance total (6)
    "72514-3",  # pain NRS (6)
}  # fmt: skip
UCUM_UNITS = {"s", "m", "m/s", "kg", "cm", "a", "g/cm2", "%", "{score}", "{#}", "{SD}"}


def valid(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    """The resource, once fhir.resources' R4 model has read it without complaint."""
    get_fhir_model_class(resource["resourceType"]).model_validate(dict(resource))
    return resource


def codings(value: Any, system: str) -> Iterator[str]:
    """Every code of this system anywhere in a resource."""
    if isinstance(value, Mapping):
        if value.get("system") == system and "code" in value:
            yield value["code"]
        for inner in value.values():
            yield from codings(inner, system)
    elif isinstance(value, list):
        for inner in value:
            yield from codings(inner, system)
