"""OpenAPI post-processing: document the error answers every operation can give.

Every scoped operation may answer 401/403 (not signed in / role may not), 404 (outside your scope),
400 on bad input and 409 when someone else changed the object first, each with a JSON body.
"""

ERROR_SCHEMA = {
    "type": "object",
    "description": "字段 → 错误信息列表；或 detail → 错误信息",
    "additionalProperties": True,
}
ERRORS = {
    "400": "输入有误（字段错误信息）",
    "401": "未登录",
    "403": "无权执行此操作",
    "404": "对象不存在或不在您的管辖范围内",
    "409": "对象已被他人处理（状态冲突）",
    "415": "不支持的请求格式",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code in ("409", "415") and method not in ("post", "put", "patch"):
                    continue
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
    return result


from django.conf import settings  # noqa: E402
from drf_spectacular.openapi import AutoSchema  # noqa: E402


class PortalAutoSchema(AutoSchema):
    """Component names carry their app: centers' and deliberation's `Attendance` (or three apps'
    `ReasonSerializer`) would otherwise share one schema component and describe each other wrongly."""

    def _get_serializer_name(self, serializer, direction, bypass_extensions=False):
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        app = type(serializer).__module__.split(".")[0]
        prefix = app.capitalize()
        if app in settings.DOMAIN_APPS and not name.startswith(prefix):
            return prefix + name
        return name
