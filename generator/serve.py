"""Development server: `python build.py serve` (standard library only).

Serves the built site over HTTP on localhost, watches the sources, rebuilds when they change and
makes every open page reload itself after a successful rebuild.

- The files on disk are never touched: HTML responses get a one-line
  `<script src="/__livereload.js?g=TOKEN">` inserted before `</body>` at serve time only, so
  `public/` stays byte-identical to a normal build. The script opens a Server-Sent Events stream
  on `/__livereload` and reloads the page when the build generation differs from the one the page
  was served at (a server restart changes the token too).
- Every request is resolved against the *path* of the output folder, afresh: the server never
  chdirs into it nor keeps a handle on it, so a build that swaps in a new folder by renaming is
  picked up by the next request. A request arriving in the split second in which the folder is
  missing waits briefly for it to reappear.
- The watcher polls mtimes and sizes (no dependencies, works everywhere), ignores dot-files,
  editor droppings (`*.swp`, `*~`, `.#*`, vim's `4913`), `*.tmp*`, `*.new` and the output folder,
  waits until the sources have been quiet for `debounce` seconds (a burst of saves is one
  rebuild), then calls `rebuild()` in the watcher thread. If it raises, the error is printed and
  the previous site is still served; pages reload only after a rebuild that returned. Files that
  changed while it ran (a save during the build, or what the build wrote itself, like the
  importer's content/) get one more rebuild: an idempotent build then writes nothing and the
  chain ends.

Entry points: `serve(...)` (blocking, returns 0 on Ctrl+C or when `stop` is set),
`DevServer` (the same, as an object with start()/close(), for tests and embedding), and
`add_serve_arguments(parser)` + `serve_from_args(args, output_dir, watch_paths, rebuild)` for the
command line.
"""
from __future__ import annotations

import argparse
import errno
import http.server
import ipaddress
import os
import posixpath
import re
import socket
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
from pathlib import Path
from typing import Callable, Iterable, TextIO

LIVERELOAD_PATH = "/__livereload"
LIVERELOAD_SCRIPT_PATH = "/__livereload.js"
DEFAULT_PORT = 8000
PORT_ATTEMPTS = 10  # with the default port, try 8000..8009 before giving up
MAX_FOLLOW_UPS = 3  # rebuilds in a row for files that changed during the previous rebuild

# The page knows the generation it was served at (query string of its own <script src>), and
# reloads as soon as the stream reports another one. EventSource reconnects by itself when the
# server restarts (`retry:` below), and the new server's token differs, so the page reloads then too.
LIVERELOAD_JS = b"""\
(function () {
  "use strict";
  if (!window.EventSource || !document.currentScript) return;
  var served = new URL(document.currentScript.src).searchParams.get("g");
  var source = new EventSource("/__livereload");
  source.onmessage = function (event) {
    if (event.data && event.data !== served) {
      source.close();
      location.reload();
    }
  };
})();
"""

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".webmanifest": "application/manifest+json",
    ".map": "application/json; charset=utf-8",
    ".wasm": "application/wasm",
}
FALLBACK_CONTENT_TYPE = "application/octet-stream"

