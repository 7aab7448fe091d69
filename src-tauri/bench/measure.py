#!/usr/bin/env python3
"""Kiosk benchmarks (stdlib only; run under a display, see measure.sh).

1. Cold start: spawn the app, time until it prints "ui-ready-ms" (the home
   screen called `ui_ready` after its first render), N runs, median.
2. Memory after a ticket flow: the app + every process under it (WebKit web
   and network processes), RSS and PSS sums; the same ui/ pages in Debian's
   `chromium --kiosk` (served over HTTP, stub backend with the demo catalog
   and a real ticket), driven through the same flow with chromedriver.
   Also the distinct physical pages of each tree (root: /proc/PID/pagemap),
   which other processes on the machine cannot lower the way they lower PSS;
   BENCH_DETAIL=N prints each process's N largest kinds of mapping (libraries,
   heap, anonymous memory, fonts, shared memory) by PSS.
3. Release binary size.

`--animation`: instead, animation smoothness on the kiosk's own pages with
WebKit compositing off (the default) and on (MOTCUA_WEBKIT_ACCELERATION=1):
requestAnimationFrame callbacks and CPU time of the app and its WebKit
processes during the printing screen's progress bar, the loading spinner and
a transform animation of a whole screen.
"""

import base64
import json
import os
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KIOSK = os.environ.get("KIOSK_BIN", os.path.join(ROOT, "target-app/release/motcua-kiosk"))
CENTRAL = os.environ.get("CENTRAL_BIN", os.path.join(ROOT, "target-app/release/motcua-central"))
RUNS = int(os.environ.get("RUNS", "5"))
DETAIL = int(os.environ.get("BENCH_DETAIL", "0"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def http(method, url, body=None, headers=None, timeout=60):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read() or b"null")


class WebDriver:
    def __init__(self, base, caps):
        self.base = base
        v = http("POST", base + "/session", {"capabilities": {"alwaysMatch": caps}})["value"]
        self.id = v["sessionId"]

    def cmd(self, method, path, body=None):
        return http(method, f"{self.base}/session/{self.id}{path}", body if body is not None else ({} if method == "POST" else None))["value"]

    def js(self, script, *args):
        return self.cmd("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait(self, css, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            if self.js("return !!document.querySelector(arguments[0])", css):
                return
            time.sleep(0.05)
        raise RuntimeError(f"timeout waiting for {css}")

    def click(self, css):
        self.wait(css)
        el = self.cmd("POST", "/element", {"using": "css selector", "value": css})
        eid = list(el.values())[0]
        self.cmd("POST", f"/element/{eid}/click")

    def end(self):
        try:
            http("DELETE", f"{self.base}/session/{self.id}")
        except Exception:
            pass


def ticket_flow(d):
    d.wait("body[data-ready='1']")
    d.click("[data-testid='home-take']")
    d.click("[data-testid='services'] button")
    d.click("[data-testid='priority-none']")
    d.wait("[data-testid='ticket-number']")
    time.sleep(2)  # let the page settle (image decoded, timers idle)


def children(pid):
    out = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(p))
        except OSError:
            pass
    return out


def tree(pid):
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo.extend(children(p))
    return seen


def mem_kb(pid):
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def mapping_kind(name):
    """What a smaps mapping is, coarse enough to sum: heap, anon, a library, fonts, GPU, shared memory."""
    if name == "[heap]":
        return "heap (brk)"
    if name == "":
        return "anon (malloc arenas, JS heap, JIT, bitmaps)"
    if name.startswith("["):
        return name
    base = os.path.basename(name.split(" (deleted)")[0])
    if name.startswith("/dev/dri") or name.startswith("/dev/nvidia"):
        return "GPU device"
    if name.startswith("/memfd:") or name.startswith("/dev/shm") or name.startswith("/SYSV"):
        return "shared memory (" + base.split(":")[0].split(".")[0] + ")"
    if base.endswith((".ttf", ".otf", ".ttc", ".pfb")):
        return "fonts"
    if name.startswith("/usr/share/fonts") or "fontconfig" in name:
        return "fonts"
    if ".so" in base:
        return base.split(".so")[0] + ".so"
    return base


def smaps_pss(pid):
    """PSS in KiB of one process grouped by mapping_kind."""
    out, name = {}, ""
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                head = line.split(None, 1)[0]
                if "-" in head and not head.endswith(":"):
                    parts = line.split(None, 5)
                    name = parts[5].strip() if len(parts) > 5 else ""
                elif head == "Pss:":
                    kind = mapping_kind(name)
                    out[kind] = out.get(kind, 0) + int(line.split()[1])
    except OSError:
        pass
    return out


def resident_ranges(pid):
    """(start, end) of each mapping of `pid` with resident pages."""
    out, cur = [], None
    try:
        with open(f"/proc/{pid}/smaps") as f:
            for line in f:
                head = line.split(None, 1)[0]
                if "-" in head and not head.endswith(":"):
                    a, b = head.split("-")
                    cur = (int(a, 16), int(b, 16))
                elif head == "Rss:" and cur and int(line.split()[1]) > 0:
                    out.append(cur)
    except OSError:
        pass
    return out


def distinct_kib(pids):
    """KiB of distinct physical pages mapped by `pids`: their summed PSS if no
    process outside them shared a page (other browsers on the machine, for
    instance, lower plain PSS). Needs root for the page frame numbers; None
    without."""
    frames = set()
    chunk = 1 << 16
    zero = bytes(8 * chunk)
    for pid in pids:
        try:
            pagemap = open(f"/proc/{pid}/pagemap", "rb")
        except OSError:
            continue
        with pagemap:
            for start, end in resident_ranges(pid):
                page = start // 4096
                last = end // 4096
                while page < last:
                    n = min(chunk, last - page)
                    try:
                        pagemap.seek(page * 8)
                        data = pagemap.read(n * 8)
                    except OSError:
                        break
                    page += n
                    if data == zero[: len(data)]:
                        continue
                    for (entry,) in struct.iter_unpack("<Q", data):
                        if entry >> 63:
                            pfn = entry & ((1 << 55) - 1)
                            if pfn == 0:
                                return None
                            frames.add(pfn)
    return len(frames) * 4


def print_detail(rows, top):
    """BENCH_DETAIL=N: the N largest mapping kinds of each process, then of the tree."""
    total = {}
    for p, name, _rss, _pss, kinds in rows:
        for k, v in kinds.items():
            total[k] = total.get(k, 0) + v
        biggest = sorted(kinds.items(), key=lambda kv: -kv[1])[:top]
        print(f"      {p} {name}: " + ", ".join(f"{k} {v / 1024:.1f}" for k, v in biggest))
    biggest = sorted(total.items(), key=lambda kv: -kv[1])[:top]
    print("      tree: " + ", ".join(f"{k} {v / 1024:.1f}" for k, v in biggest))


def comm(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def measure_tree(root):
    pids = tree(root)
    rows = [(p, comm(p), *mem_kb(p), smaps_pss(p) if DETAIL else {}) for p in pids]
    return sum(r[2] for r in rows), sum(r[3] for r in rows), distinct_kib(pids), rows


def find_pid(exe_name, under):
    for p in tree(under):
        if comm(p) == exe_name[:15]:
            return p
    return None


def start_central(tmp):
    proc = subprocess.Popen([CENTRAL, "serve", "--listen", "127.0.0.1:0", "--demo", "--db", os.path.join(tmp, "c.db")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    for line in proc.stdout:
        if line.startswith("listening on "):
            return proc, line.split()[-1]
    raise RuntimeError("central did not start")


def write_config(tmp, url):
    os.makedirs(os.path.join(tmp, "slips"), exist_ok=True)
    path = os.path.join(tmp, "kiosk.toml")
    with open(path, "w") as f:
        f.write(f'''kiosk_id = "kiosk-bench"
center_id = "vp-tinh"
central_url = "{url}"
token = "demo-kiosk"
printer = "pdf+dir://{tmp}/slips"
admin_pin_hash = "sha256:03ac674216f3e15c761ee1a5e255f067953623c8b388b4459e13f978d7c846f4"
data_dir = "{tmp}/data"
idle_timeout_s = 600
fullscreen = false
''')
    return path


def kill_group(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        pass
    proc.wait()


def cold_start(config):
    times, inner = [], []
    for _ in range(RUNS):
        t0 = time.monotonic()
        p = subprocess.Popen([KIOSK, "--config", config, "--windowed"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True, start_new_session=True)
        for line in p.stdout:
            if line.startswith("ui-ready-ms"):
                times.append((time.monotonic() - t0) * 1000)
                inner.append(int(line.split()[1]))
                break
        kill_group(p)
        time.sleep(0.5)
    return times, inner


def start_tauri_driver(tmp, log_name, env=None):
    """tauri-driver on free ports, its log in `tmp`; answers (process, base URL) once it answers /status."""
    port, native = free_port(), free_port()
    log = open(os.path.join(tmp, log_name), "w")
    drv = subprocess.Popen(["tauri-driver", "--port", str(port), "--native-port", str(native)],
                           stdout=log, stderr=log, start_new_session=True, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            http("GET", base + "/status")
            break
        except Exception:
            time.sleep(0.1)
    return drv, base


def tauri_memory(config, tmp):
    drv, base = start_tauri_driver(tmp, "tauri-driver.log")
    d = WebDriver(base, {"tauri:options": {"application": KIOSK, "args": ["--config", config, "--windowed"]}})
    try:
        ticket_flow(d)
        pid = find_pid(os.path.basename(KIOSK), drv.pid)
        mem = measure_tree(pid)
        # A real ticket for the Chromium stub, so both show the same pages.
        d.js("window.__bench = null; window.__TAURI__.core.invoke('take_ticket', {service_id: 'vp-dat-dai-tai-nguyen', priority: null}).then(v => window.__bench = v)")
        for _ in range(100):
            outcome = d.js("return window.__bench")
            if outcome:
                break
            time.sleep(0.1)
        with open(os.path.join(tmp, "ticket.json"), "w") as f:
            json.dump(outcome, f)
    finally:
        d.end()
        kill_group(drv)
    return mem


def chromium_memory(tmp, central_url):
    site = os.path.join(tmp, "site")
    shutil.copytree(os.path.join(ROOT, "ui"), site)
    os.makedirs(os.path.join(site, "stub"))
    catalog = http("GET", central_url + "/api/v1/catalog", headers={"Authorization": "Bearer demo-kiosk"})
    with open(os.path.join(site, "stub", "catalog.json"), "w") as f:
        json.dump(catalog, f)
    shutil.copy(os.path.join(tmp, "ticket.json"), os.path.join(site, "stub", "ticket.json"))
    web_port = free_port()
    web = subprocess.Popen([sys.executable, "-m", "http.server", str(web_port), "--bind", "127.0.0.1", "--directory", site],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    port = free_port()
    drv = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            http("GET", base + "/status")
            break
        except Exception:
            time.sleep(0.1)
    caps = {"browserName": "chrome", "goog:chromeOptions": {"binary": shutil.which("chromium") or "/usr/bin/chromium", "args": [
        "--kiosk", "--no-sandbox", "--no-first-run", f"--user-data-dir={tmp}/chromium-profile", "--window-size=1280,1000",
        f"--app=http://127.0.0.1:{web_port}/index.html"]}}
    d = WebDriver(base, caps)
    try:
        d.cmd("POST", "/url", {"url": f"http://127.0.0.1:{web_port}/index.html"})
        ticket_flow(d)
        shot = d.cmd("GET", "/screenshot")
        with open(os.path.join(tmp, "chromium-ticket.png"), "wb") as f:
            f.write(base64.b64decode(shot))
        root = None
        for p in tree(drv.pid):
            if comm(p) in ("chromium", "chrome"):
                root = p
                break
        mem = measure_tree(root)
    finally:
        d.end()
        kill_group(drv)
        kill_group(web)
    return mem


# Runs in the page: mounts one of the kiosk's own screens in #screen, counts
# requestAnimationFrame callbacks for `ms` and returns the frame intervals.
ANIMATION_JS = """
const [scene, ms, done] = arguments;
import(new URL("js/screens/common.js", location.href).href).then((common) => {
  const screen = document.getElementById("screen");
  let stop = () => {};
  if (scene === "printing") {
    screen.replaceChildren(common.printingScreen());
  } else if (scene === "spinner") {
    screen.replaceChildren(common.loading());
  } else {
    const anim = screen.animate([{ transform: "translateX(0)" }, { transform: "translateX(-25%)" }],
                                { duration: 1000, iterations: Infinity, direction: "alternate", easing: "ease-in-out" });
    stop = () => anim.cancel();
  }
  const times = [];
  const t0 = performance.now();
  function frame(t) {
    times.push(t);
    if (t - t0 < ms) requestAnimationFrame(frame);
    else { stop(); done(times.slice(1).map((x, i) => x - times[i])); }
  }
  requestAnimationFrame(frame);
});
"""

SCENES = [
    ("printing", "printing screen: progress bar (0.4 s width transitions at 0.05 s and 0.7 s), first 1.5 s", 1500),
    ("spinner", "loading spinner (CSS rotate, infinite)", 3000),
    ("slide", "the home screen sliding (Web Animations transform, whole screen)", 3000),
]


def cpu_ticks(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total


def frame_stats(runs, wall_ms):
    """Over the runs of one scene: median fps, intervals over 25 ms (a 60 Hz
    frame and a half), frames missed on a 60 Hz clock out of those expected,
    worst interval, CPU time of the app and its WebKit processes (share of one
    core over the run)."""
    period = 1000 / 60
    fps = statistics.median(len(i) / (wall_ms / 1000) for i, _ in runs)
    long = sum(sum(1 for x in i if x > 25) for i, _ in runs)
    missed = sum(sum(max(0, round(x / period) - 1) for x in i) for i, _ in runs)
    expected = len(runs) * round(wall_ms / period)
    worst = max(max(i) for i, _ in runs)
    cpu = statistics.mean(c for _, c in runs)
    return (f"{fps:4.0f} fps, {long:3d} intervals > 25 ms, {missed:3d}/{expected} frames missed, "
            f"worst {worst:3.0f} ms, CPU {100 * cpu:3.0f}% of a core")


def animation(config, tmp, accelerate):
    env = dict(os.environ)
    if accelerate:
        env["MOTCUA_WEBKIT_ACCELERATION"] = "1"
    drv, base = start_tauri_driver(tmp, f"tauri-driver-anim-{accelerate}.log", env)
    d = WebDriver(base, {"tauri:options": {"application": KIOSK, "args": ["--config", config, "--windowed"]}})
    out = []
    try:
        d.wait("body[data-ready='1']")
        time.sleep(2)
        pids = tree(find_pid(os.path.basename(KIOSK), drv.pid))
        hz = os.sysconf("SC_CLK_TCK")
        for scene, _label, ms in SCENES:
            runs = []
            for _ in range(RUNS):
                before, t0 = cpu_ticks(pids), time.monotonic()
                intervals = d.cmd("POST", "/execute/async", {"script": ANIMATION_JS, "args": [scene, ms]})
                runs.append((intervals, (cpu_ticks(pids) - before) / hz / (time.monotonic() - t0)))
                d.js("document.querySelector('[data-testid=nav-home]').click()")
                time.sleep(0.5)
            out.append(frame_stats(runs, ms))
    finally:
        d.end()
        kill_group(drv)
    return out


def main_animation():
    tmp = tempfile.mkdtemp(prefix="motcua-bench-")
    central, url = start_central(tmp)
    try:
        config = write_config(tmp, url)
        results = {accelerate: animation(config, tmp, accelerate) for accelerate in (False, True)}
    finally:
        kill_group(central)
    print(f"binary: {KIOSK}; {RUNS} runs of each scene, 1280x1000 window on Xvfb (no GPU: compositing draws with Mesa llvmpipe)")
    for i, (scene, label, ms) in enumerate(SCENES):
        print(f"{scene}: {label}, {ms / 1000:g} s")
        print(f"    compositing off (default):                     {results[False][i]}")
        print(f"    compositing on (MOTCUA_WEBKIT_ACCELERATION=1): {results[True][i]}")


def main():
    if "--animation" in sys.argv[1:]:
        main_animation()
        return
    tmp = tempfile.mkdtemp(prefix="motcua-bench-")
    central, url = start_central(tmp)
    try:
        config = write_config(tmp, url)
        times, inner = cold_start(config)
        t_rss, t_pss, t_own, t_rows = tauri_memory(config, tmp)
        c_rss, c_pss, c_own, c_rows = chromium_memory(tmp, url)
    finally:
        kill_group(central)
    size = os.path.getsize(KIOSK)
    print(f"binary: {KIOSK}")
    print(f"cold start to interactive home (spawn → ui_ready), {RUNS} runs: median {statistics.median(times):.0f} ms, "
          f"min {min(times):.0f}, max {max(times):.0f} (in-process clock: median {statistics.median(inner)} ms)")
    print(f"memory after a ticket flow, motcua-kiosk + WebKit: RSS sum {t_rss / 1024:.0f} MiB, PSS sum {t_pss / 1024:.0f} MiB")
    for p, name, rss, pss, _ in t_rows:
        print(f"    {p:>7} {name:<20} RSS {rss / 1024:6.0f} MiB  PSS {pss / 1024:6.0f} MiB")
    if DETAIL:
        print_detail(t_rows, DETAIL)
    print(f"memory after the same flow, chromium --kiosk: RSS sum {c_rss / 1024:.0f} MiB, PSS sum {c_pss / 1024:.0f} MiB")
    for p, name, rss, pss, _ in c_rows:
        print(f"    {p:>7} {name:<20} RSS {rss / 1024:6.0f} MiB  PSS {pss / 1024:6.0f} MiB")
    if DETAIL:
        print_detail(c_rows, DETAIL)
    print(f"ratio kiosk/chromium: RSS {t_rss / c_rss:.2f}, PSS {t_pss / c_pss:.2f}")
    if t_own and c_own:
        print(f"distinct pages of each tree (its PSS if nothing else shared its pages): kiosk {t_own / 1024:.0f} MiB, "
              f"chromium {c_own / 1024:.0f} MiB, ratio {t_own / c_own:.2f}")
    print(f"release binary size: {size / 1e6:.1f} MB ({size} bytes)")
    print(f"work folder (Chromium screenshot, ticket.json): {tmp}")


if __name__ == "__main__":
    main()
