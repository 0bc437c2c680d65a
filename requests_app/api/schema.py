"""How drf-spectacular documents the API's own field types."""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework.permissions import SAFE_METHODS


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        """Reads are public (DjangoModelPermissionsOrAnonReadOnly): say so in the schema."""
        auths = super().get_auth()
        if self.method in SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths


class SummaryFieldExtension(OpenApiSerializerFieldExtension):
    """Reads show the small nested object; writes take its slug or id."""

    target_class = "requests_app.api.fields.SummaryField"

    def map_serializer_field(self, auto_schema, direction):
        if direction == "response":
            return auto_schema.resolve_serializer(self.target.summary, direction).ref
        return build_basic_type(
            OpenApiTypes.INT if self.target.lookup == "pk" else OpenApiTypes.STR
        )


GENERIC_DESCRIPTIONS = {
    "count": "How many records match, on all pages.",
    "next": "The next page's address, or null on the last page.",
    "previous": "The previous page's address, or null on the first page.",
    "results": "This page's records.",
    "id": "The record's id.",
}
PARAMETER_DESCRIPTIONS = {
    ("path", "id"): "The record's id.",
    ("path", "slug"): "The record's slug.",
    ("query", "format"): "`csv` for every matching record as CSV; JSON otherwise.",
    ("query", "source"): "An article's id: the requests it reports, or whose answers it reports.",
}


def describe_generic_fields(result, generator, request, public):
    """Describe what drf-spectacular leaves bare: page wrappers, ids, path parameters."""
    for component in result["components"]["schemas"].values():
        for name, prop in component.get("properties", {}).items():
            if name in GENERIC_DESCRIPTIONS:
                prop.setdefault("description", GENERIC_DESCRIPTIONS[name])
    for path in result["paths"].values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                key = (parameter["in"], parameter["name"])
                if key in PARAMETER_DESCRIPTIONS:
                    parameter.setdefault("description", PARAMETER_DESCRIPTIONS[key])
    return result
