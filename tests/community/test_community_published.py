"""The published snapshot shared by the workers, the defence against comparing views over time,
the "being prepared" answer, and the write lock shared by worker processes (SQLite)."""

from __future__ import annotations

import fcntl
import itertools
import os
import threading
import time
from datetime import date

import pytest

from mmdecide.community import published, service
from mmdecide.community.aggregates import Filters, aggregate_from, snapshot
from mmdecide.community.consent import CONSENT_VERSION
from mmdecide.community.errors import NotReady
from mmdecide.community.service import Community
from mmdecide.community.synthetic import generate
from mmdecide.community.terms import AGE_BANDS, RISK_GROUPS

TODAY = date(2026, 6, 1)


def member(c, name: str, change: bool) -> int:
    """A member in the group (standard risk, 60-69, lenalidomide 10 mg, transplant 2023-09)."""
    mid = c.accounts.sign_up(name, "correct horse battery", who=name)
    c.accounts.give_consent(mid, CONSENT_VERSION)
    c.entries.set_about(mid, "60-69", "standard", "2023-09")
    pid = c.entries.add(mid, "period", {"regimen": "lenalidomide", "dose_mg": "10",
                                        "schedule": "days-1-21-of-28", "start": "2024-01-01"})
    if change:
        c.entries.add(mid, "dose-change", {"period_id": pid, "day": "2024-02-01", "new_dose_mg": "5",
                                           "reason": "infection"})
    return mid


def rebuild(c: Community) -> None:
    """A new snapshot attempt now (as when aggregate_cache_seconds have passed), then the view
    picks up whatever was published."""
    lock = f"{c._path}.build-lock"
    past = time.time() - 10 * c.config.aggregate_cache_seconds - 60
    os.utime(lock, (past, past))
    c._build(TODAY, c.config.aggregate_cache_seconds)


