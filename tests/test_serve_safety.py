"""The dev server against faults nobody listed (issue 14, cases 1, 10 and 11): escaped log lines,
the Host header checked (DNS rebinding), a backlog that holds a burst, links inside content/ not
followed by the watcher, and rebuilds that take the same lock as `build.py`."""
from __future__ import annotations

import io
import os
import socket
from pathlib import Path

import pytest

from generator.lock import BuildLock, LockBusyError
from generator.serve import DevServer, snapshot


def _site(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text("<html><body>首页</body></html>", encoding="utf-8")
    (folder / "404.html").write_text("<html><body>找不到</body></html>", encoding="utf-8")


def _raw(port: int, head: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        chunks = []
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks)


@pytest.fixture
def server(tmp_path):
    _site(tmp_path / "public")
    log = io.StringIO()
    dev = DevServer(tmp_path / "public", [], None, port=0, out=log)
    dev.start()
    yield dev, log
    dev.close()


def test_11_a_raw_escape_in_a_request_path_is_logged_escaped(server):
    dev, log = server
    response = _raw(dev.port, b"GET /\x1b[31mred\x1b]0;title\x07 HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
    assert response.startswith(b"HTTP/1.0 404")
    printed = log.getvalue()
    assert "\x1b" not in printed and "\x07" not in printed
    assert "404 /\\x1b[31mred\\x1b]0;title\\x07" in printed


@pytest.mark.parametrize("host, allowed", [
    ("127.0.0.1", True), ("127.0.0.1:{port}", True), ("localhost:{port}", True), ("[::1]:{port}", True),
    ("192.168.1.20:{port}", True), ("evil.example:{port}", False), ("evil.example", False),
    ("127.0.0.1.evil.example", False), ("", False),
])
def test_11_the_host_header_must_name_this_server(server, host, allowed):
    dev, log = server
    header = host.format(port=dev.port)
    response = _raw(dev.port, f"GET / HTTP/1.1\r\nHost: {header}\r\nConnection: close\r\n\r\n".encode())
    status = response.split(b"\r\n", 1)[0]
    if allowed:
        assert status == b"HTTP/1.0 200 OK" and "首页".encode() in response
    else:
        assert status == b"HTTP/1.0 403 Forbidden" and "首页".encode() not in response
        assert "is not this server's address; refused" in log.getvalue()


def test_11_a_burst_of_200_connections_is_queued_not_refused(server):
    dev, _ = server
    # Connections opened before the server accepts any: with a backlog of 5 most of them would
    # be refused or retried by the kernel after a second or more.
    sockets = [socket.create_connection(("127.0.0.1", dev.port), timeout=30) for _ in range(200)]
    try:
        for sock in sockets:
            sock.sendall(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
        answers = []
        for sock in sockets:
            answers.append(sock.recv(64).split(b"\r\n", 1)[0])
    finally:
        for sock in sockets:
            sock.close()
    assert answers == [b"HTTP/1.0 200 OK"] * 200
    assert dev._httpd.request_queue_size >= 200


def test_10_the_watcher_does_not_follow_links_to_folders(tmp_path):
    content = tmp_path / "content"
    (content / "issue").mkdir(parents=True)
    (content / "issue" / "01-a.md").write_text("x", encoding="utf-8")
    (content / "loop").symlink_to(".", target_is_directory=True)
    (content / "issue" / "up").symlink_to("..", target_is_directory=True)
    found = snapshot([content])  # returns: without the fix this walks for ever
    assert sorted(os.path.relpath(p, content) for p in found) == ["issue/01-a.md", "issue/up", "loop"]


def test_1_a_serve_rebuild_waits_for_the_build_lock(tmp_path):
    """`serve` rebuilds through `build_once`, which holds the same lock as `build.py`."""
    from generator import cli

    content, public = tmp_path / "content", tmp_path / "public"
    with BuildLock([content, public], 0):
        with pytest.raises(LockBusyError):
            with BuildLock([public], 0):
                pass
        args = cli.build_parser().parse_args(["--seeds", str(tmp_path / "seeds"), "--content", str(content),
                                              "--output", str(public), "--cache-dir", str(tmp_path / "c"),
                                              "--lock-wait", "0", "serve"])
        args.command = "serve"
        assert cli.build_once(args) == 2
    assert cli.build_once(args) == 0
    assert (public / "index.html").exists()
