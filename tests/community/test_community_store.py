"""The community store on SQLite and PostgreSQL: accounts, consent, entries, isolation between
members, bad input, export, hard deletion, backup and restore."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from mmdecide.community import accounts as accounts_mod
from mmdecide.community import entries as entries_mod
from mmdecide.community.consent import CONSENT_VERSION
from mmdecide.community.db import Database, backup, restore
from mmdecide.community.errors import CommunityInputError, NotAllowed, NotFound
from mmdecide.community.models import Base, LabValue, Member, SessionRow

PW = "correct horse battery"


def member(c, handle="ana", consent=True) -> int:
    mid = c.accounts.sign_up(handle, PW)
    if consent:
        c.accounts.give_consent(mid, CONSENT_VERSION)
    return mid


def rows(c, model) -> int:
    with c.db.transaction() as s:
        return s.scalar(select(func.count()).select_from(model))


PERIOD = {"regimen": "lenalidomide", "dose_mg": "10", "schedule": "days-1-21-of-28",
          "start": "2023-01-15", "stop": ""}


def test_sign_up_and_log_in(community):
    mid = member(community)
    token, login = community.accounts.log_in("ana", PW)
    assert login.member_id == mid and login.consented and login.role == "member"
    assert community.accounts.session(token).member_id == mid
    assert community.accounts.session("not-a-token") is None
    with community.db.transaction() as s:  # only a hash of the token is stored
        assert s.scalar(select(SessionRow.token_hash)) != token
        assert s.scalar(select(Member.password_hash)).startswith("$argon2id$")
    community.accounts.log_out(token)
    assert community.accounts.session(token) is None


def test_wrong_handle_and_wrong_password_get_the_same_message(community):
    member(community)
    with pytest.raises(NotAllowed) as a:
        community.accounts.log_in("ana", "wrong password!")
    with pytest.raises(NotAllowed) as b:
        community.accounts.log_in("nobody", PW)
    assert str(a.value) == str(b.value)


def test_handle_taken_and_bad_handles(community):
    member(community)
    with pytest.raises(CommunityInputError, match="handle: this nickname is taken"):
        community.accounts.sign_up("ana", PW)
    for i, bad in enumerate(("", "ab", "has space", "<script>", "x" * 40)):
        with pytest.raises(CommunityInputError, match="^handle: "):
            community.accounts.sign_up(bad, PW, who=f"client-{i}")
    with pytest.raises(CommunityInputError, match="^password: must be 10 to 200"):
        community.accounts.sign_up("bea", "short", who="client-x")
    assert rows(community, Member) == 1


def test_login_rate_limit_is_stored_in_the_database(community, db_url, make_community):
    member(community)
    limit = community.config.login_attempts
    for _ in range(limit):
        with pytest.raises(NotAllowed, match="do not match"):
            community.accounts.log_in("ana", "wrong password!", who="client-1")
    # a second app on the same database (another worker) sees the same counter
    other = make_community(db_url)
    with pytest.raises(NotAllowed, match="too many attempts"):
        other.accounts.log_in("ana", PW, who="client-1")
    # another client is not blocked
    assert community.accounts.log_in("ana", PW, who="client-2")[1].handle == "ana"


def test_change_password_ends_sessions(community):
    mid = member(community)
    token, _ = community.accounts.log_in("ana", PW)
    with pytest.raises(NotAllowed):
        community.accounts.change_password(mid, "wrong password!", "a new password 1")
    community.accounts.change_password(mid, PW, "a new password 1")
    assert community.accounts.session(token) is None
    with pytest.raises(NotAllowed):
        community.accounts.log_in("ana", PW)
    assert community.accounts.log_in("ana", "a new password 1")[1].member_id == mid


def test_nothing_is_stored_before_consent_and_a_new_version_asks_again(community, monkeypatch):
    mid = member(community, consent=False)
    with pytest.raises(NotAllowed, match="^consent: "):
        community.entries.add(mid, "period", PERIOD)
    with pytest.raises(NotAllowed, match="^consent: "):
        community.entries.set_about(mid, "60-69", "high", "2022-11")
    community.accounts.give_consent(mid, CONSENT_VERSION)
    community.entries.add(mid, "period", PERIOD)
    # the consent text changes: the member is asked again before anything more is stored
    for mod in (accounts_mod, entries_mod):
        monkeypatch.setattr(mod, "CONSENT_VERSION", "next")
    _, login = community.accounts.log_in("ana", PW)
    assert not login.consented
    with pytest.raises(NotAllowed, match="^consent: "):
        community.entries.add(mid, "period", PERIOD)


def test_record_edit_delete_and_timeline(community):
    mid = member(community)
    e = community.entries
    pid = e.add(mid, "period", PERIOD)
    e.add(mid, "dose-change", {"period_id": pid, "day": "2023-05-01", "new_dose_mg": "5",
                               "reason": "low-blood-counts"})
    e.add(mid, "side-effect", {"term": "Diarrhea", "grade": "2", "day": "2023-03-01"})
    e.add(mid, "second-cancer", {"kind": "skin-non-melanoma", "day": "2024-02-01"})
    lab = e.add(mid, "lab", {"kind": "hemoglobin", "value": "96", "unit": "g/L", "day": "2023-02-01"})
    e.add(mid, "lab", {"kind": "hemoglobin", "value": "6.4", "unit": "g/dL", "day": "2023-01-01"})
    t = e.timeline(mid)
    assert [x["value"] for x in t["lab"]] == [6.4, pytest.approx(9.6)]  # date order, g/L -> g/dL
    assert t["lab"][1]["entered_unit"] == "g/L" and t["lab"][1]["entered_value"] == 96
    assert t["period"][0]["dose_mg"] == 10 and t["period"][0]["stop"] is None
    e.edit(mid, "lab", lab, {"kind": "hemoglobin", "value": "10.1", "unit": "g/dL", "day": "2023-02-01"})
    assert e.timeline(mid)["lab"][1]["value"] == 10.1
    e.edit(mid, "period", pid, {**PERIOD, "stop": "2024-01-31"})
    with pytest.raises(CommunityInputError, match="dose change of this treatment falls outside"):
        e.edit(mid, "period", pid, {**PERIOD, "stop": "2023-04-01"})
    assert e.timeline(mid)["period"][0]["stop"] == "2024-01-31"  # the refused edit left no trace
    e.delete(mid, "period", pid)  # its dose changes go with it
    t = e.timeline(mid)
    assert t["period"] == [] and t["dose-change"] == [] and len(t["side-effect"]) == 1


def test_another_members_ids_are_not_found(community):
    ana, bea = member(community, "ana"), member(community, "bea")
    lab = community.entries.add(ana, "lab", {"kind": "platelets", "value": "150", "unit": "x10^9/L",
                                             "day": "2024-01-01"})
    pid = community.entries.add(ana, "period", PERIOD)
    e = community.entries
    for call in (lambda: e.delete(bea, "lab", lab),
                 lambda: e.edit(bea, "lab", lab, {"kind": "platelets", "value": "1", "unit": "x10^9/L",
                                                  "day": "2024-01-01"}),
                 lambda: e.add(bea, "dose-change", {"period_id": pid, "day": "2023-05-01",
                                                    "new_dose_mg": "5", "reason": "other"}),
                 lambda: e.delete(bea, "lab", 999999), lambda: e.delete(bea, "lab", "abc"),
                 lambda: e.delete(bea, "nope", lab)):
        with pytest.raises(NotFound):
            call()
    assert e.timeline(bea)["lab"] == []
    assert e.timeline(ana)["lab"][0]["value"] == 150


@pytest.mark.parametrize("fields, message", [
    ({"kind": "hemoglobin", "value": "96", "unit": "g/dL"}, r"value: Hemoglobin 96 g/dL is outside 1 to 25 g/dL"),
    ({"kind": "hemoglobin", "value": "9", "unit": "mg/L"}, r"unit: Hemoglobin is entered in g/dL or g/L"),
    ({"kind": "platelets", "value": "-3", "unit": "x10^9/L"}, r"value: Platelets -3"),
    ({"kind": "platelets", "value": "nan", "unit": "x10^9/L"}, r"value: must be a finite number"),
    ({"kind": "platelets", "value": "lots", "unit": "x10^9/L"}, r"value: must be a number"),
    ({"kind": "sodium", "value": "140", "unit": "mmol/L"}, r"lab kind: must be one of"),
    ({"kind": "platelets", "value": "150", "unit": "x10^9/L", "day": "31/01/2024"}, r"date of the test: must be a date written as YYYY-MM-DD"),
    ({"kind": "platelets", "value": "150", "unit": "x10^9/L",
      "day": (date.today() + timedelta(days=2)).isoformat()}, r"date of the test: must not be in the future"),
])
def test_bad_lab_values_get_a_clear_message_and_store_nothing(community, fields, message):
    mid = member(community)
    with pytest.raises(CommunityInputError, match=message):
        community.entries.add(mid, "lab", {"day": "2024-01-01", **fields})
    assert rows(community, LabValue) == 0


def test_bad_entries_and_oversized_story(community):
    mid = member(community)
    e = community.entries
    with pytest.raises(CommunityInputError, match="^stop date: must be on or after the start date"):
        e.add(mid, "period", {**PERIOD, "stop": "2022-01-01"})
    with pytest.raises(CommunityInputError, match="^grade: must be at least 1 and at most 5"):
        e.add(mid, "side-effect", {"term": "Diarrhea", "grade": "7", "day": "2023-03-01"})
    with pytest.raises(CommunityInputError, match="^side effect: must be one of"):
        e.add(mid, "side-effect", {"term": "<b>made up</b>", "grade": "2", "day": "2023-03-01"})
    with pytest.raises(CommunityInputError, match="^story: must be at most 2000 characters, got 2001"):
        e.add_story(mid, "x" * 2001, share=True)
    assert e.timeline(mid)["period"] == [] and e.timeline(mid)["story"] == []


def test_export_json_and_csv_hold_everything_and_only_mine(community):
    ana, bea = member(community, "ana"), member(community, "bea")
    community.entries.add(ana, "lab", {"kind": "neutrophils", "value": "1200", "unit": "cells/uL",
                                       "day": "2024-01-01"})
    community.entries.add(bea, "lab", {"kind": "neutrophils", "value": "3", "unit": "x10^9/L",
                                       "day": "2024-01-01"})
    community.entries.add_story(ana, "=HYPERLINK(\"x\")", share=False)
    data = community.entries.timeline(ana)
    json.dumps(data)  # serialisable as it is
    assert [x["value"] for x in data["lab"]] == [pytest.approx(1.2)]
    table = list(csv.DictReader(io.StringIO(community.entries.export_csv(ana))))
    assert {"record": "lab", "field": "entered_unit", "value": "cells/uL"}.items() <= table[
        next(i for i, r in enumerate(table) if r["field"] == "entered_unit")].items()
    assert not any(r["value"] == "bea" for r in table)
    story = next(r for r in table if r["record"] == "story" and r["field"] == "text")
    assert story["value"].startswith("'=")  # a formula stays text in a spreadsheet


def test_delete_account_is_a_hard_delete(community):
    ana, bea = member(community, "ana"), member(community, "bea")
    for mid in (ana, bea):
        pid = community.entries.add(mid, "period", PERIOD)
        community.entries.add(mid, "dose-change", {"period_id": pid, "day": "2023-05-01",
                                                   "new_dose_mg": "5", "reason": "infection"})
        community.entries.add(mid, "lab", {"kind": "hemoglobin", "value": "11", "unit": "g/dL",
                                           "day": "2024-01-01"})
    community.accounts.log_in("ana", PW)
    with pytest.raises(NotAllowed):
        community.accounts.delete_account(ana, "wrong password!")
    community.accounts.delete_account(ana, PW)
    with community.db.transaction() as s:
        for table in Base.metadata.sorted_tables:
            if "member_id" in table.columns:
                left = s.scalar(select(func.count()).select_from(table).where(table.c.member_id == ana))
                assert left == 0, table.name
    assert len(community.entries.timeline(bea)["lab"]) == 1
    with pytest.raises(NotAllowed):
        community.accounts.log_in("ana", PW)


def test_backup_restore_round_trip(community, tmp_path, db_url):
    ana = member(community, "ana")
    pid = community.entries.add(ana, "period", PERIOD)
    community.entries.add(ana, "dose-change", {"period_id": pid, "day": "2023-05-01",
                                               "new_dose_mg": "5", "reason": "infection"})
    community.entries.add(ana, "lab", {"kind": "hemoglobin", "value": "96", "unit": "g/L",
                                       "day": "2024-01-01"})
    before = community.entries.timeline(ana)
    counts = backup(community.db, tmp_path / "b.json")
    assert counts["member"] == 1 and counts["lab_value"] == 1 and "session" not in counts
    community.accounts.delete_account(ana, PW)
    member(community, "zed")  # a later change that the restore replaces
    assert restore(community.db, tmp_path / "b.json")["lab_value"] == 1
    assert community.entries.timeline(ana) == before
    assert community.accounts.log_in("ana", PW)[1].member_id == ana  # the password hash survived
    new = member(community, "cat")  # ids go on after the restored ones (PostgreSQL sequences)
    assert new > ana
    # restore into a brand-new database gives the same
    other = Database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    restore(other, tmp_path / "b.json")
    with other.transaction() as s:
        assert s.scalar(select(Member.handle).where(Member.id == ana)) == "ana"
    other.dispose()


def test_restore_refuses_a_file_that_is_not_a_backup(community, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text("{\"format\": \"other\"}")
    with pytest.raises(CommunityInputError, match="not an mmdecide community backup"):
        restore(community.db, bad)
    bad.write_text("not json")
    with pytest.raises(CommunityInputError, match="cannot be read as JSON"):
        restore(community.db, bad)


def test_migrations_match_the_models(community):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    assert community.db.current() == community.db.head()
    with community.db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
