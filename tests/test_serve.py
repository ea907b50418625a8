"""The development server (generator/serve.py): static serving, live reload, the watcher."""
from __future__ import annotations

import argparse
import http.client
import io
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator.serve import (LIVERELOAD_PATH, DevServer, ServeError, add_serve_arguments,
                             inject_livereload, is_ignored, serve)

PROJECT_ROOT = Path(__file__).resolve().parent.parent

SITE = {
    "index.html": "<!DOCTYPE html><html><head><title>首页</title></head><body><h1>首页 v1</h1></body></html>\n",
    "issue/a01/index.html": "<!DOCTYPE html><html><body><p>第一期</p></body></html>\n",
    "issue/a01/01-x.html": "<!DOCTYPE html><html><body><p>文章</p></BODY></html>\n",
    "404.html": "<!DOCTYPE html><html><body><h1>页面不存在</h1></body></html>\n",
    "assets/css/site.css": "body { color: #222; }\n",
    "assets/js/search.js": "console.log('搜索');\n",
    "feed.xml": "<?xml version='1.0' encoding='utf-8'?><feed/>\n",
    "search/index.json": '{"docs": []}\n',
    "assets/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
    "robots.txt": "User-agent: *\n",
    "empty/.keep": "",
}


def write_site(folder: Path, version: int = 1) -> None:
    for rel, text in SITE.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("v1", f"v{version}"), encoding="utf-8")


def swap_in(public: Path, version: int) -> None:
    """What an atomic build does: build beside public/, then rename it into place."""
    fresh = public.with_name(public.name + ".build")
    old = public.with_name(public.name + ".old")
    shutil.rmtree(fresh, ignore_errors=True)
    write_site(fresh, version)
    public.rename(old)
    fresh.rename(public)
    shutil.rmtree(old)


