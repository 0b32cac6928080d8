from companies.platforms import Platform, SourceType, register

PLATFORM = register(
    Platform(
        key="sage",
        name="Sage Business Cloud Accounting",
        source_type=SourceType.ACCOUNTING,
        colour="#00D639",
    )
)
