"""The README's screenshots, taken from the app on the default model with the form's defaults, as a new user
meets it: the Train tab mid-run (samples moving), the report when the run completes, and after a page reload the
Runs tab with that run and a stopped one overlaid (about ten minutes on a laptop CPU); with `experiment`, the
Experiments tab's leaderboard of three methods, each at its recipe, fp32 (about five minutes); with `demo`, `lab demo`'s
page of a run trained with the form's defaults in fp32: an example prompt answered by the tuned and the base model.

    .venv/bin/python docs/screenshots.py [experiment | demo]     (needs Debian's chromium: make browser)
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
os.environ["LAB_WORKSPACE"] = tempfile.mkdtemp(prefix="lab-screenshots-")  # runs stay out of the user's store
sys.path.insert(0, str(DOCS.parent))

from playwright.sync_api import expect, sync_playwright  # noqa: E402

import lab  # noqa: E402
from apps.app import CSS, build  # noqa: E402

MINUTES = 60_000


def shoot(page, name: str) -> None:
    page.screenshot(path=str(DOCS / name), full_page=True)
    print("wrote", DOCS / name)


def experiment(page) -> None:
    page.get_by_label("precision", exact=True).click()  # fp32: 4-bit matmuls are the slow ones on a CPU
    page.get_by_role("option", name="fp32", exact=True).click()
    page.get_by_role("tab", name="Experiments").click()
    for method in ("lora", "prompt_tuning", "ia3"):
        page.get_by_label(method, exact=True).check()
    page.get_by_role("button", name="Start experiment").click()
    page.get_by_text("3 of 3 runs ended").wait_for(timeout=20 * MINUTES)
    page.wait_for_timeout(3000)  # the charts draw
    shoot(page, "app-experiment.png")


def demo_page(browser) -> None:
    from apps.demo import SERVING, serve

    run = lab.start_run(lab.plan_run(precision="fp32"))["id"]  # the form's defaults but fp32, fast on a CPU
    assert lab.wait(run) == "completed", run
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto(serve([run]))
    page.get_by_text("the base: validation loss").first.wait_for(timeout=MINUTES)  # the report
    page.locator(".gallery-item").first.click()  # the first example prompt
    message = page.get_by_label("message", exact=True)
    expect(message).not_to_have_value("", timeout=MINUTES)
    page.get_by_label("show the base model's answer").check()
    message.press("Enter")
    answers = page.locator("[data-testid='bot']")
    expect(answers).to_have_count(2, timeout=10 * MINUTES)  # the tuned model's, then the base model's
    shown = None
    while shown != answers.last.inner_text():  # the base model's answer has stopped growing
        shown = answers.last.inner_text()
        page.wait_for_timeout(2000)
    shoot(page, "app-demo.png")
    SERVING.pop((run,)).close()


def main() -> None:
    lab.quiet_libraries()  # as `lab app` does
    if sys.argv[1:] == ["demo"]:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                        args=["--headless", "--no-sandbox", "--disable-gpu"])
            demo_page(browser)
            browser.close()
        return
    demo = build()
    demo.queue().launch(prevent_thread_lock=True, server_name="127.0.0.1", quiet=True, css=CSS)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                    args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(demo.local_url)
        if sys.argv[1:] == ["experiment"]:
            experiment(page)
            browser.close()
            demo.close()
            return
        page.get_by_role("tab", name="Train").click()
        page.get_by_role("button", name="Start").click()  # everything as the form starts: LoRA, 4-bit, 30 steps
        page.get_by_text("— running").wait_for(timeout=5 * MINUTES)
        page.locator("th", has_text="step 10").first.wait_for(timeout=15 * MINUTES)  # samples after the 1st evaluation
        shoot(page, "app-train.png")
        page.get_by_text("the base: validation loss").first.wait_for(timeout=20 * MINUTES)
        shoot(page, "app-report.png")
        completed = page.get_by_label("run", exact=True).input_value()

        page.get_by_label("learning rate", exact=True).fill("0.001")
        page.get_by_role("button", name="Start").click()
        page.get_by_text("step 8/").wait_for(timeout=15 * MINUTES)
        page.get_by_role("button", name="Stop").click()
        page.get_by_text("the base: validation loss").first.wait_for(timeout=15 * MINUTES)  # its report

        page.reload()
        page.get_by_role("tab", name="Runs").click()
        box = page.get_by_label("chosen runs", exact=True)
        box.click()
        box.fill(completed)
        box.press("Enter")
        page.wait_for_timeout(3000)
        shoot(page, "app-runs.png")
        browser.close()
    demo.close()


if __name__ == "__main__":
    main()
