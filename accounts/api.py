from ninja import Router

router = Router(tags=["Payroll accounts"])
