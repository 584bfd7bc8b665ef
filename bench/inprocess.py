"""In-process figures for `make bench` (no HTTP server, no load generator).

- every measured page timed through Flask's test client (median of --repeat requests) and its SQL query
  count, at the full seeded scale and, when one exists, on a 1% scale database: the 1.3x rule; both
  databases are served by two apps in one process, and their requests alternate one by one;
- the passport PDF in ms per document (target < 60 ms);
- the similar-report search p95 in ms at the seeded size (target < 20 ms at 100,000 reports);
- the peak Python memory (tracemalloc) while streaming the HR CSV export of the largest organisation, and of
  an organisation at least 20x smaller: flat memory means about the same peak.

Environment: DATABASE_URL (full scale; default the largest scale_* database), BENCH_SMALL_DATABASE_URL
(1% scale; default the smallest other scale_* database), BENCH_PASSWORD. Merges its figures into
bench/results.json under "inprocess".
"""
import argparse
import html
import json
import os
import re
import statistics
import subprocess  # nosec B404
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]
from targets import (  # noqa: E402
    SIMILAR_TEXT,
    database_url,
    forget_bench_attempts,
    pick,
    quiz_attempts_mark,
    scale_databases,
)

PDF_TARGET_MS = 60.0
SIMILAR_TARGET_MS = 20.0
SCALE_RULE = 1.3
SIMILAR_TEXTS = [
    SIMILAR_TEXT,
    "Le paiement de la prime d'activité n'apparaît pas dans l'espace personnel",
    "Erreur lors du téléversement du justificatif de domicile",
    "La demande de titre de séjour reste bloquée à l'étape de la photo",
    "Le code de vérification reçu par SMS est refusé",
]


def csrf_of(text):
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text)
    return html.unescape(match.group(1)) if match else ""


def quiz_form(text):
    form, seen = {"submission_key": ""}, set()
    for tag in re.findall(r"<input[^>]*>", text):
        name, value = re.search(r'name="(q-[^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and value and name.group(1) not in seen:
            seen.add(name.group(1))
            form[name.group(1)] = html.unescape(value.group(1))
    return form


class QueryCounter:
    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._hit)

    def _hit(self, *args, **kwargs):
        self.count += 1


def _call(client, method, path, data):
    call = client.post if method == "POST" else client.get
    response = call(path, data=data) if data is not None else call(path)
    response.get_data()
    return response


