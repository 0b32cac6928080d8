from companies.platforms import Platform, SourceType, register

PLATFORM = register(
    Platform(key="xero", name="Xero", source_type=SourceType.ACCOUNTING, colour="#13B5EA")
)
