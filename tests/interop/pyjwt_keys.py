"""Interop checks between jwtctl and Python's PyJWT for ES512 (P-521) and ES256K (secp256k1).

Run by keys.sh, which installs PyJWT with `cryptography` into a scratch virtualenv and makes the
keys; INTEROP_JWTCTL is the binary and INTEROP_SCRATCH the scratch directory. Prints one line per
check ("ok N - pyjwt: ..." or "not ok N - pyjwt: ...: why"); exits 1 when any check failed.
"""

import base64
import json
import os
import subprocess
import sys
import time

import jwt

BIN = os.environ["INTEROP_JWTCTL"]
SCRATCH = os.environ["INTEROP_SCRATCH"]
KEYS = os.path.join(SCRATCH, "keys")

passed = 0
failed = 0


def check(name, body):
    global passed, failed
    number = passed + failed + 1
    try:
        body()
        passed += 1
        print(f"ok {number} - pyjwt: {name}", flush=True)
    except Exception as error:  # a failed check is reported, never raised
        failed += 1
        why = str(error).replace("\n", "\n#   ")
        print(f"not ok {number} - pyjwt: {name}: {why}", flush=True)


def jwtctl(args, stdin=""):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("JWTCTL_") and not name.startswith("CLICOLOR") and name != "NO_COLOR"
    }
    env["TERM"] = "dumb"
    env["XDG_DATA_HOME"] = os.path.join(SCRATCH, "xdg")
    return subprocess.run([BIN, *args], input=stdin, capture_output=True, text=True, env=env)


def describe(run):
    return f"exit {run.returncode}, stdout {run.stdout!r}, stderr {run.stderr!r}"


def issue(args):
    run = jwtctl(["issue", "--no-refresh", *args])
    assert run.returncode == 0, describe(run)
    return run.stdout.strip()


def tamper(token):
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "mallory"
    changed = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return ".".join([header, changed, signature])


def read(name):
    with open(os.path.join(KEYS, name), encoding="ascii") as file:
        return file.read()


def suite(alg, key):
    private_file = os.path.join(KEYS, f"{key}.key.pem")
    public_file = os.path.join(KEYS, f"{key}.pub.pem")
    private_pem = read(f"{key}.key.pem")
    public_pem = read(f"{key}.pub.pem")

    def from_jwtctl():
        token = issue(["--sub", "alice", "--key-file", private_file, "--alg", alg])
        claims = jwt.decode(token, public_pem, algorithms=[alg])
        assert claims["sub"] == "alice", claims
        assert jwt.get_unverified_header(token)["alg"] == alg

    def from_jwtctl_tampered():
        token = issue(["--sub", "alice", "--key-file", private_file, "--alg", alg])
        try:
            jwt.decode(tamper(token), public_pem, algorithms=[alg])
        except jwt.InvalidSignatureError:
            return
        raise AssertionError("PyJWT accepted a changed claim")

    now = int(time.time())
    theirs = jwt.encode(
        {"sub": "bob", "iat": now, "exp": now + 300},
        private_pem,
        algorithm=alg,
        headers={"typ": "at+jwt"},
    )

    def from_pyjwt():
        run = jwtctl(["verify", theirs, "--json", "--key-file", public_file, "--alg", alg])
        assert run.returncode == 0, describe(run)
        assert json.loads(run.stdout)["claims"]["sub"] == "bob"

    def from_pyjwt_tampered():
        run = jwtctl(["verify", tamper(theirs), "--json", "--key-file", public_file, "--alg", alg])
        assert run.returncode == 1, describe(run)

    check(f"an {alg} token from jwtctl verifies", from_jwtctl)
    check(f"an {alg} token from jwtctl with a changed claim is rejected", from_jwtctl_tampered)
    check(f"an {alg} token from PyJWT verifies in jwtctl", from_pyjwt)
    check(f"an {alg} token from PyJWT with a changed claim is rejected", from_pyjwt_tampered)


def jwk_both_ways():
    private_file = os.path.join(KEYS, "k256.key.pem")
    run = jwtctl(["convert", private_file, "--to", "jwk"])
    assert run.returncode == 0, describe(run)
    private_jwk = jwt.PyJWK(json.loads(run.stdout))
    run = jwtctl(["convert", private_file, "--to", "jwk", "--public"])
    assert run.returncode == 0, describe(run)
    public_file = os.path.join(KEYS, "k256.pub.jwk")
    with open(public_file, "w", encoding="ascii") as file:
        file.write(run.stdout)
    now = int(time.time())
    token = jwt.encode({"sub": "erin", "exp": now + 300}, private_jwk.key, algorithm="ES256K")
    run = jwtctl(["verify", token, "--json", "--key-file", public_file])
    assert run.returncode == 0, describe(run)
    mine = issue(["--sub", "frank", "--key-file", private_file])
    public_jwk = jwt.PyJWK(json.loads(open(public_file, encoding="ascii").read()))
    assert jwt.decode(mine, public_jwk.key, algorithms=["ES256K"])["sub"] == "frank"


suite("ES512", "p521")
suite("ES256K", "k256")
check("ES256K JWKs from jwtctl convert sign and verify in PyJWT and back", jwk_both_ways)
sys.exit(1 if failed else 0)
