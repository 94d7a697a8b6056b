def test_it_serves_the_login_page_in_chinese(client):
    resp = client.get("/accounts/login/")
    assert resp.status_code == 200
    assert "登录" in resp.content.decode()