def _figures(samples, status, queries, repeat):
    return {"status": status, "median_ms": round(statistics.median(samples), 3),
            "p95_ms": round(sorted(samples)[int(0.95 * (len(samples) - 1))], 3),
            "queries": queries // repeat}


def timed_pair(sides, key, repeat):
    """Time one page on each database, alternating request by request (the machine's noise then
    weighs the same on both sides of the 1.3x ratio)."""
    present = [side for side in sides if key in side["pages"]]
    for side in present:
        client, method, path, data = side["pages"][key]
        for _ in range(3):  # warm-up: templates compiled, caches filled
            _call(client, method, path, data)
        side["counter"].count = 0
    samples = {id(side): [] for side in present}
    status = {}
    for _ in range(repeat):
        for side in present:
            client, method, path, data = side["pages"][key]
            start = time.perf_counter()
            response = _call(client, method, path, data)
            samples[id(side)].append((time.perf_counter() - start) * 1000)
            status[id(side)] = response.status_code
    return [dict(_figures(samples[id(side)], status[id(side)], side["counter"].count, repeat),
                 path=side["pages"][key][2]) for side in present]


def _side(url):
    """An app on one database, the measured users logged in, and its pages."""
    from app import create_app
    from app.extensions import db

    app = create_app(SQLALCHEMY_DATABASE_URI=url)
    app.config["WTF_CSRF_ENABLED"] = False
    t = pick(app)
    with app.app_context():
        counter = QueryCounter(db.engine)
    pages = {}

    def client_for(email):
        client = app.test_client()
        r = client.post("/connexion", data={"email": email, "password": t.password, "next": ""})
        if r.status_code != 302 or "verification" in r.headers.get("Location", ""):
            sys.exit(f"inprocess: cannot log in as {email}")
        return client

    anonymous = app.test_client()
    agent = client_for(t.agent_email)
    pages["login"] = (anonymous, "GET", "/connexion", None)
    pages["agent_dashboard"] = (agent, "GET", "/agent", None)
    if t.module_slug:
        pages["lesson"] = (agent, "GET", f"/formation/modules/{t.module_slug}/lecons/{t.lesson_slug}", None)
        quiz = agent.get(f"/formation/modules/{t.module_slug}/quiz")
        if quiz.status_code == 200:
            pages["quiz_submit"] = (agent, "POST", f"/formation/modules/{t.module_slug}/quiz",
                                    quiz_form(quiz.get_data(as_text=True)))
    pages["passport"] = (agent, "GET", "/passeport/", None)
    pages["desk_log"] = (agent, "GET", "/accueil/registre", None)
    if t.application_id:
        pages["similar_search"] = (agent, "POST", "/remontees/similaires",
                                   {"application": str(t.application_id), "title": SIMILAR_TEXT,
                                    "what_happened": SIMILAR_TEXT})
    verify = re.search(r'/verify/[A-Za-z0-9._~%-]+', agent.get("/passeport/document").get_data(as_text=True))
    if verify:
        pages["verification"] = (anonymous, "GET", html.unescape(verify.group(0)), None)
    pages["passport_pdf"] = (agent, "GET", "/passeport/document.pdf", None)
    hr = client_for(t.hr_email)
    pages["hr_queue"] = (hr, "GET", "/rh/passeports/", None)
    pages["hr_team"] = (hr, "GET", "/rh/formation/", None)
    pages["wc_incidents"] = (hr, "GET", "/conditions-de-travail/signalements", None)
    pages["wc_indicators"] = (hr, "GET", "/conditions-de-travail/indicateurs", None)
    pages["quality_org"] = (hr, "GET", f"/qualite/structure/{t.organisation_code}", None)
    if t.network_email:
        pages["quality_department"] = (client_for(t.network_email), "GET",
                                       f"/qualite/departement/{t.network_department}", None)
    if t.admin_email:
        pages["quality_national"] = (client_for(t.admin_email), "GET", "/qualite/national", None)
        pages["wc_indicators_national"] = (client_for(t.admin_email), "GET", "/conditions-de-travail/indicateurs",
                                           None)
    if t.expert_email:
        expert = client_for(t.expert_email)
        pages["backoffice_board"] = (expert, "GET", "/appui/pole", None)
        if t.expert_request:
            pages["backoffice_request"] = (expert, "GET", f"/appui/demandes/{t.expert_request}", None)
    if t.support_agent_email:
        support_agent = client_for(t.support_agent_email)
        pages["backoffice_mine"] = (support_agent, "GET", "/appui/demandes", None)
        if t.agent_request:
            pages["backoffice_request_agent"] = (support_agent, "GET", f"/appui/demandes/{t.agent_request}", None)
    if t.triager_email:
        pages["triage_board"] = (client_for(t.triager_email), "GET", "/equipe/remontees?status=open&sort=recent",
                                 None)
    if "quiz_submit" in pages:  # last: each submission writes an attempt that later pages could read
        pages["quiz_submit"] = pages.pop("quiz_submit")
    return {"app": app, "targets": t, "counter": counter, "pages": pages, "hr": hr, "client_for": client_for}


def measure(repeat, full_url, small_url):
    """Figures of both databases, measured in one process, page by page, alternating requests."""
    os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
    os.environ.setdefault("BASE_URL", "http://127.0.0.1:5000")
    os.environ["APP_ENV"] = "development"
    os.environ["RATELIMIT_ENABLED"] = "false"
    os.environ["DATABASE_URL"] = full_url
    sides = [_side(full_url)] + ([_side(small_url)] if small_url else [])
    marks = [quiz_attempts_mark(side["app"], side["targets"].agent_email) for side in sides]
    results = [{"counts": side["targets"].counts, "organisation_agents": side["targets"].organisation_agents,
                "pages": {}} for side in sides]
    try:
        for key in sides[0]["pages"]:
            for out, figures in zip(results, timed_pair(sides, key, repeat), strict=False):
                out["pages"][key] = figures
    finally:
        for side, mark in zip(sides, marks, strict=True):
            forget_bench_attempts(side["app"], mark)
    full, app, t = results[0], sides[0]["app"], sides[0]["targets"]
    full["similar"] = similar_p95(app, t)
    full["csv_export"] = csv_memory(sides[0]["hr"])
    small_hr, small_agents = small_organisation_hr(app, t.organisation_agents)
    if small_hr:  # flat memory: about the same peak for a 20x smaller output
        full["csv_export_small"] = dict(csv_memory(sides[0]["client_for"](small_hr)),
                                        organisation_agents=small_agents)
    return {"full": full, "small": results[1] if small_url else None}


def similar_p95(app, t):
    from app.extensions import db
    from app.reports.catalog_models import Application
    from app.reports.similar import similar_reports

    samples = []
    with app.app_context():
        application = db.session.get(Application, t.application_id) if t.application_id else None
        if application is None:
            return None
        for text in SIMILAR_TEXTS:
            similar_reports(application, text)
        for i in range(100):
            text = SIMILAR_TEXTS[i % len(SIMILAR_TEXTS)]
            start = time.perf_counter()
            similar_reports(application, text)
            samples.append((time.perf_counter() - start) * 1000)
            db.session.rollback()
    samples.sort()
    return {"p50_ms": round(samples[49], 3), "p95_ms": round(samples[94], 3), "max_ms": round(samples[-1], 3)}


def csv_memory(hr):
    """Peak traced Python memory while streaming the export, compared with the bytes produced.

    A first, unmeasured download fills the one-time caches (compiled SQL, templates), which would otherwise
    count in the peak. `buffered=False` hands back the application's iterator: chunks are measured as they
    are produced and dropped, so the peak is the application's, not a buffered copy of the response.
    """
    def download():
        response = hr.get("/rh/formation/export.csv", buffered=False)
        size = lines = 0
        for chunk in response.response:
            size += len(chunk)
            lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
        response.close()
        return response.status_code, size, lines

    download()
    tracemalloc.start()
    start = time.perf_counter()
    status, size, lines = download()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"status": status, "bytes": size, "lines": lines, "peak_kib": round(peak / 1024, 1),
            "seconds": round(time.perf_counter() - start, 3)}


