"""The service shape every language's runtime templates implement (pool, server, clients, utilities, hooks).

Those templates are the V6R memory service itself and use its types by name; a target renders them only for
a schema that defines all of these, so the runtime exists in every language or in none.
"""

from __future__ import annotations

from generator.ir.model import Schema

SERVICE_TYPES = (
    "AllocateRequest", "AllocationList", "ConfigureRequest", "ErrorMessage", "HealthStatus",
    "MemoryAllocation", "MemoryError", "MemoryErrorCode", "MemoryLimits", "MemoryPressure",
    "MemoryPressureAlert", "MemoryPurpose", "MemorySize", "MemoryStats", "MemoryUpdate",
    "MemoryUsageSnapshot", "PressureThreshold", "PurposeUsage", "ServerMessage", "ServiceStatus",
    "SessionConfiguration", "V6RMemoryConfig", "VmSize",
)  # fmt: skip


def cors_methods(schema: Schema) -> str:
    """The methods of the schema's endpoints, sorted and comma-separated (`GET, POST`): what a browser's CORS
    preflight is answered with, by every server alike."""
    assert schema.http is not None
    return ", ".join(sorted({e.method.value for e in schema.http.endpoints}))