def test_the_file_gives_the_same_aggregates_as_the_snapshot(tmp_path, make_community):
    c = make_community(f"sqlite:///{tmp_path / 'c.sqlite3'}", k=3)
    generate(c.db, members=300, labs_per_member=6, seed=4, today=TODAY)
    snap = snapshot(c.db, TODAY)
    path = tmp_path / "s.npz"
    published.save(snap, path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # member-level rows: the server's user only
    back = published.load(path)
    assert published.changed_members(snap, back) == 0
    grid = [Filters(risk=r, age_band=a) for r, a in itertools.product([None, *RISK_GROUPS], [None, *AGE_BANDS])]
    assert [aggregate_from(back, f, 3) for f in grid] == [aggregate_from(snap, f, 3) for f in grid]
    assert any(aggregate_from(snap, f, 3).n_members for f in grid)


def test_a_second_worker_serves_the_first_ones_snapshot_without_reading_the_database(
        tmp_path, make_community, monkeypatch):
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    first = make_community(url, k=3, aggregate_cache_seconds=60)
    generate(first.db, members=60, labs_per_member=3, seed=2, today=TODAY)
    made = first.aggregate(Filters(), today=TODAY)
    assert made.n_members

    def no_reading(db, today):
        raise AssertionError("the second worker read the database")

    monkeypatch.setattr(service, "snapshot", no_reading)
    second = make_community(url, k=3, aggregate_cache_seconds=60)
    assert second.aggregate(Filters(), today=TODAY) == made


def test_the_first_request_is_told_to_come_back_rather_than_kept_waiting(tmp_path, make_community,
                                                                        monkeypatch):
    c = make_community(f"sqlite:///{tmp_path / 'c.sqlite3'}", k=1, aggregate_cache_seconds=60,
                       aggregate_first_wait_seconds=0.2)
    generate(c.db, members=5, labs_per_member=2, seed=1, today=TODAY)
    release, real = threading.Event(), service.snapshot

    def slow(db, today):
        release.wait(20)
        return real(db, today)

    monkeypatch.setattr(service, "snapshot", slow)
    started = time.monotonic()
    with pytest.raises(NotReady):
        c.aggregate(Filters(), today=TODAY)
    assert time.monotonic() - started < 2
    release.set()
    deadline = time.monotonic() + 20
    while True:
        try:
            assert c.aggregate(Filters(), today=TODAY).n_members == 5
            break
        except NotReady:
            assert time.monotonic() < deadline
            time.sleep(0.05)


@pytest.mark.parametrize("defended", [True, False])
def test_comparing_a_view_before_and_after_one_member_joins(tmp_path, make_community, monkeypatch,
                                                            defended):
    """The attack: look at a view, wait for someone (known to the attacker) to join, look again;
    the difference is that person's data. Published only after k members changed, the second
    look shows the same figures; with the defence off it tells that the newcomer changed dose."""
    if not defended:
        monkeypatch.setattr(Community, "publishable", lambda self, old, new: True)
    c = make_community(f"sqlite:///{tmp_path / 'c.sqlite3'}", k=3, aggregate_cache_seconds=60)
    for i in range(8):
        member(c, f"mem{i}", change=i < 4)
    before = c.aggregate(Filters(), today=TODAY)
    assert before.n_members == 8 and before.dose_changed.count == 4
    member(c, "newcomer", change=True)
    rebuild(c)
    after = c.aggregate(Filters(), today=TODAY)
    if defended:
        assert after == before
    else:
        # 9 - 8 = one newcomer, 5 - 4 = one more changed dose: the newcomer did
        assert after.n_members == 9 and after.dose_changed.count == 5
    for i in range(2):  # k members have changed now: published, and the change is theirs together
        member(c, f"late{i}", change=False)
    rebuild(c)
    later = c.aggregate(Filters(), today=TODAY)
    assert later.n_members == 11 and later.dose_changed.count == 5


def test_changed_members_counts_added_removed_and_changed(tmp_path, make_community):
    c = make_community(f"sqlite:///{tmp_path / 'c.sqlite3'}", k=3)
    ids = [member(c, f"mem{i}", change=False) for i in range(4)]
    old = snapshot(c.db, TODAY)
    member(c, "added", change=False)
    with c.db.transaction() as s:
        from mmdecide.community.models import Member
        s.delete(s.get(Member, ids[0]))
    c.entries.set_about(ids[1], "70 or over", "standard", "2023-09")
    assert published.changed_members(old, snapshot(c.db, TODAY)) == 3
    assert published.changed_members(old, old) == 0


def test_writers_in_other_processes_wait_on_the_shared_file_lock(tmp_path, make_community):
    c = make_community(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    mid = c.accounts.sign_up("ana", "correct horse battery", who="x")
    fd = os.open(f"{tmp_path / 'c.sqlite3'}.write-lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as another worker process in the middle of a write
    done = threading.Event()
    writer = threading.Thread(target=lambda: (c.accounts.give_consent(mid, CONSENT_VERSION), done.set()))
    writer.start()
    try:
        assert not done.wait(0.5)
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    assert done.wait(10)
    writer.join()


def test_the_snapshot_is_made_in_a_child_process_as_when_served(tmp_path, make_community, monkeypatch):
    c = make_community(f"sqlite:///{tmp_path / 'c.sqlite3'}", k=3, aggregate_cache_seconds=60,
                       aggregate_build_process=True)
    generate(c.db, members=60, labs_per_member=3, seed=2, today=TODAY)
    expected = aggregate_from(snapshot(c.db, TODAY), Filters(), 3)

    def not_here(db, today):
        raise AssertionError("the snapshot was made in the worker's process")

    monkeypatch.setattr(service, "snapshot", not_here)
    deadline = time.monotonic() + 60
    while True:
        try:
            got = c.aggregate(Filters(), today=TODAY)
            break
        except NotReady:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    assert got == expected and expected.n_members


def test_an_unreadable_snapshot_file_is_made_again(tmp_path, make_community):
    c = make_community(f"sqlite:///{tmp_path / 'c.sqlite3'}", k=3, aggregate_cache_seconds=60)
    generate(c.db, members=40, labs_per_member=2, seed=3, today=TODAY)
    c._path.write_bytes(b"PK\x03\x04 cut short")
    with pytest.raises(ValueError, match="not a readable snapshot"):
        published.load(c._path)
    assert c.aggregate(Filters(), today=TODAY) == aggregate_from(snapshot(c.db, TODAY), Filters(), 3)


def test_the_page_says_from_when_the_published_figures_are(tmp_path, make_community):
    import warnings

    from bs4 import BeautifulSoup

    from mmdecide.web import create_app

    with warnings.catch_warnings():  # starlette.testclient warns at import that it prefers httpx2
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    c = make_community(f"sqlite:///{tmp_path / 'c.sqlite3'}", k=3, aggregate_cache_seconds=60)
    generate(c.db, members=60, labs_per_member=2, seed=2, today=TODAY)
    mid = c.accounts.sign_up("reader", "correct horse battery")
    c.accounts.give_consent(mid, CONSENT_VERSION)
    token, _login = c.accounts.log_in("reader", "correct horse battery")
    app = create_app()
    app.state.community = c
    with TestClient(app, follow_redirects=False) as client:
        client.cookies.set("mmdecide_member", token, path="/community")
        text = BeautifulSoup(client.get("/community/aggregates").text, "html.parser").get_text(" ")
    today = date.today()
    assert f"These figures are from {today.day} {today.strftime('%B %Y')}" in text
    assert "at least 3 members have added or changed something" in text


def test_aggregates_are_kept_per_snapshot_and_filter_set_and_dropped_with_the_snapshot(
        tmp_path, make_community, monkeypatch):
    """A filter set asked again is answered from the cache (no second computation); a new
    snapshot empties it, so the next answer is computed from the new snapshot."""
    c = make_community(f"sqlite:///{tmp_path / 'c.sqlite3'}", k=3, aggregate_cache_seconds=60)
    for i in range(8):
        member(c, f"mem{i}", change=i < 4)
    calls = []
    monkeypatch.setattr(service, "aggregate_from", lambda snap, f, k: calls.append(f) or aggregate_from(snap, f, k))
    first = c.aggregate(Filters(), today=TODAY)
    assert c.aggregate(Filters(), today=TODAY) is first and calls == [Filters()]
    c.aggregate(Filters(risk=next(iter(RISK_GROUPS))), today=TODAY)
    assert len(calls) == 2 and c._results.cache_info().currsize == 2
    for i in range(3):  # k members changed: a new snapshot is published
        member(c, f"new{i}", change=False)
    rebuild(c)
    again = c.aggregate(Filters(), today=TODAY)
    assert again.n_members == 11 and len(calls) == 3 and c._results.cache_info().currsize == 1


def test_a_deleted_account_leaves_the_published_file_at_once(tmp_path, make_community):
    """Hard delete: the published snapshot held the deleted member's rows until k members had
    changed. Now the delete takes them out of the file and out of this worker's copy at once."""
    c = make_community(f"sqlite:///{tmp_path / 'c.sqlite3'}", k=3, aggregate_cache_seconds=60)
    ids = [member(c, f"mem{i}", change=i < 4) for i in range(8)]
    assert c.aggregate(Filters(), today=TODAY).n_members == 8
    gone = ids[0]
    before = published.load(c._path)
    assert gone in published.members(before)
    their_periods = before.periods.loc[before.periods["member"] == gone, "period"]
    assert before.lab_bins["period"].isin(their_periods).any() or before.lab_bins.empty
    c.delete_account(gone, "correct horse battery")
    on_disk = published.load(c._path)
    assert gone not in published.members(on_disk) and len(published.members(on_disk)) == 7
    assert len(their_periods) and not on_disk.lab_bins["period"].isin(their_periods).any()
    after = c.aggregate(Filters(), today=TODAY)
    assert after.n_members == 7 and after.dose_changed.count == 3  # the deleted member had changed dose
    # a second worker reading the file sees the same
    other = make_community(c.config.database_url, k=3, aggregate_cache_seconds=60)
    assert other.aggregate(Filters(), today=TODAY) == after


def test_a_build_takes_out_members_deleted_since_even_when_it_publishes_nothing(tmp_path, make_community):
    """A scrub missed (the process died between the delete and the scrub) is made up by the next
    build, which otherwise keeps the published file while fewer than k members changed."""
    c = make_community(f"sqlite:///{tmp_path / 'c.sqlite3'}", k=3, aggregate_cache_seconds=60)
    ids = [member(c, f"mem{i}", change=False) for i in range(8)]
    c.aggregate(Filters(), today=TODAY)
    c.accounts.delete_account(ids[1], "correct horse battery")  # the database only, no scrub
    assert ids[1] in published.members(published.load(c._path))
    rebuild(c)
    left = published.members(published.load(c._path))
    assert ids[1] not in left and left == set(ids) - {ids[1]}


def test_erasing_waits_for_a_build_in_progress(tmp_path):
    """The scrub takes the build lock, so a build that read the database before the delete cannot
    write the member back after it."""
    path = tmp_path / "s.npz"
    lock = published.build_lock(path)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    done = threading.Event()
    t = threading.Thread(target=lambda: (published.erase_members(path, {1}), done.set()))
    t.start()
    assert not done.wait(0.3)  # held up by the build's lock
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    assert done.wait(5)
    t.join()
