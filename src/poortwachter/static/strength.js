/* Password strength meter, shown while typing on the pages where a password is chosen
   (activation, reset). An honest small estimate, not zxcvbn: it counts the characters that
   add guessing work (repeats, sequences, keyboard rows, common and personal words add
   almost nothing), multiplies by the bits per character of the kinds used, and maps that
   to "weak", "fair" or "strong". The server's rules (accounts/password_rules.py, zxcvbn)
   decide whether a password is accepted; the page works without this file.

   Markup: <input data-strength="ID" data-strength-min="15" data-strength-personal="words">
   and an element #ID (hidden until this runs) with a <meter> and a [data-strength-label],
   its labels in data-weak, data-fair and data-strong (translated by the page).
   Loaded with <script src defer>: the Content Security Policy allows no inline script. */
(function () {
  "use strict";

  var SEQUENCES = [
    "abcdefghijklmnopqrstuvwxyz", "0123456789",
    "qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn", "1234567890"
  ];
  var COMMON = [
    "wachtwoord", "password", "passwort", "welkom", "welcome", "geheim", "secret", "qwerty",
    "azerty", "letmein", "admin", "iloveyou", "monkey", "dragon", "football", "voetbal",
    "zomer", "winter", "lente", "herfst", "voorjaar", "summer", "spring", "autumn",
    "ajax", "feyenoord", "psv", "nederland", "holland", "amsterdam", "rotterdam", "utrecht",
    "maandag", "januari", "test", "hallo", "hello", "poortwachter"
  ];

  // Runs of 3 or more characters that follow each other in a sequence or keyboard row
  // (forwards or backwards) shrink to their first character.
  function collapseSequences(text) {
    var out = "", i = 0;
    while (i < text.length) {
      var run = 1;
      for (var s = 0; s < SEQUENCES.length && run < 3; s++) {
        run = Math.max(run, sequenceRun(text, i, SEQUENCES[s]));
      }
      out += text[i];
      i += run >= 3 ? run : 1;
    }
    return out;
  }

  function sequenceRun(text, start, sequence) {
    var best = 1;
    [1, -1].forEach(function (step) {
      var n = 1, at = sequence.indexOf(text[start]);
      while (at >= 0 && start + n < text.length && sequence[at + step * n] === text[start + n]) {
        n++;
      }
      best = Math.max(best, n);
    });
    return best;
  }

  function collapseWords(text, words) {
    words.forEach(function (word) {
      if (word.length >= 3) {
        text = text.split(word).join("\u0001");  // a known word is worth about one character
      }
    });
    return text;
  }

  function poolSize(password) {
    var size = 0;
    if (/[a-z]/.test(password)) size += 26;
    if (/[A-Z]/.test(password)) size += 26;
    if (/[0-9]/.test(password)) size += 10;
    if (/[ -\/:-@\[-`{-~]/.test(password)) size += 33;
    if (/[^\x00-\x7f]/.test(password)) size += 100;
    return Math.max(size, 10);
  }

  function estimate(password, personal) {
    var text = password.toLowerCase();
    text = collapseWords(text, personal.concat(COMMON));
    text = text.replace(/(.+?)\1+/g, "$1");  // "abcabcabc" and "aaaa" are worth one time
    text = collapseSequences(text);
    var bits = text.length * Math.log2(poolSize(password));
    // Long passwords are strong mostly by length; cap the effect of a varied alphabet.
    return Math.min(bits, text.length * 6.5);
  }

  // 0 weak, 1 fair, 2 strong. Below the organisation's minimum length a password is
  // refused anyway, so it is never more than weak.
  function level(password, minimum, personal) {
    var bits = estimate(password, personal);
    if (password.length < minimum || bits < 50) return 0;
    return bits < 75 ? 1 : 2;
  }

  function attach(input) {
    var box = document.getElementById(input.getAttribute("data-strength"));
    if (!box) return;
    var meter = box.querySelector("meter");
    var label = box.querySelector("[data-strength-label]");
    var names = [box.getAttribute("data-weak"), box.getAttribute("data-fair"), box.getAttribute("data-strong")];
    var minimum = parseInt(input.getAttribute("data-strength-min"), 10) || 8;
    var personal = (input.getAttribute("data-strength-personal") || "").toLowerCase()
      .split(/[\s@.,_\-]+/).filter(function (word) { return word.length >= 3; });

    function update() {
      var password = input.value;
      if (!password) {
        meter.value = 0;
        label.textContent = "";
        return;
      }
      var found = level(password, minimum, personal);
      meter.value = [1, 2.5, 4][found];
      label.textContent = names[found];
      box.setAttribute("data-level", String(found));
    }

    box.hidden = false;
    input.addEventListener("input", update);
    update();
  }

  document.querySelectorAll("input[data-strength]").forEach(attach);
})();
