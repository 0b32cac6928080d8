from accounts.providers import Auth, PayrollProvider, register

# "quickbooks" is the key in Teal's POST /accounts example.
PROVIDER = register(
    PayrollProvider(
        key="quickbooks", name="QuickBooks Payroll", auth=Auth.CREDENTIALS, colour="#2CA01C"
    )
)
