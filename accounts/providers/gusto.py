from accounts.providers import Auth, PayrollProvider, register

PROVIDER = register(PayrollProvider(key="gusto", name="Gusto", auth=Auth.OAUTH2, colour="#F45D48"))
