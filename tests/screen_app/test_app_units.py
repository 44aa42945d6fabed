"""The screening app without a browser: its file writing, names, security checks, highlighting and pools."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from reviewflow.config import load_config
from reviewflow.errors import InputError
from reviewflow.screening.app.highlight import Highlighter
from reviewflow.screening.app.names import check_reviewer, check_stage
from reviewflow.screening.app.server import create_app
from reviewflow.screening.app.session import Session
from reviewflow.screening.app.store import DecisionStore, read_rows
from reviewflow.screening.app.works import stage_pool
from tests.screen_app.browser import REPO
from tests.screen_app.project import make_project, read_csv

APP = REPO / "src" / "reviewflow" / "screening" / "app"
HOST = {"Host": "127.0.0.1:8123"}


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, list[str]]:
    return make_project(tmp_path / "project")


def client(root: Path, reviewer: str = "alice", stage: str = "title_abstract", order: str = "file"):
    session = Session(root, load_config(root / "config" / "review.yaml"), stage, reviewer, order=order)
    app = create_app(session, 8123)
    return session, app.test_client()


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def test_a_decision_is_one_row_written_at_once_and_a_change_rewrites_it(tmp_path: Path) -> None:
    path = tmp_path / "data" / "screening" / "title_abstract" / "alice.csv"
    store = DecisionStore(path, "title_abstract", "alice")
    store.put("W000000000001", "include")
    store.put("W000000000002", "exclude", "other", "see\nnote")
    store.put("W000000000001", "exclude", "protocol")
    assert path.read_text(encoding="utf-8").splitlines() == [
        "work_id,stage,reviewer,decision,reason,note",
        "W000000000002,title_abstract,alice,exclude,other,see note",
        "W000000000001,title_abstract,alice,exclude,protocol,"]
    assert [p.name for p in path.parent.iterdir()] == ["alice.csv"]  # no temporary file left behind
    assert store.undo() == "W000000000001"
    assert read_rows(path)[-1]["decision"] == "include"  # this session's change restored exactly
    restarted = DecisionStore(path, "title_abstract", "alice")
    assert restarted.undo() == "W000000000001"  # after a restart: the last decision made is taken back
    assert [row["work_id"] for row in read_rows(path)] == ["W000000000002"]


def test_a_broken_decision_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "alice.csv"
    path.write_text("work_id,stage,reviewer,decision,reason,note\nW1,title_abstract,alice,include,,\n"
                    "W1,title_abstract,alice,exclude,other,\n", encoding="utf-8")
    with pytest.raises(InputError, match="work decided twice") as caught:
        DecisionStore(path, "title_abstract", "alice")
    assert f"{path}:3" in str(caught.value)


@pytest.mark.parametrize("name", ["../alice", "a/b", "a\\b", ".hidden", "", "x" * 65, "bob.csv", "a..b"])
def test_names_that_are_not_safe_file_names_are_refused(name: str) -> None:
    with pytest.raises(InputError, match="cannot be used as a file name"):
        check_reviewer(name)


def test_stage_names_are_checked() -> None:
    assert check_stage("full_text") == "full_text"
    with pytest.raises(InputError, match="unknown stage"):
        check_stage("../title_abstract")


def test_highlighting_escapes_the_record_and_marks_whole_words_and_stems() -> None:
    mark = Highlighter(include=["cryo*", "chronic pain"], exclude=["rat"])
    html = str(mark("<script>x</script> Cryoablation for CHRONIC  pain; rats and a rat"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert '<mark class="inc">Cryoablation</mark>' in html
    assert '<mark class="inc">CHRONIC  pain</mark>' in html
    assert "rats" in html and '<mark class="exc">rat</mark>' in html and '<mark class="exc">rats' not in html


def test_only_the_loopback_host_and_a_form_with_the_token_are_accepted(project) -> None:
    root, ids = project
    _, web = client(root)
    assert web.get("/", headers={"Host": "evil.example:8123"}).status_code == 421
    assert web.get("/", headers={"Host": "127.0.0.1:9999"}).status_code == 421
    page = web.get("/", headers=HOST)
    assert page.status_code == 200
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    form = {"work_id": ids[0], "choice": "include"}
    assert web.post("/decide", data=form, headers=HOST).status_code == 403
    assert web.post("/decide", data=form | {"token": "guess"}, headers=HOST).status_code == 403
    token = token_of(page.get_data(as_text=True))
    foreign = HOST | {"Origin": "http://evil.example"}
    assert web.post("/decide", data=form | {"token": token}, headers=foreign).status_code == 403
    assert not (root / "data/screening/title_abstract/alice.csv").exists()
    assert web.post("/decide", data=form | {"token": token}, headers=HOST).status_code == 302
    assert len(read_csv(root / "data/screening/title_abstract/alice.csv")) == 1


def test_an_exclusion_without_a_reason_is_refused_with_a_message_not_a_traceback(project) -> None:
    root, ids = project
    _, web = client(root)
    token = token_of(web.get("/", headers=HOST).get_data(as_text=True))
    answer = web.post("/decide", data={"work_id": ids[0], "choice": "exclude", "token": token}, headers=HOST)
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "an exclusion needs a reason" in text and "Traceback" not in text
    unknown = web.post("/decide", data={"work_id": "W0000000000ff", "choice": "include", "token": token},
                       headers=HOST)
    assert unknown.status_code == 400 and "not a work offered" in unknown.get_data(as_text=True)
    assert not (root / "data/screening/title_abstract/alice.csv").exists()


def test_full_text_offers_not_retrieved_and_the_works_included_at_title_abstract(project) -> None:
    root, _ = project
    (root / "results" / "awaiting_screening.csv").unlink()  # computed from screening.csv instead
    screening = read_csv(root / "results" / "screening.csv")
    included = sorted(screening.loc[screening["title_abstract"] == "include", "work_id"])
    assert stage_pool(root, "full_text") == included
    _, web = client(root, stage="full_text")
    html = web.get("/", headers=HOST).get_data(as_text=True)
    assert 'value="not_retrieved"' in html and 'data-key="n"' in html


def test_the_title_abstract_pool_without_the_awaiting_sheet_is_every_work_not_excluded_by_rule(project) -> None:
    root, _ = project
    (root / "results" / "awaiting_screening.csv").unlink()
    works = set(read_csv(root / "results" / "works.csv")["work_id"])
    auto = set(read_csv(root / "results" / "auto_excluded.csv")["work_id"])
    assert set(stage_pool(root, "title_abstract")) == works - auto


def test_before_the_first_build_the_command_says_so_in_one_line(tmp_path: Path) -> None:
    root, _ = make_project(tmp_path / "project")
    (root / "results" / "works.csv").unlink()
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    run = subprocess.run([sys.executable, "-m", "reviewflow", "screen", "--stage", "title_abstract",
                          "--reviewer", "alice", "--no-browser"], cwd=root, env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 1
    assert "the build has not run yet" in run.stderr and "Traceback" not in run.stderr
    bad = subprocess.run([sys.executable, "-m", "reviewflow", "screen", "--stage", "title_abstract",
                          "--reviewer", "../x", "--no-browser"], cwd=root, env=env, capture_output=True,
                         text=True, timeout=120)
    assert bad.returncode == 1 and "cannot be used as a file name" in bad.stderr


def test_everything_the_page_loads_is_served_by_the_app() -> None:
    for path in [*APP.glob("templates/*.html"), *APP.glob("static/*")]:
        text = path.read_text(encoding="utf-8")
        for url in re.findall(r"""(?:src|href)=["']([^"']+)""", text):
            assert url.startswith(("{{", "/")) or url.startswith(("https://doi.org/", "https://pubmed.")), url
        assert "eval(" not in text and "<script>" not in text  # no inline script, no eval
    assert "@import" not in (APP / "static" / "app.css").read_text(encoding="utf-8")


def test_the_package_ships_the_templates_and_static_files() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert "screening/app/templates/*.html" in pyproject and "screening/app/static/*.js" in pyproject


def test_any_reviewer_may_resolve_conflicts_once_everyone_has_finished(project) -> None:
    root, ids = project
    folder = root / "data" / "screening" / "title_abstract"
    alice = DecisionStore(folder / "alice.csv", "title_abstract", "alice")
    for work in ids:
        alice.put(work, "include")
    bob_store = DecisionStore(folder / "bob.csv", "title_abstract", "bob")
    for work in ids[:-1]:
        bob_store.put(work, "include")
    session, web = client(root, reviewer="bob")
    assert session.blinded()
    assert web.get("/conflicts", headers=HOST).get_data(as_text=True).count('id="blind"') == 1
    assert web.get("/decisions?mode=resolve", headers=HOST).status_code == 403
    bob_store.put(ids[-1], "exclude", "other")
    assert not session.blinded()
    listing = web.get("/conflicts", headers=HOST).get_data(as_text=True)
    assert f'data-work-id="{ids[-1]}"' in listing and 'id="resolve"' in listing
    page = web.get("/resolve?mode=resolve", headers=HOST).get_data(as_text=True)
    assert f'data-work-id="{ids[-1]}"' in page and "alice" in page
    answer = web.post("/decide", data={"work_id": ids[-1], "choice": "include", "mode": "resolve",
                                       "token": token_of(page), "note": "abstract says chronic"}, headers=HOST)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/resolve")
    settled = read_csv(folder / "consensus.csv")
    assert settled.to_dict("records") == [{"work_id": ids[-1], "stage": "title_abstract", "reviewer": "consensus",
                                           "decision": "include", "reason": "",
                                           "note": "resolved by bob; abstract says chronic"}]
    assert session.conflict_ids() == []
    assert len(read_csv(folder / "bob.csv")) == 10  # his own file untouched by resolving
