"""JWE interop with Python's jwcrypto (latchset/jwcrypto), driven by tests/jwe_interop.rs:

    python jwe_python.py CASES.json OUT.json

Reads the JWEs jwtctl made ({id, alg, enc, key, jwe, plaintext}), decrypts each with jwcrypto
allowed only that alg and enc, and encrypts the same plaintext to the key's public half for
jwtctl to open. Runs in a virtual environment of the scratch directory.
"""

import base64
import json
import sys

from jwcrypto import jwe, jwk
from jwcrypto.common import json_encode


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_half(key):
    return {k: v for k, v in key.items() if k not in ("d", "p", "q", "dp", "dq", "qi")}


def main(cases_file, out_file):
    with open(cases_file) as f:
        cases = json.load(f)
    results = []
    for case in cases:
        result = {"id": case["id"]}
        allowed = [case["alg"], case["enc"]]
        try:
            token = jwe.JWE()
            token.allowed_algs = allowed
            token.deserialize(case["jwe"], key=jwk.JWK(**case["key"]))
            header = json.loads(token.objects["protected"])
            if header["alg"] != case["alg"] or header["enc"] != case["enc"]:
                raise ValueError("header says %s/%s" % (header["alg"], header["enc"]))
            result["decrypted"] = b64u(token.payload)
        except Exception as error:  # reported to the Rust side, which fails the case
            result["decrypt_error"] = "%s: %s" % (type(error).__name__, error)
        try:
            recipient = case["key"] if case["key"]["kty"] == "oct" else public_half(case["key"])
            token = jwe.JWE(
                unb64u(case["plaintext"]),
                json_encode({"alg": case["alg"], "enc": case["enc"], "cty": "JWT"}),
            )
            token.allowed_algs = allowed
            token.add_recipient(jwk.JWK(**recipient))
            result["jwe"] = token.serialize(compact=True)
        except Exception as error:
            result["encrypt_error"] = "%s: %s" % (type(error).__name__, error)
        results.append(result)
    with open(out_file, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
