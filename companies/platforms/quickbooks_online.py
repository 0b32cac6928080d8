from companies.platforms import Platform, SourceType, register

PLATFORM = register(
    Platform(
        key="quickbooksonline",
        name="QuickBooks Online",
        source_type=SourceType.ACCOUNTING,
        colour="#2CA01C",
    )
)
