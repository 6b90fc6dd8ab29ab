"""Third-party conformance: pywa (a widely used WhatsApp Cloud API client) sends through the
sandbox and parses the sandbox's signed webhooks with signature validation on.

pywa hard-codes https://graph.facebook.com as its base URL, so the client is given an httpx
transport that re-targets every request at the sandbox (scheme, host and port; the path, with
its /vNN.0 prefix, is kept). The webhook side uses pywa's documented custom-server hooks,
`webhook_update_validator` (X-Hub-Signature-256 check) then `webhook_update_handler`.

Driven by crates/sandbox/tests/conformance_pywa.rs through environment variables. Prints one
JSON line with what pywa parsed and exits 0, or prints the failure and exits 1.
"""

import json
import os
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from pywa import WhatsApp, types, utils
from pywa.types.templates import BodyText, TemplateLanguage

SANDBOX = os.environ["SANDBOX_BASE_URL"]
GRAPH_VERSION = os.environ.get("SANDBOX_GRAPH_VERSION", "23.0")
TOKEN = os.environ["SANDBOX_TOKEN"]
SECRET = os.environ["SANDBOX_SECRET"]
PHONE_ID = os.environ["SANDBOX_PHONE_ID"]
WABA_ID = os.environ["SANDBOX_WABA_ID"]
CUSTOMER = "16505551234"


class ToSandbox(httpx.BaseTransport):
    """Sends every request to the sandbox instead of graph.facebook.com."""

    def __init__(self, base: str):
        self._base = httpx.URL(base)
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(
            scheme=self._base.scheme, host=self._base.host, port=self._base.port
        )
        request.headers["host"] = f"{self._base.host}:{self._base.port}"
        return self._inner.handle_request(request)


def control(method: str, path: str, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(
        f"{SANDBOX}/_sandbox{path}", data=data, method=method,
        headers={"content-type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=30) as res:
        return json.loads(res.read() or b"null")


wa = WhatsApp(
    phone_id=PHONE_ID,
    token=TOKEN,
    waba_id=WABA_ID,
    session=httpx.Client(transport=ToSandbox(SANDBOX), timeout=30),
    api_version=GRAPH_VERSION,
    app_secret=SECRET,
    verify_token="conformance",
    validate_updates=True,
)

lock = threading.Lock()
messages, statuses, echoes, rejected = [], [], [], []


@wa.on_message()
def on_message(_: WhatsApp, msg: types.Message):
    with lock:
        messages.append(msg)


@wa.on_message_status()
def on_status(_: WhatsApp, status: types.MessageStatus):
    with lock:
        statuses.append(status)


@wa.on_outgoing_message()
def on_echo(_: WhatsApp, echo):
    with lock:
        echoes.append(echo)


class Webhook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        error = wa.webhook_update_validator(body, self.headers.get(utils.HUB_SIG))
        if error is not None:
            with lock:
                rejected.append(error)
            text, status = error
        else:
            text, status = wa.webhook_update_handler(body)
        self.send_response(status)
        self.end_headers()
        self.wfile.write(str(text).encode())

    def log_message(self, *_):
        pass


def wait_for(predicate, what: str, seconds: float = 20.0):
    deadline = time.time() + seconds
    while time.time() < deadline:
        control("POST", "/webhooks/flush")
        with lock:
            if predicate():
                return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    control("POST", "/settings", {"webhook_url": url, "delivery": {"max_batch": 1}})

    # A customer writes first, so the free-form reply is inside the service window.
    control("POST", f"/customers/{CUSTOMER}/send",
            {"phone_number_id": PHONE_ID, "message": {"type": "text", "text": {"body": "Hi from a customer"}}})
    wait_for(lambda: messages, "the customer message")
    inbound = messages[0]
    assert inbound.text == "Hi from a customer", inbound
    assert inbound.from_user.wa_id == CUSTOMER, inbound.from_user
    assert inbound.from_user.name, inbound.from_user

    sent = wa.send_message(to=CUSTOMER, text="Hello from pywa", tracker="conformance-1")
    template = wa.send_template(
        to=CUSTOMER, name="order_update", language=TemplateLanguage.ENGLISH_US,
        params=[BodyText.params("Ana", "A-100", "shipped")],
    )
    control("POST", "/clock/advance", {"seconds": 10})
    wanted = {(sent.id, "read"), (template.id, "read")}
    wait_for(lambda: wanted <= {(s.id, s.status.value) for s in statuses}, "read statuses")

    control("POST", f"/phones/{PHONE_ID}/send",
            {"to": CUSTOMER, "message": {"type": "text", "text": {"body": "Typed on the phone"}}})
    wait_for(lambda: echoes, "the echo")

    bad = wa.webhook_update_validator(b'{"object":"whatsapp_business_account"}', "sha256=" + "0" * 64)
    assert bad is not None, "a wrong signature must be rejected"

    with lock:
        mine = [s for s in statuses if s.id in (sent.id, template.id)]
        summary = {
            "inbound_text": inbound.text,
            "sent_id": sent.id,
            "template_id": template.id,
            "statuses": [[s.id, s.status.value] for s in mine],
            "trackers": sorted({str(s.tracker) for s in mine if s.tracker}),
            "pricing": sorted({str(getattr(s, "pricing_model", None)) for s in mine}),
            "echo_text": getattr(echoes[0], "text", None),
            "rejected_by_pywa": len(rejected),
        }
    print(json.dumps(summary))
    server.shutdown()


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # report, do not hang
        print(f"conformance failed: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
