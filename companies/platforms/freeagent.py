from companies.platforms import Platform, SourceType, register

PLATFORM = register(
    Platform(key="freeagent", name="FreeAgent", source_type=SourceType.ACCOUNTING, colour="#0B6EC5")
)
