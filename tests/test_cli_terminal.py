"""What `explorer` does on a terminal, in a live pipe and under Ctrl-C: colour, the default
format, the progress bar, flushing after each query, exit 130. These held before they were
tested; the tests are here to catch a regression.

Terminals are real pseudo-terminals (os.openpty), so `isatty()` is true in the child.
Nothing here asserts how long anything took: waits are blocking reads with a generous limit.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
from pathlib import Path

import pytest

from .conftest import EXPLORER_BIN, SEEDS

WAIT = 120.0  # seconds a blocking read may wait before the test gives up (never asserted)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "EXPLORER_INDEX": "",
        "EXPLORER_CORPUS": "",
        "TERM": "xterm-256color",
    }
    env.pop("NO_COLOR", None)
    env.update(extra)
    return env


def _read_until_closed(fd: int) -> bytes:
    """Everything the child writes to a pty, until it closes its side (EIO on Linux)."""
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    return b"".join(chunks)


def _on_terminal(args: list[str], env: dict[str, str], *, stream: str = "stdout") -> tuple[int, str, str]:
    """Run explorer with ``stream`` (stdout or stderr) on a pseudo-terminal and the other
    on a pipe; returns the exit code, stdout and stderr (terminal line ends made \\n)."""
    master, slave = os.openpty()
    tty_out = stream == "stdout"
    process = subprocess.Popen(
        [str(EXPLORER_BIN), *args],
        stdin=subprocess.DEVNULL,
        stdout=slave if tty_out else subprocess.PIPE,
        stderr=subprocess.PIPE if tty_out else slave,
        env=env,
    )
    os.close(slave)
    try:
        on_tty = _read_until_closed(master).decode().replace("\r\n", "\n")
    finally:
        os.close(master)
    piped = (process.stdout if not tty_out else process.stderr).read().decode()  # type: ignore[union-attr]
    code = process.wait(timeout=WAIT)
    return (code, on_tty, piped) if tty_out else (code, piped, on_tty)


@pytest.fixture
def built(tmp_path: Path) -> dict[str, str]:
    """An environment whose index of the seeds is already built (so no first-use indexing)."""
    env = _env(tmp_path)
    subprocess.run([str(EXPLORER_BIN), "index"], env=env, capture_output=True, check=True)
    return env


def test_colour_and_text_by_default_on_a_terminal(built: dict[str, str]) -> None:
    code, out, err = _on_terminal(["search", "Hameed"], built)
    assert code == 0, err
    assert "\x1b[1;31mHameed\x1b[0m" in out  # --color auto on a TTY
    assert "query\trank" not in out and "\t" not in out  # text, not tsv
    assert "\x1b[" not in err


@pytest.mark.parametrize(("variable", "value"), [("NO_COLOR", "1"), ("TERM", "dumb")])
def test_no_colour_with_no_color_or_a_dumb_terminal(built: dict[str, str], variable: str, value: str) -> None:
    code, out, _err = _on_terminal(["search", "Hameed"], {**built, variable: value})
    assert code == 0
    assert "Hameed" in out and "\x1b[" not in out
    assert "\t" not in out  # still the text format


def test_an_empty_no_color_does_not_turn_colour_off(built: dict[str, str]) -> None:
    """no-color.org: NO_COLOR counts when set *and not empty*; conftest's run_cli sets it to
    "" so a user's NO_COLOR=1 cannot leak into the tests, which leaves colour on."""
    _code, out, _err = _on_terminal(["search", "Hameed"], {**built, "NO_COLOR": ""})
    assert "\x1b[1;31m" in out


def test_color_always_forces_colour_even_with_no_color(built: dict[str, str]) -> None:
    _code, out, _err = _on_terminal(["search", "Hameed", "--color", "always"], {**built, "NO_COLOR": "1"})
    assert "\x1b[1;31mHameed\x1b[0m" in out
    piped = subprocess.run(
        [str(EXPLORER_BIN), "search", "Hameed", "--format", "text", "--color", "always"],
        env={**built, "NO_COLOR": "1", "TERM": "dumb"},
        capture_output=True,
        text=True,
    )
    assert "\x1b[1;31mHameed\x1b[0m" in piped.stdout
    never = _on_terminal(["search", "Hameed", "--color", "never"], built)[1]
    assert "Hameed" in never and "\x1b[" not in never


