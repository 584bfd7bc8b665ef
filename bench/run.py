"""`make bench`: HTTP throughput of the measured pages against a bare Flask app, both under gunicorn.

Serves the app (2 sync workers, rate limits off) on the seeded PostgreSQL database (DATABASE_URL, or the
largest scale_* database) and bench/bare_app.py under the same settings, each on a free loopback port;
logs in once per page group with requests (following the redirect to the home page, as a browser does) to get
the session cookie and CSRF token, takes the cookie as it is just before each page, then drives each page with
wrk (bench/wrk.lua) at 32 connections. Prints requests/s, p50, p99 and the ratio to the bare app, and writes
bench/results.json; exits with status 1 when a page misses its target (RATÉ), after writing the figures.

Environment: DATABASE_URL, BENCH_DURATION (seconds per page, default 10), BENCH_CONNECTIONS (32),
BENCH_THREADS (2), BENCH_PASSWORD (seeded accounts' password), BENCH_ONLY (comma-separated page keys).
"""
import html
import json
import os
import re
import shutil
import socket
import subprocess  # nosec B404
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]
from targets import SIMILAR_TEXT, database_url, forget_bench_attempts, pick, quiz_attempts_mark  # noqa: E402

GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
WORKERS = "2"
RATIO_TARGET = 0.10
P99_TARGET_MS = 100.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_wrk():
    if shutil.which("wrk"):
        return shutil.which("wrk")
    print("bench: wrk missing, installing it (apt-get install -y wrk)...", flush=True)
    try:
        subprocess.run(["apt-get", "install", "-y", "wrk"], check=True,  # noqa: S603, S607  # nosec
                       stdout=subprocess.DEVNULL)
    except (OSError, subprocess.CalledProcessError):
        pass
    if not shutil.which("wrk"):
        sys.exit("bench: wrk is required (Debian package `wrk`): run `sudo apt-get install -y wrk` and retry")
    return shutil.which("wrk")


def serve(module, port, env):
    cmd = [GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", WORKERS, "--worker-class", "sync",
           "--log-level", "warning", module]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)  # noqa: S603  # nosec B603
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"bench: gunicorn {module} exited with {proc.returncode}")
        try:
            requests.get(f"http://127.0.0.1:{port}/", timeout=2)
            return proc
        except requests.RequestException:
            time.sleep(0.3)
    proc.terminate()
    sys.exit(f"bench: gunicorn {module} did not answer on port {port}")


