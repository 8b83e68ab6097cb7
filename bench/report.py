"""The tables `make bench` prints: every figure beside its target (the sign-ins under a
flood of one account among them), and sign-ins per server configuration."""

from people import ORGANISATION

SIGNIN_SHARE_TARGET = 0.85   # sign-ins/s as a share of the argon2 ceiling
P99_VERIFIES_TARGET = 3.0    # p99 at half load, in single-verify times
PAGE_SHARE_TARGET = 0.70     # signed-in page rps as a share of /healthz rps
FLOOD_SHARE_TARGET = 0.80    # sign-ins/s under a flood of one account as a share of without
BACKGROUND_WARNING = 0.05   # others' CPU share above which the run is called noisy
DASHBOARD = f"/{ORGANISATION}/dashboard"


def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f} ms"


def verdict(ok: bool) -> str:
    return "ok" if ok else "NOT OK"


def latencies(summary: dict) -> str:
    return f"p50 {ms(summary['p50'])}, p99 {ms(summary['p99'])}"


def failures(result: dict) -> str:
    if not result.get("failed"):
        return ""
    why = ", ".join(f"{reason}: {n}" for reason, n in result.get("errors", {}).items() if n)
    return f", {result['failed']} failed" + (f" ({why})" if why else "")


def argon2_rows(results: dict) -> list[tuple]:
    one, ceiling = results["argon2_one"], results["argon2_ceiling"]
    return [
        ("argon2id verify, 1 thread (median)", f"{ms(one['median'])} (fastest {ms(one['min'])})", "", ""),
        (f"argon2id ceiling, {ceiling['processes']} processes",
         f"{ceiling['per_second']:.1f} verifies/s "
         f"(by round {', '.join(f'{r:.1f}' for r in ceiling['rounds'])})", "", ""),
    ]


def signin_rows(results: dict) -> list[tuple]:
    head, ceiling = results["headline"], results["argon2_ceiling"]["per_second"]
    signin, half = head["signin"], head["half_load"]
    share = signin["per_second"] / ceiling
    p99, limit = half["latency"]["p99"], P99_VERIFIES_TARGET * results["argon2_one"]["median"]
    config = f"{head['workers']} workers x {head['threads']} threads"
    return [
        (f"password sign-ins/s, {signin['clients']} people at once ({config})",
         f"{signin['per_second']:.1f}/s ({latencies(signin['latency'])}{failures(signin)})", "", ""),
        ("sign-ins / argon2 ceiling",
         f"{share:.0%}" + (f" (by round {'/'.join(f'{r:.0%}' for r in signin['share_by_round'])})"
                           if signin.get("share_by_round") else ""), f">= {SIGNIN_SHARE_TARGET:.0%}",
         verdict(share >= SIGNIN_SHARE_TARGET and not signin["failed"])),
        (f"sign-in p99 at half load ({half['rate']:.1f}/s paced)",
         f"{ms(p99)} (p50 {ms(half['latency']['p50'])}{failures(half)})",
         f"<= {ms(limit)} (3x verify)", verdict(p99 is not None and p99 <= limit and not half["failed"])),
    ]


def page_rows(results: dict) -> list[tuple]:
    pages = results["headline"]["pages"]
    bare, signed = pages["bare"], pages["signed_in"]
    share = signed["per_second"] / bare["per_second"]
    how = f"{bare['tool']}, {bare['connections']} conns"
    return [
        (f"GET /healthz rps ({how})",
         f"{bare['per_second']:.0f}/s ({latencies(bare['latency'])}{failures(bare)})", "", ""),
        (f"GET {DASHBOARD} signed in rps ({how})",
         f"{signed['per_second']:.0f}/s ({latencies(signed['latency'])}{failures(signed)})", "", ""),
        ("signed-in page / bare endpoint", f"{share:.0%}", f">= {PAGE_SHARE_TARGET:.0%}",
         verdict(share >= PAGE_SHARE_TARGET and not signed["failed"])),
    ]


