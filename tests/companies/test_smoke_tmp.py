def test_list(manager_client, company):
    r = manager_client.get("/companies/")
    assert r.status_code == 200
    assert b"Platypus Properties" in r.content
    r = manager_client.get(f"/companies/{company.id}/")
    assert r.status_code == 200
