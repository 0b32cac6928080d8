from accounts.providers import Auth, PayrollProvider, register

PROVIDER = register(
    PayrollProvider(key="adp", name="ADP Workforce Now", auth=Auth.CREDENTIALS, colour="#D0271D")
)
