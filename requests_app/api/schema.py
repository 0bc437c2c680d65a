"""How drf-spectacular documents the API's own field types."""

from drf_spectacular import openapi
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import permissions
from rest_framework.permissions import SAFE_METHODS


class AutoSchema(openapi.AutoSchema):
    def get_auth(self):
        """Reads are public where the view's permissions let anyone read
        (DjangoModelPermissionsOrAnonReadOnly, AllowAny): say so in the schema, and only
        there (webhooks are read with a token)."""
        auths = [auth for auth in super().get_auth() if auth != {}]
        if self.method in SAFE_METHODS and self.anyone_reads():
            auths.append({})
        return auths

    def anyone_reads(self) -> bool:
        return all(
            isinstance(permission, permissions.AllowAny)
            or not getattr(permission, "authenticated_users_only", True)
            for permission in self.view.get_permissions()
        )


class TokenScheme(KnoxTokenScheme):
    """The API token (aidtracker/tokens.py: knox's, reading only the token sent), described
    as knox's."""

    target_class = "aidtracker.tokens.TokenAuthentication"


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


BLANK = {"type": "string", "maxLength": 0}


def nullable_references(result, generator, request, public):
    """A nullable nested object as OpenAPI 3.0.3 says it: one of the object or null.
    drf-spectacular writes `allOf: [$ref]` with `nullable: true`, which 3.0 validators read
    as "never null" (nullable counts only beside a `type`). And a field that may be blank
    or a URL is any of the two, not exactly one."""

    def fix(node):
        if isinstance(node, dict):
            if node.get("nullable") and "allOf" in node and "type" not in node:
                (reference,) = node.pop("allOf")
                del node["nullable"]
                node["oneOf"] = [reference, {"type": "object", "nullable": True, "enum": [None]}]
            # A blank-or-URL field: '' is both an empty string and, formats unchecked, a URL.
            if BLANK in node.get("oneOf", []):
                node["anyOf"] = node.pop("oneOf")
            for value in node.values():
                fix(value)
        elif isinstance(node, list):
            for value in node:
                fix(value)

    fix(result)
    return result


def csv_variants(result, generator, request, public):
    """A list that takes `format=csv` answers CSV too: say so, so that generated clients
    expect it."""
    for path in result["paths"].values():
        for operation in path.values():
            names = {parameter["name"] for parameter in operation.get("parameters", [])}
            answer = operation.get("responses", {}).get("200")
            if "format" in names and answer and "content" in answer:
                answer["content"]["text/csv"] = {
                    "schema": {"type": "string"},
                    "example": "id,title,status\r\n12,155 mm shell propellant,declined\r\n",
                }
    return result
