#!/usr/bin/env python3
"""Starts moto (the AWS emulator) for the conformance suite, with two repairs to what it answers.

1. moto answers an IAM denial (and a bad key or signature) with its XML error body whatever the
   service's protocol is. The SDKs of JSON-protocol services (DynamoDB, Lambda, ECS, KMS, Secrets
   Manager, CloudWatch Logs, Step Functions, SQS) cannot parse that and report an "unknown" error.
   For a JSON-protocol request this launcher rewrites such an answer into AWS's JSON error shape,
   `{"__type": CODE, "message": MESSAGE}` with the `x-amzn-ErrorType` header, keeping moto's
   message. The code becomes the one the JSON services use (`AccessDeniedException`,
   `UnrecognizedClientException`); SQS keeps `AccessDenied`.
2. Every answer without a request id gets one, in the header the service's SDKs read
   (`x-amz-request-id` + `x-amz-id-2` for S3, `x-amzn-RequestId` elsewhere), and a query-protocol
   error body without one gets `<RequestId>` (EC2: `<Response>...<RequestID>`), as AWS always
   sends one: the request id is one of the fields the suite compares. Such a body also loses the
   `<Errors>` wrapper moto puts around its `<Error>` (only EC2 has one).
3. moto computes Lambda's request signatures differently from the SDKs (every signed Lambda call
   fails with SignatureDoesNotMatch once IAM is on), and every request the Ruby SDK v1 signs too
   (user agent `aws-sdk-ruby/1.`), so the signature check is skipped for those; the key must
   still be known and its policies still decide.

usage: launcher.py PORT   (prints "ready" on stdout once it listens; runs until killed)

IAM is not enforced at start (INITIAL_NO_AUTH_ACTION_COUNT is left unset); the driver sets up
users and resources, then turns enforcement on with moto's `/moto-api/reset-auth`.
"""
import json
import os
import random
import re
import sys
import threading
import urllib.request
import uuid
import zlib

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.iam.access_control import IAMRequestBase
from werkzeug.serving import make_server

# Signing names (the service in the credential scope) of the services whose protocol is JSON or
# REST-JSON in the SDKs the suite runs.
JSON_SERVICES = {"dynamodb", "lambda", "ecs", "kms", "secretsmanager", "logs", "states", "sqs"}
# moto's code -> the code a JSON-protocol service sends for the same thing.
JSON_CODES = {
    "AccessDenied": "AccessDeniedException",
    "InvalidClientTokenId": "UnrecognizedClientException",
}
SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
XML_CODE = re.compile(rb"<Code>([^<]*)</Code>")
XML_MESSAGE = re.compile(rb"<Message>([^<]*)</Message>", re.S)


def _check_signature_but_lambda(check):
    def wrapped(self):
        scope = SCOPE.search(self._headers.get("Authorization", ""))
        if scope and scope.group(1) == "lambda":
            return None
        if self._headers.get("User-Agent", "").startswith("aws-sdk-ruby/1."):
            return None
        return check(self)
    return wrapped


IAMRequestBase.check_signature = _check_signature_but_lambda(IAMRequestBase.check_signature)


def signing_name(environ):
    m = SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return m.group(1) if m else ""


def is_json_request(environ, service):
    ctype = environ.get("CONTENT_TYPE", "")
    if environ.get("HTTP_X_AMZ_TARGET") or "x-amz-json" in ctype:
        return True
    # Lambda is REST-JSON: no target header, the signing name says it.
    return service == "lambda"


def unescape(b):
    s = b.decode("utf-8", "replace")
    return (s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


class Repair:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        service = signing_name(environ)
        json_req = is_json_request(environ, service) and service in JSON_SERVICES
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"] = status
            captured["headers"] = list(headers)
            return lambda data: None

        body_iter = self.app(environ, capture)
        try:
            body = b"".join(body_iter)
        finally:
            if hasattr(body_iter, "close"):
                body_iter.close()
        status = captured["status"]
        headers = captured["headers"]
        code_num = int(status.split()[0])
        if json_req and code_num >= 400 and body.lstrip().startswith(b"<"):
            m = XML_CODE.search(body)
            code = unescape(m.group(1)) if m else "UnknownError"
            if service != "sqs":
                code = JSON_CODES.get(code, code)
            mm = XML_MESSAGE.search(body)
            message = unescape(mm.group(1)) if mm else ""
            body = json.dumps({"__type": code, "message": message}).encode()
            headers = [(k, v) for k, v in headers
                       if k.lower() not in ("content-type", "content-length", "x-amzn-errortype",
                                            "x-amz-crc32")]
            ctype = "application/json" if service == "lambda" else "application/x-amz-json-1.1"
            headers += [("Content-Type", ctype), ("x-amzn-ErrorType", code),
                        ("Content-Length", str(len(body)))]
            if service == "dynamodb":
                headers.append(("x-amz-crc32", str(zlib.crc32(body))))
        elif code_num >= 400 and b"<ErrorResponse" in body[:200] and b"<RequestI" not in body:
            rid = str(uuid.uuid4()).encode()
            if service == "ec2":
                body = (body.replace(b"<ErrorResponse>", b"<Response>")
                        .replace(b"</ErrorResponse>", b"<RequestID>" + rid + b"</RequestID></Response>"))
            else:
                # The query protocol's shape is <ErrorResponse><Error>...; moto nests the Error in
                # <Errors> as EC2 does, which some SDKs (Go v1) cannot read.
                body = (body.replace(b"<Errors><Error>", b"<Error>")
                        .replace(b"</Error></Errors>", b"</Error>")
                        .replace(b"</ErrorResponse>",
                                 b"<RequestId>" + rid + b"</RequestId></ErrorResponse>"))
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers.append(("Content-Length", str(len(body))))
        names = {k.lower() for k, _ in headers}
        if service == "s3":
            if "x-amz-request-id" not in names:
                headers.append(("x-amz-request-id", "%016X" % random.getrandbits(64)))
            if "x-amz-id-2" not in names:
                headers.append(("x-amz-id-2", "%032x" % random.getrandbits(128)))
        elif "x-amzn-requestid" not in names and "x-amz-request-id" not in names:
            headers.append(("x-amzn-RequestId", str(uuid.uuid4())))
        start_response(status, headers)
        return [body]


def main():
    port = int(sys.argv[1])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", port, Repair(app), threaded=True,
                         request_handler=MotoRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    urllib.request.urlopen("http://127.0.0.1:%d/moto-api/" % port, timeout=30).read()
    print("ready", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