def small_organisation_hr(app, largest_agents):
    """(HR e-mail, agents) of the largest organisation at most a twentieth the size of the largest one."""
    from sqlalchemy import func

    from app.accounts.models import Role, User
    from app.extensions import db

    with app.app_context():
        sizes = (
            db.select(User.organisation_id, func.count().label("agents"))
            .where(User.role == Role.AGENT, User.organisation_id.is_not(None))
            .group_by(User.organisation_id).having(func.count() <= largest_agents // 20).subquery()
        )
        row = db.session.execute(
            db.select(User.email, sizes.c.agents).join(sizes, sizes.c.organisation_id == User.organisation_id)
            .where(User.role == Role.HR).order_by(sizes.c.agents.desc(), User.id).limit(1)
        ).first()
    return (row.email, row.agents) if row else (None, 0)


def small_database_url(full_url):
    if os.environ.get("BENCH_SMALL_DATABASE_URL"):
        return os.environ["BENCH_SMALL_DATABASE_URL"]
    full_name = full_url.rsplit("/", 1)[-1]
    others = [name for name, _ in scale_databases() if name != full_name]
    return f"postgresql://postgres@127.0.0.1:5432/{others[-1]}" if others else None


def run_child(full_url, small_url, repeat):
    env = dict(os.environ, DATABASE_URL=full_url, BENCH_SMALL_DATABASE_URL=small_url or "")
    cmd = [sys.executable, __file__, "--measure", "--repeat", str(repeat)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if done.returncode != 0:
        sys.exit(f"inprocess: measuring failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", "40")))
    args = parser.parse_args()
    if args.measure:
        figures = measure(args.repeat, os.environ["DATABASE_URL"], os.environ.get("BENCH_SMALL_DATABASE_URL") or None)
        print(json.dumps(figures))
        return
    full_url = database_url()
    small_url = small_database_url(full_url)
    print(f"inprocess: full scale {full_url.rsplit('/', 1)[-1]}, "
          f"1% scale {small_url.rsplit('/', 1)[-1] if small_url else '(none)'} (measured alternately)", flush=True)
    figures = run_child(full_url, small_url, args.repeat)
    missed = report(figures["full"], figures["small"], full_url, small_url)
    if missed:
        sys.exit(f"inprocess: target missed: {', '.join(missed)}")


