"""sp4n's own Open311 server, mounted by the portal: a GeoReport v2 round trip over HTTP."""

from __future__ import annotations

import json
from urllib.parse import quote

KEY = "kunci-portal"  # the portal fixture's Open311 key


def test_services_are_the_topic_taxonomy(portal, fetch, desk):
    status, headers, text = fetch(portal.url + "/open311/v2/services.json")
    assert status == 200
    assert headers["Content-Type"].startswith("application/json")
    codes = {service["service_code"] for service in json.loads(text)}
    assert codes == set(desk.router.affairs.topics)


def test_post_then_get_a_request_and_see_it_on_the_tracking_page(portal, fetch, officer):
    form = {
        "api_key": KEY,
        "service_code": "drainage",
        "description": "Selokan tersumbat. Air meluap ke jalan setiap hujan.",
        "address_string": "Jl. Pasar Lama, Bengkayang",
        "first_name": "Wati",
        "email": "wati@example.org",
    }
    status, _, text = fetch(portal.url + "/open311/v2/requests.json", form)
    assert status == 201
    [receipt] = json.loads(text)
    ref = receipt["service_request_id"]
    assert receipt["service_notice"].startswith("Laporan diterima")
    assert officer.get(ref).region == "61.07"  # the portal's region is the default jurisdiction

    officer.verify(ref)
    officer.forward(ref)
    officer.follow_up(ref, "Selokan sudah dikeruk.")
    status, _, text = fetch(f"{portal.url}/open311/v2/requests/{quote(ref)}.json")
    assert status == 200
    [request] = json.loads(text)
    assert (request["status"], request["status_notes"]) == ("open", "Selokan sudah dikeruk.")
    assert "wati@example.org" not in text

    status, _, page = fetch(f"{portal.url}/lacak?id={quote(ref)}")  # the same complaint
    assert status == 200
    assert "Status: <b>Ditindaklanjuti</b>" in page
    assert "Selokan sudah dikeruk." in page


def test_a_form_complaint_is_listed_by_open311(submit, portal, fetch, officer):
    ref = submit(title="Sampah menumpuk", body="Di pasar lama.", topic="waste")
    status, _, text = fetch(f"{portal.url}/open311/v2/requests.json?service_code=waste")
    assert json.loads(text) == []  # not published before it is forwarded (decision 0151)
    officer.verify(ref)
    officer.forward(ref)
    status, _, text = fetch(f"{portal.url}/open311/v2/requests.json?service_code=waste")
    assert status == 200
    assert [item["service_request_id"] for item in json.loads(text)] == [ref]


def test_open311_errors_keep_the_specification_format(portal, fetch):
    form = {"service_code": "road", "description": "Jalan rusak."}
    status, _, text = fetch(portal.url + "/open311/v2/requests.json", form)  # no api_key
    assert status == 403
    assert json.loads(text)[0]["code"] == 403
    status, _, text = fetch(portal.url + "/open311/v2/requests.json?jurisdiction_id=35.73")
    assert status == 404
    assert "35.73" in json.loads(text)[0]["description"]
    status, _, text = fetch(portal.url + "/open311/v1/services.json")
    assert (status, json.loads(text)[0]["code"]) == (404, 404)