def stop(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_of(text):
    match = CSRF.search(text)
    return html.unescape(match.group(1) or match.group(2)) if match else ""


def log_in(base, email, password):
    """A logged-in requests session (the cookie jar holds the Flask session cookie)."""
    s = requests.Session()
    token = csrf_of(s.get(f"{base}/connexion", timeout=30).text)
    r = s.post(f"{base}/connexion", data={"email": email, "password": password, "csrf_token": token, "next": ""},
               timeout=30, allow_redirects=False)
    if r.status_code != 302 or "verification" in r.headers.get("Location", ""):
        sys.exit(f"bench: cannot log in as {email} (status {r.status_code}); set BENCH_PASSWORD "
                 "or pick an account without two-factor authentication")
    # As a browser does: follow the redirect to the home page and keep the cookie it sets (the session then
    # holds the CSRF secret of the forms every page prints). wrk replays one fixed cookie: without this, each
    # measured request would create that secret again and write a new session cookie, which no browser does.
    s.get(requests.compat.urljoin(f"{base}/", r.headers["Location"]), timeout=30, allow_redirects=False)
    return s


def cookie_header(s):
    return "; ".join(f"{c.name}={c.value}" for c in s.cookies)


def quiz_body(page_html, csrf):
    """First choice of every question, no submission key (each POST is a new attempt)."""
    fields = [("csrf_token", csrf), ("submission_key", "")]
    seen = set()
    for tag in re.findall(r"<input[^>]*>", page_html):
        name = re.search(r'name="(q-[^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and value and name.group(1) not in seen:
            seen.add(name.group(1))
            fields.append((name.group(1), html.unescape(value.group(1))))
    return urlencode(fields)


def plan(base, t):
    """The measured pages: (key, label, method, path, signed-in requests session or None, body, counted)."""
    pages = [("bare", "Application Flask nue (`ok`)", "GET", "/", None, "", None)]
    anonymous = [("login", "Page de connexion", "GET", "/connexion", None, "")]
    agent = log_in(base, t.agent_email, t.password)
    agent_pages = [("agent_dashboard", "Tableau de bord agent", "GET", "/agent", agent, "")]
    if t.module_slug:
        agent_pages.append(("lesson", "Page de leçon", "GET",
                            f"/formation/modules/{t.module_slug}/lecons/{t.lesson_slug}", agent, ""))
        quiz_page = agent.get(f"{base}/formation/modules/{t.module_slug}/quiz", timeout=30)
        if quiz_page.status_code == 200:
            agent_pages.append(("quiz_submit", "Envoi du quiz (POST)", "POST",
                                f"/formation/modules/{t.module_slug}/quiz", agent,
                                quiz_body(quiz_page.text, csrf_of(quiz_page.text))))
    agent_pages.append(("passport", "Passeport de l'agent", "GET", "/passeport/", agent, ""))
    agent_pages.append(("desk_log", "Registre d'accueil de l'agent", "GET", "/accueil/registre", agent, ""))
    if t.application_id:
        home = agent.get(f"{base}/agent", timeout=30).text
        agent_pages.append(("similar_search", "Recherche de remontées similaires (POST)", "POST",
                            "/remontees/similaires", agent,
                            urlencode({"csrf_token": csrf_of(home), "application": t.application_id,
                                       "title": SIMILAR_TEXT, "what_happened": SIMILAR_TEXT})))
    document = agent.get(f"{base}/passeport/document", timeout=30).text
    verify = re.search(r'/verify/[A-Za-z0-9._~%-]+', document)
    if verify:
        anonymous.append(("verification", "Page de vérification", "GET", html.unescape(verify.group(0)), None, ""))
    agent_pages.append(("passport_pdf", "Passeport PDF", "GET", "/passeport/document.pdf", agent, ""))
    hr = log_in(base, t.hr_email, t.password)
    hr_pages = [
        ("hr_queue", "RH : file de validation", "GET", "/rh/passeports/", hr, ""),
        ("hr_team", "RH : équipe (plus grande structure)", "GET", "/rh/formation/", hr, ""),
        ("wc_incidents", "RH : signalements d'incidents", "GET", "/conditions-de-travail/signalements", hr, ""),
        ("wc_indicators", "RH : indicateurs conditions de travail", "GET", "/conditions-de-travail/indicateurs",
         hr, ""),
        ("quality_org", "Qualité de l'accueil : structure (trimestre)", "GET",
         f"/qualite/structure/{t.organisation_code}", hr, ""),
    ]
    if t.network_email:
        hr_pages.append(("quality_department", "Qualité de l'accueil : département", "GET",
                         f"/qualite/departement/{t.network_department}",
                         log_in(base, t.network_email, t.password), ""))
    if t.admin_email:
        admin = log_in(base, t.admin_email, t.password)
        hr_pages.append(("quality_national", "Qualité de l'accueil : national", "GET", "/qualite/national",
                         admin, ""))
        hr_pages.append(("wc_indicators_national", "Conditions de travail : national", "GET",
                         "/conditions-de-travail/indicateurs", admin, ""))
    triage_pages = []
    if t.triager_email:
        triager = log_in(base, t.triager_email, t.password)
        triage_pages.append(("triage_board", "Tableau de tri filtré", "GET",
                             "/equipe/remontees?status=open&sort=recent", triager, ""))
    if t.expert_email:
        expert = log_in(base, t.expert_email, t.password)
        triage_pages.append(("backoffice_board", "Appui expert : tableau d'un pôle national", "GET", "/appui/pole",
                             expert, ""))
        if t.expert_request:
            triage_pages.append(("backoffice_request", "Appui expert : une demande (expert)", "GET",
                                 f"/appui/demandes/{t.expert_request}", expert, ""))
    if t.support_agent_email:
        support_agent = log_in(base, t.support_agent_email, t.password)
        triage_pages.append(("backoffice_mine", "Appui expert : mes demandes (agent)", "GET", "/appui/demandes",
                             support_agent, ""))
        if t.agent_request:
            triage_pages.append(("backoffice_request_agent", "Appui expert : une demande (agent)", "GET",
                                 f"/appui/demandes/{t.agent_request}", support_agent, ""))
    writes = [page for page in agent_pages if page[2] == "POST" and page[0] == "quiz_submit"]
    reads = [page for page in agent_pages if page not in writes]
    for key, label, method, path, ck, body in anonymous + reads + hr_pages + triage_pages + writes:
        pages.append((key, label, method, path, ck, body, True))
    return pages


def check(base, method, path, client, body):
    """One request as wrk will send it, through the page group's requests session (its cookie jar then holds the
    session cookie as it is now, like a browser's); returns the status and the cookie header for wrk. The
    session moves its « last seen » clock at most every 30 s: taking the cookie just before each page keeps it
    unchanged for the page's run, so that wrk replays the cookie a browser would hold, not a stale one that
    every response would have to write again. A page that still writes the cookie is said so."""
    headers, sender = {}, client or requests
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    for _ in range(2):
        if method == "POST":
            r = sender.post(base + path, data=body, headers=headers, timeout=60, allow_redirects=False)
        else:
            r = sender.get(base + path, headers=headers, timeout=60, allow_redirects=False)
        if client is None or "Set-Cookie" not in r.headers:
            break
    if client is not None and "Set-Cookie" in r.headers:
        print(f"bench: {path} writes the session cookie on every request: measured as such", file=sys.stderr)
    return r.status_code, cookie_header(client) if client is not None else ""


def run_wrk(wrk, base, method, path, cookie, body, duration, connections, threads):
    # wrk sends the User-Agent of the requests session that signed in and took the cookie, as a browser sends the
    # same one on every request: Flask-Login's session protection ties the session to the address and the agent, and
    # a request without it marks the replayed cookie not fresh and writes it again on every response.
    env = dict(os.environ, BENCH_PATH=path, BENCH_METHOD=method, BENCH_COOKIE=cookie, BENCH_BODY=body,
               BENCH_USER_AGENT=requests.utils.default_user_agent())
    out = subprocess.run(  # noqa: S603  # nosec B603
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
         "-s", str(HERE / "wrk.lua"), base + "/"],
        env=env, capture_output=True, text=True, check=False,
    )
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH_JSON ")), None)
    if line is None:
        return {"error": (out.stderr or out.stdout)[-500:]}
    return json.loads(line[len("BENCH_JSON "):])


def main():
    duration = int(os.environ.get("BENCH_DURATION", "10"))
    connections = int(os.environ.get("BENCH_CONNECTIONS", "32"))
    threads = int(os.environ.get("BENCH_THREADS", "2"))
    only = {k for k in os.environ.get("BENCH_ONLY", "").split(",") if k}
    wrk = ensure_wrk()
    db_url = database_url()
    env = dict(os.environ, DATABASE_URL=db_url, APP_ENV="development", RATELIMIT_ENABLED="false",
               SECRET_KEY=os.environ.get("SECRET_KEY", "bench-secret-key-not-for-production"),
               PYTHONPATH=str(ROOT))
    app_port, bare_port = free_port(), free_port()
    env["BASE_URL"] = f"http://127.0.0.1:{app_port}"
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "APP_ENV", "SECRET_KEY", "BASE_URL",
                                           "RATELIMIT_ENABLED")})
    from app import create_app

    app = create_app()
    targets = pick(app)
    mark = quiz_attempts_mark(app, targets.agent_email)
    print(f"bench: database {db_url.rsplit('/', 1)[-1]} {targets.counts}; largest organisation "
          f"{targets.organisation} ({targets.organisation_agents} agents)", flush=True)
    app_proc = bare_proc = None
    results = {"database": db_url.rsplit("/", 1)[-1], "counts": targets.counts,
               "organisation": targets.organisation, "organisation_agents": targets.organisation_agents,
               "duration_s": duration, "connections": connections, "workers": int(WORKERS),
               "pages": {}}
    try:
        app_proc = serve("wsgi:app", app_port, env)
        bare_proc = serve("bench.bare_app:app", bare_port, env)
        app_base, bare_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
        pages = plan(app_base, targets)
        for key, label, method, path, client, body, _ in pages:
            if only and key not in only and key != "bare":
                continue
            base = bare_base if key == "bare" else app_base
            status, cookie = check(base, method, path, client, body)
            figures = run_wrk(wrk, base, method, path, cookie, body, duration, connections, threads)
            figures.update(label=label, method=method, path=path, status=status)
            results["pages"][key] = figures
            print(f"  {key:<16} {status} {figures.get('rps', 0):8.1f} req/s  p99 {figures.get('p99_ms', 0):7.1f} ms",
                  flush=True)
    finally:
        stop(app_proc)
        stop(bare_proc)
        removed = forget_bench_attempts(app, mark)
        print(f"bench: {removed} quiz attempts written by the run deleted (the next run measures the same data)")
    missed = table(results)
    (HERE / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"bench: figures written to {HERE / 'results.json'}")
    if missed:
        sys.exit(f"bench: target missed (>= {RATIO_TARGET:.0%} of the bare app, p99 < {P99_TARGET_MS:.0f} ms, "
                 f"no error) on {len(missed)} page(s): {', '.join(missed)}")


