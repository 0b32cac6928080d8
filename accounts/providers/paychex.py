from accounts.providers import Auth, PayrollProvider, register

PROVIDER = register(
    PayrollProvider(key="paychex", name="Paychex Flex", auth=Auth.CREDENTIALS, colour="#004B8D")
)