def request(port: int, path: str, method: str = "GET") -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def raw_request(port: int, target: str) -> bytes:
    """Send the request line exactly as given (no client-side normalisation of '..')."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"GET {target} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def wait_until(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


class Project:
    def __init__(self, root: Path):
        self.root = root
        self.public = root / "public"
        self.content = root / "content"
        self.content.mkdir()
        (self.content / "a.md").write_text("one", encoding="utf-8")
        write_site(self.public)
        self.builds = 0
        self.fail = False
        self.out = io.StringIO()

    def rebuild(self) -> int:
        if self.fail:
            raise RuntimeError("broken template")
        self.builds += 1
        swap_in(self.public, self.builds + 1)
        return 0

    def server(self, **options) -> DevServer:
        options = {"port": 0, "poll_interval": 0.05, "debounce": 0.15, "out": self.out, **options}
        return DevServer(self.public, [self.content, self.root / "site.yml"], self.rebuild, **options)


@pytest.fixture()
def project(tmp_path) -> Project:
    return Project(tmp_path)


@pytest.fixture()
def dev(project):
    server = project.server()
    server.start()
    yield server
    server.close()


# --- static serving ----------------------------------------------------------------------------


def test_serves_index_nested_index_and_404(dev, project):
    status, headers, body = request(dev.port, "/")
    assert status == 200 and "首页 v1".encode() in body
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    assert int(headers["Content-Length"]) == len(body)

    status, _, body = request(dev.port, "/issue/a01/")
    assert status == 200 and "第一期".encode() in body
    status, headers, _ = request(dev.port, "/issue/a01?x=1")
    assert status == 302 and headers["Location"] == "/issue/a01/?x=1"
    status, headers, _ = request(dev.port, "//issue")  # not a redirect to the host "issue"
    assert status == 302 and headers["Location"] == "/issue/"
    status, _, body = request(dev.port, "/index.html?q=%E5%8F%8D%E8%AF%88#top")
    assert status == 200 and "首页".encode() in body

    for missing in ("/nope.html", "/issue/zz/", "/empty/", "/assets/css/site.css/x"):
        status, headers, body = request(dev.port, missing)
        assert status == 404, missing
        assert "页面不存在".encode() in body and headers["Content-Type"] == "text/html; charset=utf-8"

    status, headers, body = request(dev.port, "/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 0


@pytest.mark.parametrize("path, content_type", [
    ("/assets/css/site.css", "text/css; charset=utf-8"),
    ("/assets/js/search.js", "text/javascript; charset=utf-8"),
    ("/feed.xml", "application/xml; charset=utf-8"),
    ("/search/index.json", "application/json; charset=utf-8"),
    ("/assets/logo.svg", "image/svg+xml"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/issue/a01/01-x.html", "text/html; charset=utf-8"),
])
def test_content_types(dev, project, path, content_type):
    status, headers, body = request(dev.port, path)
    assert status == 200 and headers["Content-Type"] == content_type
    if not path.endswith(".html"):  # only HTML is touched
        assert body == (project.public / path.lstrip("/")).read_bytes()


def test_reload_script_is_injected_into_responses_not_files(dev, project):
    on_disk = (project.public / "index.html").read_bytes()
    _, _, served = request(dev.port, "/")
    assert b"__livereload" not in on_disk
    assert served == inject_livereload(on_disk, dev.token)
    assert served.index(b"/__livereload.js") < served.index(b"</body>")
    _, _, served = request(dev.port, "/issue/a01/01-x.html")  # upper-case </BODY>
    assert served.index(b"/__livereload.js") < served.index(b"</BODY>")
    _, _, missing = request(dev.port, "/missing")  # the 404 page reloads too
    assert b"/__livereload.js" in missing
    status, headers, script = request(dev.port, "/__livereload.js?g=x")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert b"EventSource" in script and b"location.reload()" in script


def test_injection_without_body_tag_appends():
    assert inject_livereload(b"<p>x", "t").startswith(b"<p>x<script")
    two = inject_livereload(b"<body><pre></body></pre></body>", "t")
    assert two.endswith(b'<script src="/__livereload.js?g=t"></script></body>')


def test_no_reload_serves_files_untouched(project):
    with project.server(live_reload=False) as dev:
        _, _, served = request(dev.port, "/")
        assert served == (project.public / "index.html").read_bytes()
        assert request(dev.port, LIVERELOAD_PATH)[0] == 404


def test_serves_new_folder_after_replacement_by_rename(dev, project):
    assert "首页 v1".encode() in request(dev.port, "/")[2]
    swap_in(project.public, 7)
    status, _, body = request(dev.port, "/")
    assert status == 200 and "首页 v7".encode() in body
    assert request(dev.port, "/assets/css/site.css")[0] == 200
    assert request(dev.port, "/nope")[0] == 404


def test_waits_for_output_folder_mid_swap(dev, project):
    aside = project.root / "aside"
    project.public.rename(aside)
    threading.Timer(0.3, aside.rename, args=(project.public,)).start()
    status, _, body = request(dev.port, "/")
    assert status == 200 and "首页".encode() in body


TRAVERSALS = [
    "/../secret.txt", "/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
    "/..%2fsecret.txt", "/%2e%2e%2fsecret.txt", "/issue/../../secret.txt",
    "/issue/%2e%2e/%2e%2e/secret.txt", "/..\\secret.txt", "/%00", "/link/secret.txt",
    "/link/", "/link", "/issue/leak.html", "//secret.txt", "/./../secret.txt", "/.%2e/secret.txt",
]


def test_path_traversal_is_refused(dev, project):
    (project.root / "secret.txt").write_text("TOP SECRET", encoding="utf-8")
    (project.root / "index.html").write_text("TOP SECRET", encoding="utf-8")
    (project.public / "link").symlink_to(project.root)  # a symlink out of the site
    (project.public / "issue" / "leak.html").symlink_to(project.root / "secret.txt")
    for target in TRAVERSALS:
        response = raw_request(dev.port, target)
        assert b"TOP SECRET" not in response, target
        assert response.startswith((b"HTTP/1.0 404", b"HTTP/1.0 400")), (target, response[:40])


# --- watching and rebuilding -------------------------------------------------------------------


def test_burst_of_writes_triggers_exactly_one_rebuild(dev, project):
    for i in range(6):
        (project.content / "a.md").write_text(f"edit {i}", encoding="utf-8")
        time.sleep(0.04)
    assert wait_until(lambda: project.builds == 1)
    time.sleep(0.35)
    assert project.builds == 1 and dev.generation == 1
    assert "changed: " in project.out.getvalue() and "a.md" in project.out.getvalue()
    assert "rebuilt in" in project.out.getvalue()
    assert "首页 v2".encode() in request(dev.port, "/")[2]

    (project.content / "sub").mkdir()
    (project.content / "sub" / "new.md").write_text("x", encoding="utf-8")  # a new nested file
    assert wait_until(lambda: project.builds == 2)
    (project.root / "site.yml").write_text("title: x", encoding="utf-8")  # a watched file, created
    assert wait_until(lambda: project.builds == 3)


def test_temporary_and_hidden_files_are_ignored(dev, project):
    for name in (".a.md.swp", "a.md~", ".#a.md", "a.md.tmp", "a.md.tmp.123", "a.md.new", ".hidden", "4913"):
        (project.content / name).write_text("x", encoding="utf-8")
    (project.content / ".git").mkdir()
    (project.content / ".git" / "index").write_text("x", encoding="utf-8")
    time.sleep(0.4)
    assert project.builds == 0 and dev.rebuilds == 0


@pytest.mark.parametrize("name, ignored", [
    ("a.md", False), ("issue.yml", False), ("site.css", False),
    (".a.md.swp", True), ("a.swo", True), ("a.md~", True), (".#a.md", True), ("a.tmp", True),
    ("x.tmp123", True), ("01-x.md.new", True), (".import-state.json", True),
])
def test_is_ignored(name, ignored):
    assert is_ignored(name) is ignored


def test_files_written_by_the_rebuild_get_one_more_build_then_stop(project):
    def rebuild():  # like the importer: writes content/ when a seed changed, nothing next time
        project.builds += 1
        generated = project.content / "generated.md"
        if not generated.exists():
            generated.write_text("imported", encoding="utf-8")
    with DevServer(project.public, [project.content], rebuild, port=0, poll_interval=0.05,
                   debounce=0.1, out=project.out):
        (project.content / "a.md").write_text("edit", encoding="utf-8")
        assert wait_until(lambda: project.builds == 2)
        time.sleep(0.35)
        assert project.builds == 2
        assert "generated.md (during the rebuild) — rebuilding" in project.out.getvalue()


def test_a_rebuild_that_always_writes_does_not_loop(project):
    def rebuild():  # not idempotent: rewrites the same watched file every time
        project.builds += 1
        (project.content / "stamp.md").write_text(f"build {project.builds}", encoding="utf-8")
    with DevServer(project.public, [project.content], rebuild, port=0, poll_interval=0.05,
                   debounce=0.1, out=project.out):
        (project.content / "a.md").write_text("edit", encoding="utf-8")
        assert wait_until(lambda: project.builds == 2)
        time.sleep(0.35)
        assert project.builds == 2


def test_a_save_during_the_rebuild_is_not_lost(project):
    def rebuild():
        project.builds += 1
        if project.builds == 1:  # the editor saves again while the first build runs
            (project.content / "b.md").write_text("saved meanwhile", encoding="utf-8")
            time.sleep(0.1)
    with DevServer(project.public, [project.content], rebuild, port=0, poll_interval=0.05,
                   debounce=0.1, out=project.out):
        (project.content / "a.md").write_text("edit", encoding="utf-8")
        assert wait_until(lambda: project.builds == 2)
        time.sleep(0.4)
        assert project.builds == 2


def test_output_folder_inside_a_watched_folder_is_not_watched(project):
    with DevServer(project.public, [project.root], project.rebuild, port=0, poll_interval=0.05,
                   debounce=0.1, out=project.out) as dev:
        (project.public / "extra.html").write_text("x", encoding="utf-8")
        time.sleep(0.4)
        assert dev.rebuilds == 0


def test_failing_rebuild_keeps_serving_the_previous_site(dev, project):
    project.fail = True
    (project.content / "a.md").write_text("broken", encoding="utf-8")
    assert wait_until(lambda: dev.rebuilds == 1)
    assert wait_until(lambda: "still serving the previous site" in project.out.getvalue())
    log = project.out.getvalue()
    assert "rebuild failed: RuntimeError: broken template" in log
    assert dev.generation == 0
    status, _, body = request(dev.port, "/")
    assert status == 200 and "首页 v1".encode() in body

    project.fail = False  # fixing the error rebuilds on the next save
    (project.content / "a.md").write_text("fixed", encoding="utf-8")
    assert wait_until(lambda: dev.generation == 1)
    assert "首页 v2".encode() in request(dev.port, "/")[2]


def read_event(response: http.client.HTTPResponse) -> str:
    """The data of the next Server-Sent Event (skips retry: and comment lines)."""
    while True:
        line = response.fp.readline().decode()
        assert line, "stream closed"
        if line.startswith("data: "):
            return line[len("data: "):].strip()


def test_livereload_endpoint_reports_new_generation(dev, project):
    conn = http.client.HTTPConnection("127.0.0.1", dev.port, timeout=5)
    try:
        conn.request("GET", LIVERELOAD_PATH)
        response = conn.getresponse()
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/event-stream")
        first = read_event(response)
        assert first == dev.token and first.endswith("-0")
        # the open stream does not block page loads
        assert request(dev.port, "/")[0] == 200
        (project.content / "a.md").write_text("edit", encoding="utf-8")
        second = read_event(response)
        assert second != first and second.endswith("-1") and second == dev.token
        assert wait_until(lambda: "reloading 1 open page" in project.out.getvalue())
    finally:
        conn.close()


def test_page_reloads_in_browser_after_rebuild(dev, project, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(dev.url)
        assert page.locator("h1").inner_text() == "首页 v1"
        page.evaluate("window.notReloaded = true")
        assert wait_until(lambda: dev._clients == 1)  # the page's live-reload stream is open
        (project.content / "a.md").write_text("edit", encoding="utf-8")
        page.wait_for_function("() => document.querySelector('h1').textContent === '首页 v2'", timeout=5000)
        assert page.evaluate("window.notReloaded") is None
    finally:
        context.close()


# --- starting and stopping ---------------------------------------------------------------------


def test_port_in_use(project):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ServeError, match=f"port {port} is in use"):
            project.server(port=port, port_attempts=1).start()
        with project.server(port=port, port_attempts=5) as dev:
            assert dev.port != port and dev.url == f"http://127.0.0.1:{dev.port}/"
            assert f"port {port} is in use; using {dev.port} instead" in project.out.getvalue()


def test_serve_prints_url_and_returns_zero_on_stop(project):
    ready, stop = threading.Event(), threading.Event()
    servers, result = [], []
    thread = threading.Thread(target=lambda: result.append(serve(
        project.public, [project.content], project.rebuild, port=0, poll_interval=0.05,
        ready=ready, stop=stop, on_ready=servers.append, out=project.out)))
    thread.start()
    try:
        assert ready.wait(5)
        assert request(servers[0].port, "/")[0] == 200
        assert f"at {servers[0].url} — Ctrl+C to stop" in project.out.getvalue()
        assert "public/ at http://127.0.0.1:" in project.out.getvalue()
    finally:
        stop.set()
        thread.join(5)
    assert result == [0]


def test_ctrl_c_exits_cleanly(project):
    code = ("import signal, sys; from pathlib import Path; from generator.serve import serve; "
            "signal.signal(signal.SIGINT, signal.default_int_handler); "  # even if started with SIGINT ignored
            "sys.exit(serve(Path(sys.argv[1]), [], None, port=0))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(project.public)], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "— Ctrl+C to stop" in line
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        # an open live-reload stream must not keep the process alive
        stream = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        stream.request("GET", LIVERELOAD_PATH)
        read_event(stream.getresponse())
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=5)
        stream.close()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err


def test_add_serve_arguments():
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    args = parser.parse_args([])
    assert (args.host, args.port, args.live_reload, args.open_browser) == ("127.0.0.1", 8000, True, False)
    args = parser.parse_args(["--host", "0.0.0.0", "--port", "9000", "--no-reload", "--open"])
    assert (args.host, args.port, args.live_reload, args.open_browser) == ("0.0.0.0", 9000, False, True)
