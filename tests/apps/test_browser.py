"""The app in a real browser (headless Chromium via Playwright): train on the tiny model, watch the loss plot,
stop, compare and chat. Saves screenshots beside the test run."""

import re
import shutil

import pytest

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, tiny_model_dir):
    mp = pytest.MonkeyPatch()
    mp.setenv("LAB_HOME", str(tmp_path_factory.mktemp("home")))
    from apps.app import CSS, build

    demo = build(str(tiny_model_dir), "fp32")
    demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True, css=CSS)
    yield demo.local_url
    demo.close()
    mp.undo()


@pytest.fixture(scope="module")
def page(app_url):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(app_url)
        page.get_by_text("Tune a language model").wait_for(timeout=30_000)
        yield page
        browser.close()


def pick(page, label, value):
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(value)
    box.press("Enter")


def test_train_watch_stop_compare_chat(page, tmp_path):
    page.get_by_role("tab", name="Train").click()
    steps = page.get_by_label("steps", exact=True)
    steps.fill("300")
    page.get_by_role("button", name="Start").click()
    progress = page.get_by_text("— running")
    progress.wait_for(timeout=60_000)
    page.get_by_text("validation loss").first.wait_for(timeout=60_000)
    line = page.locator("[data-testid='plotly'] path.js-line").first  # plotly's train loss line
    line.wait_for(timeout=30_000)
    first = line.get_attribute("d")
    page.wait_for_timeout(3000)
    assert line.get_attribute("d") != first, "the loss plot did not update while training"
    page.screenshot(path=str(tmp_path / "train.png"), full_page=True)

    page.get_by_role("button", name="Stop").click()
    page.get_by_text("— stopped").wait_for(timeout=60_000)  # at once: its report follows ("report pending")
    page.get_by_text(re.compile("(than|against|as) the base")).first.wait_for(timeout=60_000)
    run_id = page.get_by_label("run", exact=True).input_value()
    assert run_id

    page.get_by_role("tab", name="Compare").click()
    pick(page, "tuned runs", run_id)
    page.get_by_label("prompt", exact=True).fill("Hello")
    page.get_by_role("button", name="Compare", exact=True).click()
    answers = page.locator("table.lab-compare", has_text="Hello")  # the report's examples use the same table
    answers.wait_for(timeout=60_000)
    assert run_id in answers.inner_text()

    page.get_by_role("tab", name="Chat").click()
    pick(page, "adapter", run_id)
    message = page.get_by_label("message", exact=True)
    message.fill("Hello there")
    message.press("Enter")
    page.locator(".message.bot, [data-testid='bot']").first.wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
    assert (tmp_path / "chat.png").stat().st_size > 10_000


def test_samples_report_and_two_runs_overlaid_after_a_reload(page, tmp_path):
    """What a new user sees without asking: samples during training, the report when a run completes or is
    stopped, and after a page reload two finished runs overlaid in one chart."""
    page.get_by_role("tab", name="Train").click()
    page.get_by_label("steps", exact=True).fill("6")
    page.get_by_role("button", name="Start").click()
    page.get_by_text("— completed").wait_for(timeout=120_000)
    completed = page.get_by_label("run", exact=True).input_value()
    page.get_by_text("base (step 0)").first.wait_for(timeout=30_000)  # the sample answers, step by step
    page.get_by_text("the base: validation loss").first.wait_for(timeout=30_000)  # the report's headline
    page.screenshot(path=str(tmp_path / "train-report.png"), full_page=True)

    page.get_by_label("steps", exact=True).fill("20000")
    page.get_by_role("button", name="Start").click()
    page.get_by_text(re.compile(r"— running · .*· loss \d")).wait_for(timeout=120_000)  # a loss to overlay
    stopped = page.get_by_label("run", exact=True).input_value()
    assert stopped != completed
    page.get_by_role("button", name="Stop").click()
    page.get_by_text("— stopped").wait_for(timeout=120_000)
    page.get_by_text("the base: validation loss").first.wait_for(timeout=60_000)  # a stopped run reports too

    page.reload()
    page.get_by_text("Tune a language model").wait_for(timeout=30_000)
    page.get_by_role("tab", name="Runs").click()
    # the newest run, the stopped one, is chosen when the page loads: wait for it, or the load's choice would
    # replace the pick below
    page.locator(".token", has_text=stopped).first.wait_for(timeout=90_000)
    pick(page, "chosen runs", completed)
    chart = page.locator("[data-testid='plotly']").last
    page.wait_for_function("ids => ids.every(id => [...document.querySelectorAll('[data-testid=plotly]')]"
                           ".some(p => p.textContent.includes(id)))", arg=[completed[-4:], stopped[-4:]],
                           timeout=90_000)  # a loaded machine draws slowly
    assert chart.locator("path.js-line").count() >= 4  # per run: the smoothed and the raw train loss at least
    page.get_by_text("the base: validation loss").first.wait_for(timeout=30_000)  # the first run's report
    page.screenshot(path=str(tmp_path / "runs-overlay.png"), full_page=True)


