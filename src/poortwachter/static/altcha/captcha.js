/* Sets up the ALTCHA widget of the login form (templates/security/captcha_field.html).
   Loaded as a module right after altcha.min.js (the vendored "external" build), so the
   widget and its global $altcha registry exist when this runs. It
   - runs the proof of work in a Web Worker from our own static files (the external build
     bundles none, and the Content Security Policy allows no blob: workers);
   - gives the widget its texts in the page's language, from the data-text-* attributes
     the server translated;
   - ties the widget's checkbox to the explanation above it and announces its progress in
     a status line for screen readers;
   - starts the calculation at once (nobody has to tick the box), starts a new one when an
     answer expires, and holds back a submit until the
     answer is there, so a quick person never sends the form without it.
   The page works without this file: the server then asks for the check again. */

const TEXTS = {
  label: "textLabel",
  verifying: "textVerifying",
  verified: "textVerified",
  waitAlert: "textWaitAlert",
  verificationRequired: "textVerificationRequired",
  error: "textError",
  expired: "textExpired",
};
const ANNOUNCED = { verifying: "verifying", verified: "verified", error: "error", expired: "expired" };

function texts(widget) {
  const strings = { ...($altcha.i18n.get("en") || {}) };
  for (const [key, attribute] of Object.entries(TEXTS)) {
    if (widget.dataset[attribute]) strings[key] = widget.dataset[attribute];
  }
  return strings;
}

function describe(widget) {
  const checkbox = widget.querySelector('input[type="checkbox"]');
  if (checkbox && widget.dataset.describedby) {
    checkbox.setAttribute("aria-describedby", widget.dataset.describedby);
  }
}

function announce(widget, strings, state) {
  const status = document.getElementById(widget.dataset.status || "");
  if (status && ANNOUNCED[state]) status.textContent = strings[ANNOUNCED[state]];
}

function holdSubmitUntilVerified(widget) {
  const form = widget.closest("form");
  if (!form) return;
  let waiting = null;
  form.addEventListener("submit", (event) => {
    const state = widget.getState ? widget.getState() : "verified";
    if (state === "verified" || state === "error") return; // error: let the server explain
    event.preventDefault();
    waiting = event.submitter || null;
    if (state !== "verifying") widget.verify();
  }, { capture: true });
  widget.addEventListener("verified", () => {
    if (waiting === null) return;
    const submitter = waiting;
    waiting = null;
    form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
  });
}

// The widget's methods exist once it has mounted (a moment after its script ran).
function whenMounted(widget, run) {
  if (typeof widget.verify === "function") run();
  else widget.addEventListener("load", run, { once: true });
}

for (const widget of document.querySelectorAll("altcha-widget")) {
  const worker = widget.dataset.worker;
  if (worker) {
    $altcha.algorithms.set("PBKDF2/SHA-256", () => new Worker(worker));
  }
  const language = widget.getAttribute("language") || "en";
  const strings = texts(widget);
  $altcha.i18n.set(language, strings);
  widget.addEventListener("statechange", (event) => {
    describe(widget);
    announce(widget, strings, event.detail && event.detail.state);
  });
  widget.addEventListener("expired", () => widget.verify());
  holdSubmitUntilVerified(widget);
  // Started here rather than with auto="onload": the worker must be registered first.
  whenMounted(widget, () => {
    describe(widget);
    widget.verify();
  });
}
