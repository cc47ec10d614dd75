"""`shownotes serve`: build, serve output/ on 127.0.0.1, rebuild on change, reload the browser.

Only in serve mode, every HTML response gets a small script that listens for
server-sent events: "reload" after a successful rebuild, "problems" with the
content errors to show as an overlay until they are fixed.
"""
from __future__ import annotations

import http.server
import json
import queue
import signal
import sys
import threading
from functools import partial
from pathlib import Path
from typing import Callable

EVENTS_PATH = "/__shownotes/events"
CLIENT = """<script>
(function () {
  var overlay = null;
  function show(problems) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "shownotes-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:99999;background:rgba(20,0,0,.92);color:#fff;" +
        "font:15px/1.5 ui-monospace,monospace;padding:2rem;overflow:auto;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "The site could not be rebuilt; fix these and save:\\n\\n" + problems.join("\\n");
  }
  var events = new EventSource("%s");
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("problems", function (e) { show(JSON.parse(e.data)); });
})();
</script>""" % EVENTS_PATH


class Broadcaster:
    """Fans server-sent events out to every open page; remembers the latest state for new pages."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.listeners: list[queue.Queue] = []
        self.problems: list[str] = []

    def subscribe(self) -> queue.Queue:
        q: queue.Queue = queue.Queue()
        with self.lock:
            self.listeners.append(q)
            if self.problems:
                q.put(("problems", json.dumps(self.problems)))
        return q

    def unsubscribe(self, q: queue.Queue) -> None:
        with self.lock:
            if q in self.listeners:
                self.listeners.remove(q)

    def send(self, event: str, data: str = "") -> None:
        with self.lock:
            self.problems = json.loads(data) if event == "problems" else []
            for q in self.listeners:
                q.put((event, data))


class Handler(http.server.SimpleHTTPRequestHandler):
    broadcaster: Broadcaster

    def log_message(self, *args) -> None:  # the terminal shows builds, not every request
        pass

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path == EVENTS_PATH:
            return self.stream_events()
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            body = path.read_bytes().replace(b"</body>", CLIENT.encode() + b"</body>", 1)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            return None
        return super().do_GET()

    def stream_events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        q = self.broadcaster.subscribe()
        try:
            self.wfile.write(b": connected\n\n")
            self.wfile.flush()
            while True:
                try:
                    event, data = q.get(timeout=15)
                    self.wfile.write(f"event: {event}\ndata: {data or '{}'}\n\n".encode())
                except queue.Empty:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            self.broadcaster.unsubscribe(q)


def make_server(output: Path, port: int, broadcaster: Broadcaster) -> http.server.ThreadingHTTPServer:
    handler = partial(type("BoundHandler", (Handler,), {"broadcaster": broadcaster}), directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def watch(paths: list[Path], rebuild: Callable[[set[tuple[str, str]]], None], stop: threading.Event) -> None:
    """Call rebuild(changes) after each batch of file changes, until stop is set. A change is
    (kind, path), the kind one of "added", "modified" and "deleted"."""
    import watchfiles

    existing = [str(p) for p in paths if p.exists()]
    for changes in watchfiles.watch(*existing, stop_event=stop, debounce=50, step=20,
                                    watch_filter=lambda change, path: not Path(path).name.startswith(".")):
        rebuild({(change.name, path) for change, path in changes})


def serve(site: Path, output: Path, port: int, rebuild: Callable[[set[tuple[str, str]] | None], str],
          log: Callable[[str], None] = print, tidy: Callable[[], None] = lambda: None) -> int:
    """Build, serve and watch until Ctrl-C. `rebuild(changes)` (the watcher's, see `watch`; None
    for the first build) returns a summary line or raises ContentError; `tidy()` runs a second
    after each build, once the browser has reloaded."""
    from .errors import ContentError

    broadcaster = Broadcaster()
    tidying: threading.Timer | None = None

    def run_build(changes: set[tuple[str, str]] | None = None) -> None:
        nonlocal tidying
        if tidying:
            tidying.cancel()
        try:
            log(rebuild(changes))
            broadcaster.send("reload")
        except ContentError as exc:
            lines = [str(p) for p in exc.problems]
            for line in lines:
                print(line, file=sys.stderr)
            print(f"shownotes: {len(lines)} problem(s); the browser shows them until they are fixed",
                  file=sys.stderr)
            broadcaster.send("problems", json.dumps(lines))
        tidying = threading.Timer(1.0, tidy)
        tidying.daemon = True
        tidying.start()

    output.mkdir(parents=True, exist_ok=True)
    run_build()
    try:
        server = make_server(output, port, broadcaster)
    except OSError as exc:
        print(f"shownotes serve: cannot listen on 127.0.0.1:{port} ({exc.strerror}); is another server "
              f"running? Try --port {port + 1}", file=sys.stderr)
        return 2
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    log(f"Serving {output} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
    stop = threading.Event()

    def interrupted(signum: int, frame: object) -> None:
        # Ctrl-C stops the watcher once the build in hand is done, instead of raising
        # KeyboardInterrupt wherever the main thread happens to be; a second one stops at once.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        stop.set()

    in_main_thread = threading.current_thread() is threading.main_thread()  # where signals can be handled
    handler = signal.signal(signal.SIGINT, interrupted) if in_main_thread else None
    try:
        watch([site / "content", site / "themes", site / "site.toml"], run_build, stop)
    except KeyboardInterrupt:
        pass
    finally:
        if handler is not None:
            signal.signal(signal.SIGINT, handler)
        stop.set()
        if tidying:
            tidying.cancel()
        server.shutdown()
        server.server_close()
    log("Stopped.")
    return 0