def table(results):
    """Print the figures with each page's verdict; returns the keys of the pages that missed their target."""
    pages, missed = results["pages"], []
    bare = pages.get("bare", {}).get("rps") or 0
    print()
    print(f"| {'page':<18} | {'statut':>6} | {'req/s':>8} | {'p50 ms':>7} | {'p99 ms':>7} | {'/ nue':>6} | cible |")
    print(f"|{'-' * 20}|{'-' * 8}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 8}|-------|")
    for key, f in pages.items():
        if "rps" not in f:
            print(f"| {key:<18} | erreur : {f.get('error', '')[:80]}")
            missed.append(key)
            continue
        ratio = f["rps"] / bare if bare else 0
        f["ratio"] = round(ratio, 4)
        errors = sum(f["errors"].values())
        if key == "bare":
            verdict = "—"
        elif key == "passport_pdf":
            verdict = "info"
        else:
            ok = ratio >= RATIO_TARGET and f["p99_ms"] < P99_TARGET_MS and errors == 0
            f["target_met"] = ok
            verdict = "OK" if ok else "RATÉ"
            if not ok:
                missed.append(key)
        suffix = f"  ({errors} erreurs)" if errors else ""
        print(f"| {key:<18} | {f['status']:>6} | {f['rps']:8.1f} | {f['p50_ms']:7.1f} | {f['p99_ms']:7.1f} | "
              f"{ratio:6.1%} | {verdict:<5} |{suffix}")
    return missed


if __name__ == "__main__":
    main()
