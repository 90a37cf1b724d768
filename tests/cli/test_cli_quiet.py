"""The `lab` command shows the lab's output and errors, not the libraries' notices: those go to the library log."""

import os
import subprocess
import sys

# bitsandbytes logs "... `pip install kernels` ..." when it loads its CPU backend on a CPU with AVX512-BF16 (and no
# `kernels` package). On a machine without one, the same notice, from the same logger at the same moment, comes from
# this finder, so the test shows whether the CLI routes it on any machine.
AS_ON_AN_AVX512_BF16_CPU = """
import importlib.abc, logging, runpy, sys

class Notice(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "bitsandbytes.backends.cpu.ops":
            sys.meta_path.remove(self)
            logging.getLogger(name).warning("Failed to load CPU gemm_4bit_forward from kernels-community: No module "
                                            "named 'kernels'. Please make sure you already `pip install kernels`")
        return None

sys.meta_path.insert(0, Notice())
sys.argv[0] = "lab"
runpy.run_module("lab", run_name="__main__")
"""


def lab(home, *argv):
    """`lab ARGV...` in a fresh interpreter, as a user runs it: (exit code, stdout, stderr)."""
    result = subprocess.run([sys.executable, "-c", AS_ON_AN_AVX512_BF16_CPU, *argv], capture_output=True, text=True,
                            env={**os.environ, "LAB_HOME": str(home)}, timeout=300)
    return result.returncode, result.stdout, result.stderr


def test_commands_that_load_bitsandbytes_print_no_library_notice(tmp_path):
    home = tmp_path / "home"  # empty: the tiny model is built on first use, and its tokenizer's trainer is quiet too
    code, out, err = lab(home, "load", "tiny-random-llama", "--precision", "4bit")
    assert code == 0 and out.startswith("tiny-random-llama in 4bit"), out + err  # the lab's own output, first
    assert "kernels" not in out + err and "warn" not in (out + err).lower(), out + err

    # the estimate applies LoRA, and importing peft imports bitsandbytes: the path that printed the notice
    code, out, err = lab(home, "train", "--model", "tiny-random-llama", "--precision", "4bit", "--max-steps", "2",
                         "--estimate")
    assert code == 0 and "Trainable:" in out, out + err
    assert "kernels" not in out + err and "warn" not in (out + err).lower(), out + err
    assert "pip install kernels" in (home / "logs" / "libraries.log").read_text()  # kept, in the library log