def test_progress_bar_only_when_stderr_is_a_terminal(tmp_path: Path) -> None:
    env = _env(tmp_path)
    code, out, err = _on_terminal(["index"], env, stream="stderr")
    assert code == 0
    assert "indexing [" in err and "5/5 files" in err and err.endswith("\r\x1b[K")
    assert out.startswith("indexed 5 articles") and "indexing" not in out
    (tmp_path / "cache").rename(tmp_path / "first")
    piped = subprocess.run([str(EXPLORER_BIN), "index"], env=env, capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == ""
    assert piped.stdout.startswith("indexed 5 articles")


def _read_line(process: subprocess.Popen[bytes]) -> bytes:
    """One line of the child's stdout, waiting at most WAIT seconds (then b"")."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    line = b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while not line.endswith(b"\n"):
            if not selector.select(WAIT):
                return line
            byte = os.read(fd, 1)
            if not byte:
                return line
            line += byte
    return line


def test_each_stdin_query_is_answered_before_the_next_is_written(built: dict[str, str]) -> None:
    process = subprocess.Popen(
        [str(EXPLORER_BIN), "search", "--format", "jsonl", "--limit", "1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=built,
    )
    assert process.stdin is not None
    try:
        process.stdin.write(b"Hameed\n")
        process.stdin.flush()
        first = _read_line(process)  # the second query is not written yet: stdin is still open
        assert json.loads(first)["query"] == "Hameed"
        process.stdin.write(b"Panjshir\n")
        process.stdin.flush()
        assert json.loads(_read_line(process))["query"] == "Panjshir"
        process.stdin.close()
        assert process.wait(timeout=WAIT) == 0
    finally:
        process.kill()
        process.wait()


def test_ctrl_c_while_reading_queries_exits_130_quietly(built: dict[str, str]) -> None:
    process = subprocess.Popen(
        [str(EXPLORER_BIN), "search", "--format", "jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=built,
    )
    assert process.stdin is not None and process.stderr is not None
    process.stdin.write(b"Hameed\n")
    process.stdin.flush()
    assert _read_line(process)  # it answered, and now waits for the next query
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=WAIT) == 130
    assert process.stderr.read() == b""  # no traceback
    process.stdin.close()


def test_ctrl_c_during_an_index_run_exits_130_and_keeps_the_old_index(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in SEEDS.glob("*.txt"):
        (corpus / seed.name).write_bytes(seed.read_bytes())
    env = _env(tmp_path, EXPLORER_CORPUS=str(corpus), EXPLORER_INDEX=str(tmp_path / "ix"))
    subprocess.run([str(EXPLORER_BIN), "index"], env=env, capture_output=True, check=True)
    bulk = corpus / "bulk"
    bulk.mkdir()
    for number in range(3000):
        (bulk / f"a{number:05d}.txt").write_text(f"Bulk article {number} about the valley. " * 40)
    master, slave = os.openpty()  # stderr on a terminal: the progress bar says the run is under way
    process = subprocess.Popen(
        [str(EXPLORER_BIN), "index"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave, env=env
    )
    os.close(slave)
    try:
        seen = b""
        with selectors.DefaultSelector() as selector:
            selector.register(master, selectors.EVENT_READ)
            while b"indexing [" not in seen and selector.select(WAIT):
                seen += os.read(master, 4096)
        assert b"indexing [" in seen
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=WAIT) == 130
        assert process.stdout is not None and process.stdout.read() == b""  # no summary: nothing done
    finally:
        os.close(master)
        process.kill()
        process.wait()
    searched = subprocess.run(
        [str(EXPLORER_BIN), "search", "--no-update", "--format", "jsonl", "--limit", "0", "Dashty"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert searched.returncode == 0 and searched.stderr == ""
    assert len(searched.stdout.splitlines()) == 5
    assert "Bulk" not in searched.stdout
    status = subprocess.run([str(EXPLORER_BIN), "status"], env=env, capture_output=True, text=True)
    assert "articles:  5" in status.stdout


def test_limit_default_20_and_0_for_all(tmp_path: Path) -> None:
    corpus = tmp_path / "many"
    corpus.mkdir()
    for number in range(25):
        (corpus / f"a{number:02d}.txt").write_text(f"Report {number} from Kabul.")
    env = _env(tmp_path, EXPLORER_CORPUS=str(corpus))

    def hits(*extra: str) -> int:
        done = subprocess.run(
            [str(EXPLORER_BIN), "search", "Kabul", "--format", "jsonl", *extra],
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        return len(done.stdout.splitlines())

    assert hits() == 20
    assert hits("--limit", "0") == 25
    assert hits("--limit", "3") == 3


def test_tsv_escapes_tabs_newlines_and_backslashes(tmp_path: Path) -> None:
    rows = tmp_path / "rows.jsonl"
    row = {"id": "r1", "title": "Tab\there\nnew\\line", "source": "Src\twith\\slash", "text": "Kabul"}
    rows.write_text(json.dumps(row) + "\n")
    done = subprocess.run(
        [str(EXPLORER_BIN), "search", "Kabul", "--format", "tsv", "--no-headers"],
        env=_env(tmp_path, EXPLORER_CORPUS=str(rows)),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    [line] = done.stdout.splitlines()
    fields = line.split("\t")
    assert len(fields) == 9
    assert fields[5] == "Src\\twith\\\\slash"
    assert fields[6] == "Tab\\there\\nnew\\\\line"


def test_events_draws_its_first_derivation_on_a_terminal_and_never_in_a_pipe(tmp_path: Path) -> None:
    """Deriving events takes minutes on a large corpus: a bar on stderr says so, as indexing's does."""
    on_terminal = _env(tmp_path / "a")
    subprocess.run([str(EXPLORER_BIN), "index"], env=on_terminal, capture_output=True, check=True)
    code, out, err = _on_terminal(["events", "--limit", "1", "--format", "tsv"], on_terminal, stream="stderr")
    assert code == 0 and len(out.splitlines()) == 2, err
    assert "events [" in err and "articles (extracting passages)" in err
    assert "events: grouping passages into events…" in err and "events: linking stories…" in err
    assert err.endswith("\x1b[K")  # the bar is erased before the results are read
    code, _out, err = _on_terminal(["events", "--limit", "1"], on_terminal, stream="stderr")
    assert code == 0 and "extracting" not in err  # the saved table is loaded, not derived again

    piped = _env(tmp_path / "b")
    subprocess.run([str(EXPLORER_BIN), "index"], env=piped, capture_output=True, check=True)
    done = subprocess.run(
        [str(EXPLORER_BIN), "events", "--limit", "1"], env=piped, capture_output=True, text=True, timeout=WAIT
    )
    assert done.returncode == 0 and done.stdout and done.stderr == ""