def test_an_experiment_of_three_methods_and_its_leaderboard_after_a_reload(page, tmp_path):
    page.get_by_role("tab", name="Experiments").click()
    for method in ("lora", "prompt_tuning", "full"):
        page.get_by_label(method, exact=True).check()
    page.get_by_label("steps per run", exact=True).fill("2")
    page.get_by_role("button", name="Start experiment").click()
    page.get_by_text("3 of 3 runs ended").wait_for(timeout=300_000)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=plotly]').length >= 2", timeout=30_000)
    page.screenshot(path=str(tmp_path / "experiment.png"), full_page=True)
    board = page.locator("table.lab-leaderboard")
    assert "★" in board.inner_text() and board.locator("tr").count() == 4  # the header and a row per method

    page.reload()  # the leaderboard is read from disk: a new page (or a restarted app) shows it again
    page.get_by_text("Tune a language model").wait_for(timeout=30_000)
    page.get_by_role("tab", name="Experiments").click()
    page.get_by_text("3 of 3 runs ended").wait_for(timeout=30_000)
    assert page.locator("table.lab-leaderboard tr").count() == 4


def test_a_demo_of_a_finished_run_chats_and_shows_only_that_run(page, tiny_runs, tmp_path):
    """`lab demo`'s page in a browser: pick an example prompt, chat, tick the base answer; no lab controls."""
    import os

    from apps import demo as demo_page

    run = tiny_runs["lora"]
    shutil.copytree(run.path, os.path.join(os.environ["LAB_HOME"], "workspace", "runs", run.id), dirs_exist_ok=True)
    url = demo_page.serve([run.id])
    demo = page.context.browser.new_page(viewport={"width": 1280, "height": 1000})
    try:
        demo.goto(url)
        demo.get_by_text("A tuned model").wait_for(timeout=30_000)
        demo.get_by_text("the base: validation loss").first.wait_for(timeout=30_000)  # the report, open
        examples = demo.locator(".gallery-item, [data-testid='dataset'] button, table.table tbody tr")
        examples.first.wait_for(timeout=30_000)
        examples.first.click()
        message = demo.get_by_label("message", exact=True)
        sync_api.expect(message).to_have_value(re.compile(r"\S"), timeout=30_000)  # the prompt, ready to send
        demo.screenshot(path=str(tmp_path / "demo-start.png"), full_page=True)
        message.press("Enter")
        answers = demo.locator("[data-testid='bot']")
        sync_api.expect(answers).to_have_count(1, timeout=60_000)
        demo.get_by_label("show the base model's answer").check()
        message.fill("Hello there")
        message.press("Enter")
        sync_api.expect(answers).to_have_count(3, timeout=60_000)  # the tuned model's second, the base's first
        assert demo.get_by_text("base model", exact=True).is_visible()
        demo.screenshot(path=str(tmp_path / "demo.png"), full_page=True)
        for lab_only in ("Train", "Runs", "Delete", "Start", "Download adapter (zip)"):
            assert demo.get_by_role("button", name=lab_only, exact=True).count() == 0
            assert demo.get_by_role("tab", name=lab_only, exact=True).count() == 0
    finally:
        demo.close()
        demo_page.SERVING.pop((run.id,)).close()