def report(full, small, full_url, small_url):
    """Print the figures with their verdicts and merge them into bench/results.json; returns what missed its
    target (a page over the 1.3x rule or with another query count at 1 %, the PDF, the similar search)."""
    missed = []
    print()
    print(f"Échelle complète : {full['counts']} ; 1 % : {small['counts'] if small else 'pas de base'}")
    print(f"| {'page':<16} | {'ms 100%':>8} | {'req.':>4} | {'ms 1%':>7} | {'req.':>4} | {'ratio':>5} | ≤1,3× |")
    print(f"|{'-' * 18}|{'-' * 10}|{'-' * 6}|{'-' * 9}|{'-' * 6}|{'-' * 7}|-------|")
    for key, f in full["pages"].items():
        s = (small or {}).get("pages", {}).get(key)
        if s:
            ratio = f["median_ms"] / s["median_ms"] if s["median_ms"] else 0
            f["ratio_to_1pct"] = round(ratio, 3)
            f["ms_1pct"], f["queries_1pct"] = s["median_ms"], s["queries"]
            verdict = "OK" if ratio <= SCALE_RULE else "RATÉ"
            if s["queries"] != f["queries"]:
                verdict += " (requêtes ≠)"
            if verdict != "OK":
                missed.append(key)
            print(f"| {key:<16} | {f['median_ms']:8.1f} | {f['queries']:>4} | {s['median_ms']:7.1f} | "
                  f"{s['queries']:>4} | {ratio:5.2f} | {verdict} |")
        else:
            print(f"| {key:<16} | {f['median_ms']:8.1f} | {f['queries']:>4} | {'—':>7} | {'—':>4} | {'—':>5} | — |")
    pdf = full["pages"].get("passport_pdf")
    if pdf:
        verdict = "OK" if pdf["median_ms"] < PDF_TARGET_MS else "RATÉ"
        if verdict != "OK":
            missed.append("passport_pdf (ms per document)")
        print(f"Passeport PDF : {pdf['median_ms']:.1f} ms par document (cible < {PDF_TARGET_MS:.0f} ms) {verdict}")
    sim = full.get("similar")
    if sim:
        verdict = "OK" if sim["p95_ms"] < SIMILAR_TARGET_MS else "RATÉ"
        if verdict != "OK":
            missed.append("similar search p95")
        print(f"Remontées similaires : p95 {sim['p95_ms']:.1f} ms, p50 {sim['p50_ms']:.1f} ms à "
              f"{full['counts']['reports']} remontées (cible p95 < {SIMILAR_TARGET_MS:.0f} ms) {verdict}")
    csv = full.get("csv_export")
    if csv:
        print(f"Export CSV RH ({full['organisation_agents']} agents) : {csv['lines']} lignes, "
              f"{csv['bytes'] / 1024:.0f} Kio produits, pic mémoire Python {csv['peak_kib']:.0f} Kio "
              f"(tracemalloc), {csv['seconds']:.2f} s")
    small_csv = full.get("csv_export_small")
    if csv and small_csv:
        print(f"Export CSV RH ({small_csv['organisation_agents']} agents) : {small_csv['lines']} lignes, "
              f"{small_csv['bytes'] / 1024:.0f} Kio produits, pic mémoire Python {small_csv['peak_kib']:.0f} Kio "
              f"— pic {csv['peak_kib'] / small_csv['peak_kib']:.2f}x pour "
              f"{csv['bytes'] / max(small_csv['bytes'], 1):.0f}x plus de sortie")
    path = HERE / "results.json"
    results = json.loads(path.read_text()) if path.exists() else {}
    results["inprocess"] = {"database": full_url.rsplit("/", 1)[-1],
                            "small_database": small_url.rsplit("/", 1)[-1] if small_url else None,
                            "full": full, "small": small}
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return missed


if __name__ == "__main__":
    main()
