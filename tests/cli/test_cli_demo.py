"""`lab demo RUN...`: bad input gets one error and exit code 2; good input serves the chosen runs with the flags
`lab app` takes; `lab app --share` points to it."""

import shutil

from tests.helpers import run_cli


def test_an_unknown_run_exits_2_with_one_error(capsys, lab_home):
    code, out, err = run_cli(capsys, "demo", "no-such-run")
    assert code == 2 and out == ""
    assert err.count("error:") == 1 and "No run 'no-such-run'" in err and "Traceback" not in err


def test_share_needs_auth_and_a_bad_login_is_refused(capsys, lab_home):
    code, _, err = run_cli(capsys, "demo", "any-run", "--share")
    assert code == 2 and "--share needs --auth" in err and "chat with these runs" in err
    code, _, err = run_cli(capsys, "demo", "any-run", "--auth", "no-colon")
    assert code == 2 and "--auth must look like USER:PASS" in err


def test_a_finished_run_is_served_with_the_flags_given(capsys, lab_home, tiny_runs, monkeypatch):
    import apps.demo

    run = tiny_runs["lora"]
    shutil.copytree(run.path, lab_home / "workspace" / "runs" / run.id)
    served = {}
    monkeypatch.setattr("lab.cli.common.share_server_reachable", lambda: False)
    monkeypatch.setattr(apps.demo, "serve", lambda runs, *flags, **options: served.update(
        ids=runs.ids, flags=flags, options=options))
    code, _, err = run_cli(capsys, "demo", run.id[-4:], "--share", "--auth", "ada:secret", "--port", "7998")
    assert code == 0 and "Cannot create a share link" in err
    assert served == {"ids": [run.id], "flags": ("127.0.0.1", 7998, False, [("ada", "secret")]),
                      "options": {"block": True}}


def test_app_share_warns_that_it_exposes_the_whole_lab(capsys, monkeypatch):
    import apps.app

    monkeypatch.setattr("lab.cli.common.share_server_reachable", lambda: False)
    monkeypatch.setattr(apps.app.demo, "launch", lambda **kwargs: None)
    code, _, err = run_cli(capsys, "app", "--share", "--auth", "ada:secret")
    assert code == 0 and "exposes the whole lab" in err and "lab demo RUN --share --auth" in err