def flood_rows(results: dict) -> list[tuple]:
    flood = results["headline"]["flood"]
    calm, attacked, attacker = flood["calm"], flood["attacked"], flood["attacker"]
    share = attacked["per_second"] / calm["per_second"]
    hashed, expected = attacker["hashed"], attacker["captcha_after"]
    answers = ", ".join(f"{n} x {outcome}" for outcome, n in sorted(attacker["statuses"].items()))
    return [
        ("legitimate sign-ins/s, no attack",
         f"{calm['per_second']:.1f}/s ({latencies(calm['latency'])}{failures(calm)})", "", ""),
        ("legitimate sign-ins/s under a flood of one account",
         f"{attacked['per_second']:.1f}/s ({latencies(attacked['latency'])}{failures(attacked)})", "", ""),
        ("under attack / no attack", f"{share:.0%}", f">= {FLOOD_SHARE_TARGET:.0%}",
         verdict(share >= FLOOD_SHARE_TARGET and not attacked["failed"])),
        (f"attacker requests/s (hashed: {hashed})",
         f"{attacker['per_second']:.0f}/s ({attacker['threads']} conns from {attacker['source']}: {answers})",
         f"hashed = {expected} (CAPTCHA after)", verdict(hashed == expected)),
    ]


def attacker_note(results: dict) -> str:
    """The attacker's audit rows other than its hashed attempts: each is a database write."""
    rows = results["headline"]["flood"]["attacker"]["audit_rows"]
    others = ", ".join(f"{n} {kind}" for kind, n in sorted(rows.items()) if kind != "signin.failed" and n)
    return f"\nThe attacker's attempts also wrote these audit rows: {others}.\n" if others else ""


def sweep_rows(results: dict) -> list[tuple]:
    ceiling = results["argon2_ceiling"]["per_second"]
    best = max(results["sweep"], key=lambda r: r["signin"]["per_second"])
    default = results["sweep"][0]  # the headline configuration comes first
    rows = []
    for r in sorted(results["sweep"], key=lambda r: (r["threads"], r["workers"])):
        s = r["signin"]
        rows.append((f"{r['workers']} x {r['threads']}" + (" (default)" if r is default else ""),
                     f"{s['per_second']:.1f}", f"{s['per_second'] / ceiling:.0%}", ms(s["latency"]["p50"]),
                     ms(s["latency"]["p99"]), str(s["failed"]), "best" if r is best else ""))
    return rows


def table(header: tuple, rows: list[tuple]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    line = lambda row: "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip()
    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *map(line, rows)])


def text(results: dict) -> str:
    m, busy = results["machine"], results["others_cpu_share"]
    title = (f"Poortwachter benchmark -- {m['cores']} cores, Python {m['python']}, "
             f"argon2-cffi {m['argon2_cffi']}, Django {m['django']}, gunicorn {m['gunicorn']}")
    rows = argon2_rows(results) + signin_rows(results) + page_rows(results) + flood_rows(results)
    if busy > BACKGROUND_WARNING:  # the verdicts cannot be trusted: mark them
        rows = [(*row[:3], row[3] + "?" if row[3] else "") for row in rows]
    main = table(("measure", "figure", "target", "ok"), rows)
    sweep = table(("workers x threads", "sign-ins/s", "of ceiling", "p50", "p99", "failed", ""),
                  sweep_rows(results))
    return (f"\n{title}\n{background_note(busy)}\n\n{main}\n{attacker_note(results)}\n"
            f"Sign-ins per server configuration (sync workers when threads = 1)\n\n{sweep}\n")


def background_note(share: float) -> str:
    note = f"Other processes used {share:.0%} of the machine's CPU during this run"
    if share > BACKGROUND_WARNING:
        note += (": every figure is lower and noisier than on a quiet machine, and a verdict"
                 " marked ? may be wrong either way; run again when the machine is quiet")
    return note + "."
