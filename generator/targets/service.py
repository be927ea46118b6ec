"""The service shape every language's runtime templates implement (pool, server, clients, utilities, hooks).

Those templates are the V6R memory service itself and use its types by name; a target renders them only for
a schema that defines all of these, so the runtime exists in every language or in none.
"""

SERVICE_TYPES = (
    "AllocateRequest", "AllocationList", "ConfigureRequest", "ErrorMessage", "HealthStatus",
    "MemoryAllocation", "MemoryError", "MemoryErrorCode", "MemoryLimits", "MemoryPressure",
    "MemoryPressureAlert", "MemoryPurpose", "MemorySize", "MemoryStats", "MemoryUpdate",
    "MemoryUsageSnapshot", "PressureThreshold", "PurposeUsage", "ServerMessage", "ServiceStatus",
    "SessionConfiguration", "V6RMemoryConfig", "VmSize",
)  # fmt: skip
