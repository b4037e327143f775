"""The resident registry in Chromium: masked by default; a name made of markup shows as text after an
audited unmask; nothing runs, nothing leaves the machine."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from geodata.protect import ID_NUMBER_CONTEXT, NAME_CONTEXT, DataProtector, load_key, mask_name

pytestmark = pytest.mark.e2e

VIEWPORT = (1366, 1024)  # a landscape tablet: commanders use this page on one
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def hostile_resident(e2e_database) -> tuple[int, str]:
    """The first resident (in the e2e commander's township) renamed to markup; returns (id, ID number)."""
    protector = DataProtector(load_key(os.environ["COCKPIT_DATA_KEY"], e2e_database["data_dir"], create=False))
    with e2e_database["engine"].begin() as conn:
        rid, id_enc = conn.execute(text("SELECT id, id_number_enc FROM resident ORDER BY id LIMIT 1")).one()
        conn.execute(text("UPDATE resident SET name_enc = :enc, name_masked = :masked WHERE id = :id"),
                     {"enc": protector.encrypt(HOSTILE, context=NAME_CONTEXT), "masked": mask_name(HOSTILE),
                      "id": rid})
    return rid, protector.decrypt(bytes(id_enc), context=ID_NUMBER_CONTEXT)


def test_a_markup_name_renders_as_text_after_an_audited_unmask(signed_in, hostile_resident, e2e_database) -> None:
    rid, id_number = hostile_resident
    session = signed_in("/people", user="e2e-commander", viewport=VIEWPORT)
    dialogs: list[str] = []
    session.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page = session.page
    page.wait_for_selector("#people-table", timeout=30_000)  # the first village of the township, masked
    page.fill("#people-id-number", id_number)
    page.click("#people-search")
    page.wait_for_function("(tail) => { const rows = document.querySelectorAll('#people-table tbody tr');"
                           " return rows.length === 1 && rows[0].innerText.includes(tail); }", arg=id_number[-4:])
    row = page.inner_text("#people-table tbody tr")
    assert id_number not in row and id_number[-4:] in row  # masked in the list
    page.click("#people-table tbody button")
    page.wait_for_selector("#people-card-fields")
    page.fill("#people-reason", "核实")  # too short: refused, the card stays masked and says why
    page.click("#people-unmask")
    page.wait_for_selector(".people-card .error")
    assert HOSTILE not in page.inner_text("#people-card")
    page.fill("#people-reason", "入户走访核实身份")
    page.click("#people-unmask")
    page.wait_for_selector("#people-unmasked")
    card = page.inner_text("#people-card-fields")
    session.screenshot("people-unmasked-markup-name")
    assert HOSTILE in card and id_number in card
    assert page.locator("#people-card img").count() == 0 and dialogs == []
    with e2e_database["engine"].connect() as conn:
        reasons = conn.execute(text("SELECT detail->>'reason' FROM audit_log WHERE username = 'e2e-commander'"
                                    " AND action = 'unmask' AND object_id = :id"), {"id": str(rid)}).scalars().all()
    assert reasons == ["入户走访核实身份"]
    session.assert_clean()


def test_the_leader_has_no_resident_page(signed_in) -> None:
    session = signed_in("/people", viewport=VIEWPORT)
    session.page.wait_for_selector("#app-forbidden", timeout=30_000)
    assert session.page.locator("#people-table").count() == 0
    assert "居民查询" not in session.page.inner_text("#app-nav")
    session.assert_clean()