def test_the_runs_tab_acts_on_the_run_picked_last_and_follow_shows_its_methods_help(page, tiny_runs, tmp_path):
    """The page starts with the newest run chosen; picking an older one makes the details, the report and the
    buttons its own; following a prompt tuning run shows prompt tuning's help in the Train tab."""
    import os

    import lab

    runs = os.path.join(os.environ["LAB_HOME"], "workspace", "runs")
    for name in ("lora", "prompt_tuning"):
        shutil.copytree(tiny_runs[name].path, os.path.join(runs, tiny_runs[name].id), dirs_exist_ok=True)
    lora, prompt = tiny_runs["lora"].id, tiny_runs["prompt_tuning"].id
    newest = lab.run_ids()[0]  # the page's first choice: not lora (prompt tuning's run is newer)
    assert newest != lora

    page.reload()
    page.get_by_text("Tune a language model").wait_for(timeout=60_000)
    page.get_by_role("tab", name="Runs").click()
    page.locator(".token", has_text=newest).first.wait_for(timeout=120_000)  # the load's choice, before the pick
    pick(page, "chosen runs", lora)
    page.locator(".token", has_text=lora).first.wait_for(timeout=60_000)
    details = page.locator(".block", has=page.get_by_text("the run the buttons act on (picked last)", exact=True))
    sync_api.expect(details.last).to_contain_text(lora, timeout=120_000)
    sync_api.expect(details.last).not_to_contain_text(newest)
    page.locator(".lab-report:visible", has_text=lora).first.wait_for(timeout=120_000)  # "of run <lora>"
    sync_api.expect(page.locator(".lab-report:visible", has_text=newest)).to_have_count(0)
    page.get_by_role("button", name="Download adapter (zip)").click()
    page.locator(f'[aria-label="{lora}-adapter.zip"]').first.wait_for(timeout=120_000)  # the file's name
    page.screenshot(path=str(tmp_path / "runs-picked.png"), full_page=True)

    page.get_by_role("button", name="Follow in Train").click()
    sync_api.expect(page.get_by_label("run", exact=True)).to_have_value(lora, timeout=60_000)
    sync_api.expect(page.get_by_label("method", exact=True)).to_have_value("lora", timeout=60_000)
    page.locator("code:visible", has_text="target_modules").first.wait_for(timeout=60_000)  # lora's help

    page.get_by_role("tab", name="Runs").click()
    if page.locator(".token", has_text=prompt).count():  # chosen already (the newest): unpick it, to pick it last
        page.locator(".token", has_text=prompt).locator(".token-remove").first.click()
        sync_api.expect(page.locator(".token", has_text=prompt)).to_have_count(0, timeout=60_000)
    pick(page, "chosen runs", prompt)
    sync_api.expect(details.last).to_contain_text(prompt, timeout=120_000)
    page.get_by_role("button", name="Follow in Train").click()
    sync_api.expect(page.get_by_label("run", exact=True)).to_have_value(prompt, timeout=60_000)
    sync_api.expect(page.get_by_label("method", exact=True)).to_have_value("prompt_tuning", timeout=60_000)
    page.locator("code:visible", has_text="num_virtual_tokens").first.wait_for(timeout=60_000)  # its own help
    sync_api.expect(page.locator("code:visible", has_text="target_modules")).to_have_count(0, timeout=60_000)
    page.screenshot(path=str(tmp_path / "train-followed-prompt-tuning.png"), full_page=True)


def test_the_train_tab_names_the_uploaded_data_and_the_data_tab_maps_its_columns(page, tmp_path):
    """Issue 29: the Data tab's column pickers are there; an uploaded CSV whose columns no format knows is named by
    its own name in the Train tab's data line, with the fix that names the pickers; once mapped, the line counts it."""
    page.get_by_role("tab", name="Data").click()
    pick(page, "data", "sample_data")  # a run followed earlier filled the form with its own data
    page.get_by_role("tab", name="Train").click()
    line = page.locator("#lab-data-line")
    line.get_by_text("sample_data: 800 train / 99 validation, chat messages").wait_for(timeout=30_000)

    faq = tmp_path / "faq.csv"
    faq.write_text("query,reply\n" + "".join(f"Q{i}?,A{i}.\n" for i in range(20)), encoding="utf-8")
    page.get_by_role("tab", name="Data").click()
    for role in ("prompt", "response", "system", "text", "label"):
        assert page.get_by_label(f"{role} column", exact=True).is_visible()
    page.locator("input[type=file]").first.set_input_files(str(faq))
    page.get_by_role("tab", name="Train").click()
    line.get_by_text("faq.csv, row 2: the record has no known format").wait_for(timeout=30_000)
    assert "Choose the prompt and response columns (Data tab" in line.inner_text()
    assert "workspace" not in line.inner_text()

    page.get_by_role("tab", name="Data").click()
    pick(page, "prompt column", "query")
    pick(page, "response column", "reply")
    page.get_by_role("tab", name="Train").click()
    line.get_by_text("faq.csv: 18 train / 2 validation, columns prompt=query, response=reply").wait_for(
        timeout=30_000)
    page.screenshot(path=str(tmp_path / "data-line.png"), full_page=True)

    page.get_by_role("tab", name="Data").click()  # the upload goes: the later tests train on the sample data
    page.get_by_label("Clear").first.click()
    page.get_by_role("tab", name="Train").click()
    line.get_by_text("sample_data: 800 train / 99 validation").wait_for(timeout=30_000)
