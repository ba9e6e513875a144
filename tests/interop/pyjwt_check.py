"""Interop checks between jwtctl and Python's PyJWT, run by run.sh with PyJWT installed from PyPI
into the scratch directory (PYTHONPATH).

    INTEROP_JWTCTL   the jwtctl binary
    INTEROP_SCRATCH  the scratch directory: keys/, and room for jwtctl's files

Prints "ok N - ..." or "not ok N - ...: why" per check and ends with
"interop: N passed, M failed" (the PyJWT part); exits 1 when any check failed.
"""

import os
import subprocess
import sys

import jwt

BIN = os.environ["INTEROP_JWTCTL"]
SCRATCH = os.environ["INTEROP_SCRATCH"]
KEYS = os.path.join(SCRATCH, "keys")

passed = failed = 0


def check(name, body):
    global passed, failed
    number = passed + failed + 1
    try:
        body()
    except Exception as error:  # noqa: BLE001 - a failed check, whatever it raised
        failed += 1
        print(f"not ok {number} - {name}: {type(error).__name__}: {error}")
    else:
        passed += 1
        print(f"ok {number} - {name}")


def jwtctl(args, env=None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("JWTCTL_")}
    clean["XDG_DATA_HOME"] = os.path.join(SCRATCH, "pyjwt-data")
    clean.update(env or {})
    return subprocess.run([BIN, *args], env=clean, capture_output=True, text=True, stdin=subprocess.DEVNULL)


secret = jwtctl(["gen-secret"]).stdout.rstrip("\n")
SECRET_ENV = {"JWTCTL_SECRET": secret}


def pair(args, env=None):
    run = jwtctl(["issue", "--sub", "alice", "--aud", "api", *args], env)
    assert run.returncode == 0, f"jwtctl issue failed: {run.stderr}"
    access, refresh = run.stdout.splitlines()
    return access, refresh


def rejects(token, key, algorithms):
    try:
        jwt.decode(token, key, algorithms=algorithms, audience="api")
    except jwt.InvalidTokenError:
        return
    raise AssertionError("PyJWT accepted it")


def hs256():
    access, refresh = pair([], SECRET_ENV)
    assert jwt.decode(access, secret, algorithms=["HS256"], audience="api")["sub"] == "alice"
    try:
        jwt.decode(refresh, secret, algorithms=["HS256"], audience="api")
    except jwt.InvalidSignatureError:
        return
    raise AssertionError("PyJWT accepted the refresh token as an access token")


def es256():
    access, refresh = pair(["--key-file", os.path.join(KEYS, "ec.key.pem")])
    with open(os.path.join(KEYS, "ec.pub.pem")) as file:
        public = file.read()
    if jwt.algorithms.has_crypto:
        assert jwt.decode(access, public, algorithms=["ES256"], audience="api")["sub"] == "alice"
    rejects(refresh, public, ["ES256"])


check("HS256: a jwtctl refresh token is not an access token for PyJWT (same secret)", hs256)
check("ES256: a jwtctl refresh token is not an access token for PyJWT (public key)", es256)

print(f"interop: PyJWT {jwt.__version__}: {passed} passed, {failed} failed")
sys.exit(0 if failed == 0 else 1)
