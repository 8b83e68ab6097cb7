"""200 wrong guesses at once, from threads, against the real server (several gunicorn
processes sharing the counters through the database): the number of password hashes that
ran stays within the policy, because every attempt is counted before it is hashed."""

import sqlite3
import threading
import urllib.error
import urllib.parse
import urllib.request

from tests.server_process import csrf_pair, running_server


def test_two_hundred_parallel_wrong_guesses_hash_at_most_the_policy(tmp_path):
    with running_server(tmp_path, POORTWACHTER_WORKERS="3", POORTWACHTER_THREADS="4") as (base, _):
        cookie, token = csrf_pair(base, "/demo/login")
        statuses, barrier = [], threading.Barrier(50)
        body = urllib.parse.urlencode({"identifier": "medewerker", "password": "fout-fout-fout-fout",
                                       "csrfmiddlewaretoken": token}).encode()

        def guess():
            barrier.wait()
            for _ in range(4):
                request = urllib.request.Request(base + "/demo/login", data=body, headers={"Cookie": cookie})
                try:
                    with urllib.request.urlopen(request, timeout=60) as response:
                        statuses.append(response.status)
                except urllib.error.HTTPError as error:
                    statuses.append(error.code)

        threads = [threading.Thread(target=guess) for _ in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        # And now the right password without a CAPTCHA is refused too.
        right = urllib.parse.urlencode({"identifier": "medewerker", "password": "herfst-gracht-fiets-2026",
                                        "csrfmiddlewaretoken": token}).encode()
        with urllib.request.urlopen(urllib.request.Request(base + "/demo/login", data=right,
                                                           headers={"Cookie": cookie}), timeout=30) as r:
            assert r.status == 200 and "<altcha-widget" in r.read().decode()

    assert len(statuses) == 200 and set(statuses) <= {200, 503}, sorted(set(statuses))
    with sqlite3.connect(tmp_path / "poortwachter.sqlite3") as db:
        hashed = db.execute("SELECT count(*) FROM security_auditevent WHERE type = 'signin.failed'").fetchone()[0]
        captcha_after = db.execute("SELECT captcha_after_failures FROM tenants_policy p JOIN tenants_organisation o "
                                   "ON o.id = p.organisation_id WHERE o.slug = 'demo'").fetchone()[0]
    assert 1 <= hashed <= captcha_after == 3