_BODY_CLOSE = re.compile(rb"</body\s*>", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# Watching


def is_ignored(name: str) -> bool:
    """Files and folders the watcher never looks at: dot-files and editors' temporary files."""
    return (
        name.startswith(".")            # .git, .DS_Store, .import-state.json, emacs .#lock
        or name.endswith("~")           # emacs/gedit backups
        or name.endswith((".swp", ".swo", ".swx"))  # vim swap files
        or ".tmp" in name               # *.tmp, *.tmp.1234, writers' atomic-rename files
        or name.endswith(".new")        # the importer's fresh copy beside an edited file
        or name == "4913"               # vim probes whether a folder is writable with this file
        or name == "__pycache__"
        or name.endswith((".pyc", ".pyo"))
    )


Snapshot = dict[str, tuple[int, int]]


def snapshot(paths: Iterable[Path], exclude: Iterable[Path] = ()) -> Snapshot:
    """(mtime_ns, size) of every watched file, by path. Folders are walked recursively; a watched
    path that does not exist yet is simply absent (creating it later counts as a change)."""
    excluded = {os.path.abspath(p) for p in exclude}
    result: Snapshot = {}

    def walk(folder: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            return
        for entry in entries:
            if is_ignored(entry.name):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if os.path.abspath(entry.path) not in excluded:
                        walk(entry.path)
                    continue
                if entry.is_symlink() and entry.is_dir():
                    # A linked folder is never followed (a link to `.` would loop for ever);
                    # the link itself is watched, and the build reports it.
                    stat = entry.stat(follow_symlinks=False)
                    result[entry.path] = (stat.st_mtime_ns, stat.st_size)
                    continue
                stat = entry.stat()
            except OSError:  # vanished between scandir and stat
                continue
            result[entry.path] = (stat.st_mtime_ns, stat.st_size)

    for path in paths:
        path = os.path.abspath(path)
        if path in excluded:
            continue
        if os.path.isdir(path):
            walk(path)
        else:
            try:
                stat = os.stat(path)
            except OSError:
                continue
            result[path] = (stat.st_mtime_ns, stat.st_size)
    return result


def changed_paths(before: Snapshot, after: Snapshot) -> list[str]:
    """Paths added, removed or modified between two snapshots, sorted."""
    return sorted({p for p in before.keys() | after.keys() if before.get(p) != after.get(p)})


def _display(path: str | Path) -> str:
    """A path relative to the working folder when it is inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return str(path) if relative.startswith("..") else relative


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """Text from outside (a request path, a file name) as it may be printed to a terminal: control
    characters (ESC starts terminal escape sequences) shown escaped, as `\x1b`."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


def describe_changes(paths: list[str]) -> str:
    if not paths:
        return "nothing"
    first = printable(_display(paths[0]))
    return first if len(paths) == 1 else f"{first} and {len(paths) - 1} more"


# --------------------------------------------------------------------------------------------
# HTTP


def inject_livereload(html: bytes, token: str) -> bytes:
    """The page with the live-reload script inserted before its last </body> (or at the end)."""
    tag = f'<script src="{LIVERELOAD_SCRIPT_PATH}?g={urllib.parse.quote(token)}"></script>'.encode()
    matches = list(_BODY_CLOSE.finditer(html))
    if not matches:
        return html + tag
    at = matches[-1].start()
    return html[:at] + tag + html[at:]


def _inside(path: str, root: str) -> bool:
    """Whether path, symlinks resolved, is root or inside it."""
    real_root, real = os.path.realpath(root), os.path.realpath(path)
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # listen backlog: a burst of requests (a page's assets, a test) is queued, not refused
    block_on_close = False  # never wait for open live-reload streams on close
    dev: "DevServer"

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # a tab closed or a reload cut a transfer short: not worth a traceback
        super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files from the output folder (resolved per request), plus the live-reload endpoints."""

    server: _Server

    def version_string(self) -> str:
        return "build.py-serve"

    def __init__(self, *args, **kwargs):
        # The *path* of the folder, absolute but not resolved: if public/ is replaced by a rename,
        # the next request sees the new folder. SimpleHTTPRequestHandler.translate_path joins the
        # URL onto it for every request; nothing here ever opens or chdirs into the folder itself.
        super().__init__(*args, directory=args[2].dev.output_dir_str, **kwargs)

    # -- responses --------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _respond(self, head: bool) -> None:
        dev = self.server.dev
        host = self.headers.get("Host")
        if host is not None and not dev.host_allowed(host):
            # DNS rebinding: a web page on another site that makes its own name resolve to this
            # address would otherwise read the preview; such requests name that site as Host.
            dev.log(f"403 Host {printable(host)!r} is not this server's address; refused")
            self._send(403, CONTENT_TYPES[".txt"], b"403 Forbidden: unknown Host header\n", head)
            return
        route = urllib.parse.urlsplit(self.path).path
        if dev.live_reload and route == LIVERELOAD_PATH:
            self._event_stream(head)
            return
        if dev.live_reload and route == LIVERELOAD_SCRIPT_PATH:
            self._send(200, "text/javascript; charset=utf-8", LIVERELOAD_JS, head)
            return
        status, location, body, content_type = self._resolve(route)
        if location is not None:
            self.send_response(status)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            return
        if status == 404 and not urllib.parse.unquote(route).endswith("/favicon.ico"):
            dev.log(f"404 {printable(self.path)}")
        if dev.live_reload and content_type.startswith("text/html"):
            body = inject_livereload(body, dev.token)
        self._send(status, content_type, body, head)

    def _send(self, status: int, content_type: str, body: bytes, head: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _resolve(self, route: str) -> tuple[int, str | None, bytes, str]:
        """(status, redirect location or None, body, content type) for a URL path."""
        dev = self.server.dev
        dev.wait_for_output()
        root = dev.output_dir_str
        try:
            path = self.translate_path(self.path)  # drops '.', '..' (also %2e%2e) and the query
            if not _inside(path, root):
                return self._not_found()  # a symlink out of the site
            if os.path.isdir(path):
                if not route.endswith("/"):
                    # Leading slashes collapsed: `//example.com` must not redirect off-site.
                    location = "/" + urllib.parse.urlsplit(self.path).path.lstrip("/") + "/"
                    query = urllib.parse.urlsplit(self.path).query
                    return 302, location + (f"?{query}" if query else ""), b"", ""
                path = os.path.join(path, "index.html")
                if not _inside(path, root):
                    return self._not_found()
            with open(path, "rb") as handle:
                body = handle.read()
        except (OSError, ValueError):  # missing, a folder without index.html, NUL in the URL, ...
            return self._not_found()
        return 200, None, body, self.guess_type(path)

    def _not_found(self) -> tuple[int, None, bytes, str]:
        try:
            with open(os.path.join(self.server.dev.output_dir_str, "404.html"), "rb") as handle:
                return 404, None, handle.read(), CONTENT_TYPES[".html"]
        except OSError:
            return 404, None, b"404 Not Found\n", CONTENT_TYPES[".txt"]

    def guess_type(self, path) -> str:
        ext = posixpath.splitext(str(path))[1].lower()
        if ext in CONTENT_TYPES:
            return CONTENT_TYPES[ext]
        guessed = super().guess_type(path)
        return guessed if guessed and guessed != "application/octet-stream" else FALLBACK_CONTENT_TYPE

    # -- live reload --------------------------------------------------------------------------

    def _event_stream(self, head: bool) -> None:
        """Server-Sent Events: the current generation token now, then on every rebuild."""
        dev = self.server.dev
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Accel-Buffering", "no")
        self.end_headers()
        if head:
            return
        self.close_connection = True
        with dev._changed:
            dev._clients += 1
        try:
            sent = None
            self.wfile.write(b"retry: 1000\n\n")
            while True:
                with dev._changed:
                    dev._changed.wait_for(lambda: dev.token != sent or dev._closing, timeout=5)
                    token, closing = dev.token, dev._closing
                if closing:
                    return
                if token != sent:
                    self.wfile.write(f"data: {token}\n\n".encode())
                    sent = token
                else:
                    self.wfile.write(b": keep-alive\n\n")  # notices closed tabs within seconds
                self.wfile.flush()
        except (OSError, ValueError):  # the page went away
            return
        finally:
            with dev._changed:
                dev._clients -= 1

    def log_message(self, format, *args) -> None:  # requests are not logged; 404s are, above
        pass


# --------------------------------------------------------------------------------------------
# The server


class ServeError(Exception):
    """The server could not start (port in use, address not available)."""


class DevServer:
    """The HTTP server and the watcher, as an object.

    >>> dev = DevServer(Path("public"), [Path("content")], rebuild=build, port=0)
    >>> url = dev.start()      # binds, starts the server and watcher threads, prints the URL
    >>> ...
    >>> dev.close()

    `rebuild` is called in the watcher thread after the watched files changed and have been
    quiet for `debounce` seconds; whatever it returns is ignored except that a non-zero int is
    reported. Files that change while `rebuild` runs (written by the build itself, like the
    importer writing content/, or saved meanwhile) get one more rebuild, which for an idempotent
    build changes nothing and ends the chain.
    """

    def __init__(
        self,
        output_dir: Path,
        watch_paths: Iterable[Path],
        rebuild: Callable[[], object] | None,
        *,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
        poll_interval: float = 0.5,
        debounce: float = 0.3,
        live_reload: bool = True,
        port_attempts: int | None = None,
        out: TextIO | None = None,
    ) -> None:
        self.output_dir = Path(output_dir)
        self.output_dir_str = os.path.abspath(self.output_dir)
        self.watch_paths = [Path(p) for p in watch_paths]
        self.rebuild = rebuild
        self.host = host
        self.requested_port = port
        self.poll_interval = poll_interval
        self.debounce = debounce
        self.live_reload = live_reload
        self.port_attempts = port_attempts if port_attempts is not None else (
            PORT_ATTEMPTS if port == DEFAULT_PORT else 1)
        self.out = out
        self.generation = 0
        self.rebuilds = 0  # rebuild() calls, successful or not
        self._session = uuid.uuid4().hex[:8]
        self._changed = threading.Condition()
        self._clients = 0
        self._closing = False
        self._stop_watching = threading.Event()
        self._log_lock = threading.Lock()
        self._httpd: _Server | None = None
        self._threads: list[threading.Thread] = []

    # -- state ------------------------------------------------------------------------------

    @property
    def token(self) -> str:
        """What the live-reload stream reports: changes on every successful rebuild and restart."""
        return f"{self._session}-{self.generation}"

    @property
    def port(self) -> int:
        assert self._httpd is not None, "not started"
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    def log(self, message: str) -> None:
        with self._log_lock:
            print(message, file=self.out or sys.stdout, flush=True)

    def host_allowed(self, header: str) -> bool:
        """Whether a request's Host header names this server: an IP address, `localhost`, or the
        host it was started with (`--host`), on any port."""
        name = header.strip().lower()
        if name.startswith("["):  # [::1]:8000
            name = name[1:].split("]", 1)[0]
        elif name.count(":") == 1:
            name = name.rsplit(":", 1)[0]
        name = name.rstrip(".")
        if not name:
            return False
        if name == "localhost" or name.endswith(".localhost") or name == self.host.lower().strip("[]"):
            return True
        try:
            ipaddress.ip_address(name)
            return True
        except ValueError:
            return False

    def wait_for_output(self, timeout: float = 2.0) -> None:
        """If the output folder is missing (mid-swap), wait a moment for it to come back."""
        deadline = time.monotonic() + timeout
        while not os.path.isdir(self.output_dir_str) and time.monotonic() < deadline and not self._closing:
            time.sleep(0.02)

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> str:
        """Bind, start serving and watching; returns the URL. Raises ServeError if it cannot bind."""
        self._httpd = self._bind()
        self._httpd.dev = self
        server_thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                         name="serve-http", daemon=True)
        server_thread.start()
        self._threads.append(server_thread)
        if self.rebuild is not None and self.watch_paths:
            baseline = snapshot(self.watch_paths, exclude=[self.output_dir])
            watcher = threading.Thread(target=self._watch, args=(baseline,), name="serve-watch", daemon=True)
            watcher.start()
            self._threads.append(watcher)
        return self.url

    def _bind(self) -> _Server:
        server_class = _Server6 if ":" in self.host else _Server
        port = self.requested_port
        last_error: OSError | None = None
        for attempt in range(max(1, self.port_attempts)):
            try_port = port + attempt if port else 0
            try:
                httpd = server_class((self.host, try_port), _Handler)
            except OSError as exc:
                last_error = exc
                if exc.errno == errno.EADDRINUSE and port:
                    continue
                raise ServeError(f"cannot serve on {self.host}:{try_port}: {exc.strerror or exc}") from exc
            if attempt:
                self.log(f"port {port} is in use; using {try_port} instead")
            return httpd
        last = port + max(1, self.port_attempts) - 1
        span = f"ports {port}-{last} are" if last != port else f"port {port} is"
        raise ServeError(f"{span} in use on {self.host} (another `build.py serve`?); "
                         f"pick another with --port") from last_error

    def close(self) -> None:
        """Stop watching and serving; open live-reload streams end."""
        self._stop_watching.set()
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=5)
        self._threads.clear()

    def __enter__(self) -> "DevServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- watching ---------------------------------------------------------------------------

    def _snapshot(self) -> Snapshot:
        return snapshot(self.watch_paths, exclude=[self.output_dir])

    def _settle(self, current: Snapshot, changes: set[str]) -> Snapshot:
        """Debounce: poll until nothing has changed for `debounce` seconds; collects the changes."""
        while not self._stop_watching.wait(self.debounce):
            settled = self._snapshot()
            if settled == current:
                break
            changes.update(changed_paths(current, settled))
            current = settled
        return current

    def _watch(self, previous: Snapshot) -> None:
        while not self._stop_watching.wait(self.poll_interval):
            current = self._snapshot()
            if current == previous:
                continue
            changes = set(changed_paths(previous, current))
            current = self._settle(current, changes)
            reason = describe_changes(sorted(changes))
            last_during: set[str] | None = None
            for follow_up in range(MAX_FOLLOW_UPS + 1):
                if self._stop_watching.is_set():
                    return
                self.run_rebuild(reason)
                after = self._snapshot()
                # Files that changed while rebuild() ran were written either by the build itself
                # (the importer writes content/) or by an editor saving meanwhile; the two look
                # alike, so build once more rather than lose a save. A build that writes the same
                # files every time (not idempotent) stops here, as does a long chain.
                during = set(changed_paths(current, after))
                if not during or during == last_during or follow_up == MAX_FOLLOW_UPS:
                    current = after
                    break
                last_during = during
                current = self._settle(after, during)
                reason = f"{describe_changes(sorted(during))} (during the rebuild)"
            previous = current

    def run_rebuild(self, reason: str = "request") -> bool:
        """Call rebuild(); on success bump the generation so open pages reload. Never raises."""
        assert self.rebuild is not None
        self.log(f"changed: {reason} — rebuilding")
        started = time.perf_counter()
        self.rebuilds += 1
        try:
            result = self.rebuild()
        except (Exception, SystemExit) as exc:
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self.log(f"rebuild failed: {detail}\n{traceback.format_exc().rstrip()}\n"
                     f"still serving the previous site")
            return False
        with self._changed:
            self.generation += 1
            clients = self._clients
            self._changed.notify_all()
        status = f" (exit status {result})" if isinstance(result, int) and not isinstance(result, bool) and result else ""
        pages = "" if not self.live_reload else f"; reloading {clients} open page{'s' if clients != 1 else ''}"
        self.log(f"rebuilt in {time.perf_counter() - started:.2f}s{status}{pages}")
        return True


def serve(
    output_dir: Path,
    watch_paths: Iterable[Path],
    rebuild: Callable[[], object] | None,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    poll_interval: float = 0.5,
    open_browser: bool = False,
    ready: threading.Event | None = None,
    stop: threading.Event | None = None,
    *,
    debounce: float = 0.3,
    live_reload: bool = True,
    on_ready: Callable[[DevServer], object] | None = None,
    out: TextIO | None = None,
) -> int:
    """Serve output_dir on http://host:port/, rebuild on changes, until Ctrl+C or `stop` is set.

    Returns 0 on a clean stop. Raises ServeError when it cannot bind (with the default port 8000
    it first tries 8001..8009 and says so). `ready` is set, and `on_ready(server)` called, once
    the server accepts connections (with port=0 the chosen port is `server.port`).
    """
    dev = DevServer(output_dir, watch_paths, rebuild, host=host, port=port, poll_interval=poll_interval,
                    debounce=debounce, live_reload=live_reload, out=out)
    stop = stop or threading.Event()
    try:
        url = dev.start()
        dev.log(f"serving {_display(dev.output_dir).rstrip(os.sep)}/ at {url} — Ctrl+C to stop")
        if host in ("0.0.0.0", "::", ""):
            dev.log("note: listening on every network interface; anyone on your network can see the site")
        if not dev.live_reload:
            dev.log("live reload is off: refresh pages by hand after a rebuild")
        if on_ready is not None:
            on_ready(dev)
        if ready is not None:
            ready.set()
        if open_browser:
            import webbrowser
            threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
        while not stop.wait(0.25):  # short waits keep Ctrl+C responsive in the main thread
            pass
    except KeyboardInterrupt:
        dev.log("\nstopped")
    finally:
        dev.close()
    return 0


# --------------------------------------------------------------------------------------------
# Command line


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """--host, --port, --no-reload, --open for the `serve` subcommand."""
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default: 127.0.0.1, this computer only; "
                             "0.0.0.0 exposes the site to your network)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"port to listen on (default: {DEFAULT_PORT}, or the next free one up to "
                             f"{DEFAULT_PORT + PORT_ATTEMPTS - 1}; 0 picks any free port)")
    parser.add_argument("--no-reload", dest="live_reload", action="store_false",
                        help="do not make open pages reload themselves after a rebuild")
    parser.add_argument("--open", dest="open_browser", action="store_true",
                        help="open the site in the default web browser")


def serve_from_args(args: argparse.Namespace, output_dir: Path, watch_paths: Iterable[Path],
                    rebuild: Callable[[], object]) -> int:
    """Run the server with the options of add_serve_arguments; 2 if it cannot start."""
    try:
        return serve(output_dir, list(watch_paths), rebuild, host=args.host, port=args.port,
                     open_browser=args.open_browser, live_reload=args.live_reload)
    except ServeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
