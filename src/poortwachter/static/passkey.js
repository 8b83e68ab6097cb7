/* Passkeys (WebAuthn) on the sign-in, second-step, set-up, settings and re-authentication
   pages. The pages work without this file for every other way of signing in; the passkey
   parts stay hidden unless the browser has window.PublicKeyCredential.

   Markup: an element [data-passkey="get"|"create"] (hidden), holding a button
   [data-passkey-start], an element [role=alert] for errors, a CSRF token input, optionally
   an input [data-passkey-name] (the passkey's name); attributes data-options and data-verify
   (the JSON endpoints), data-next, and the translated messages data-error-cancelled,
   data-error-exists, data-error-unsupported and data-error-failed.
   Loaded with <script src defer>: the Content Security Policy allows no inline script. */
(function () {
  "use strict";

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var text = atob(base64), bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) { bytes[i] = text.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withBytes(list) {
    return (list || []).map(function (c) { return Object.assign({}, c, { id: toBytes(c.id) }); });
  }

  function creationOptions(json) {
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      user: Object.assign({}, json.user, { id: toBytes(json.user.id) }),
      excludeCredentials: withBytes(json.excludeCredentials)
    });
  }

  function requestOptions(json) {
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      allowCredentials: withBytes(json.allowCredentials)
    });
  }

  function created(credential) {
    var r = credential.response;
    return {
      id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
      response: {
        clientDataJSON: toBase64url(r.clientDataJSON),
        attestationObject: toBase64url(r.attestationObject),
        transports: typeof r.getTransports === "function" ? r.getTransports() : []
      },
      clientExtensionResults: {}
    };
  }

  function asserted(credential) {
    var r = credential.response;
    return {
      id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
      response: {
        clientDataJSON: toBase64url(r.clientDataJSON),
        authenticatorData: toBase64url(r.authenticatorData),
        signature: toBase64url(r.signature),
        userHandle: r.userHandle ? toBase64url(r.userHandle) : null
      },
      clientExtensionResults: {}
    };
  }

  function Failure(message, goTo) { this.message = message; this.goTo = goTo; }

  function post(box, url, body) {
    var token = box.querySelector("input[name=csrfmiddlewaretoken]");
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; });
    }).then(function (answer) {
      if (answer.error || !(answer.publicKey || answer.go_to)) {
        throw new Failure(answer.error || box.dataset.errorFailed, answer.go_to);
      }
      return answer;
    });
  }

  function browserMessage(box, error) {
    if (error instanceof Failure) { return error.message; }
    if (error && error.name === "NotAllowedError") { return box.dataset.errorCancelled; }
    if (error && error.name === "InvalidStateError") { return box.dataset.errorExists; }
    if (error && (error.name === "SecurityError" || error.name === "NotSupportedError")) {
      return box.dataset.errorUnsupported;
    }
    return box.dataset.errorFailed;
  }

  function start(box, button) {
    var alert = box.querySelector("[role=alert]");
    var nameInput = box.querySelector("[data-passkey-name]");
    var creating = box.dataset.passkey === "create";
    var extra = { next: box.dataset.next || "" };
    if (nameInput) { extra.name = nameInput.value; }
    alert.hidden = true;
    button.disabled = true;
    post(box, box.dataset.options, extra).then(function (answer) {
      if (!answer.publicKey) { window.location.assign(answer.go_to); return null; }
      var ceremony = creating
        ? navigator.credentials.create({ publicKey: creationOptions(answer.publicKey) })
        : navigator.credentials.get({ publicKey: requestOptions(answer.publicKey) });
      return ceremony.then(function (credential) {
        var body = Object.assign({ credential: creating ? created(credential) : asserted(credential) }, extra);
        return post(box, box.dataset.verify, body);
      }).then(function (done) { window.location.assign(done.go_to); });
    }).catch(function (error) {
      button.disabled = false;
      alert.textContent = browserMessage(box, error);
      alert.hidden = false;
      if (error instanceof Failure && error.goTo) {
        // Let the message be read, then go where the server says (e.g. confirm it is you).
        window.setTimeout(function () { window.location.assign(error.goTo); }, 1500);
      }
    });
  }

  if (!window.PublicKeyCredential || !navigator.credentials) { return; }
  document.querySelectorAll("[data-passkey]").forEach(function (box) {
    var button = box.querySelector("[data-passkey-start]");
    box.hidden = false;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      start(box, button);
    });
  });
})();
